"""A large file is split and read in pieces (statements.split.split_sql_pieces, analysis.driver's
_one_in_pieces), so that its parse trees are never all held at once: the pieces, joined, are exactly what
split_sql and file_effects make of the whole text."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgconsolidate.analysis import driver
from pgconsolidate.model.effects import file_effects
from pgconsolidate.statements.split import joined, piece_starts, split_sql, split_sql_pieces

EXAMPLE_MIGRATIONS = (
    Path(__file__).resolve().parents[2] / "examples" / "ai-memory" / "supabase" / "migrations"
)

HANDMADE = (
    "-- pgconsolidate: ignore-file non-idempotent\n"
    "create table a (id int primary key, name text default 'é');\n"
    "insert into a values (1, 'x'); insert into a values (2, 'y');\n"
    "-- pgconsolidate: ignore drop-missing\n"
    "drop table if exists b;\n"
    "create function f(x int) returns int language sql\n"
    "begin atomic\n  select x + 1;\n  select x + 2;\nend;\n"
    "/* a block comment; with a semicolon */\n"
    "create index on a (name);\n"
    "set search_path = app, public;\n"
    "create table c (id int);\n"
    "create function g() returns text language plpgsql as $$ begin return 'a;\nb'; end $$;\n"
    "comment on table c is 'x;\ny';\n"
) * 3


def _example_text() -> str:
    files = sorted(EXAMPLE_MIGRATIONS.glob("*.sql"))
    return "\n".join(p.read_text() for p in files)


@pytest.mark.parametrize("size", [1, 40, 300, 5_000])
@pytest.mark.parametrize(
    "text", [HANDMADE, HANDMADE + "select from where;\n" + HANDMADE], ids=["ok", "error"]
)
def test_pieces_joined_are_the_whole(text: str, size: int) -> None:
    whole = split_sql("f.sql", text, first_line=3)
    pieces = list(split_sql_pieces("f.sql", text, first_line=3, size=size))
    assert joined("f.sql", text, pieces) == whole
    assert file_effects(joined("f.sql", text, pieces).statements, "f.sql") == file_effects(
        whole.statements, "f.sql"
    )


def test_the_example_in_pieces(tmp_path: Path) -> None:
    text = _example_text()
    starts = piece_starts(text, 2_000)
    assert len(starts) > 10  # it was really cut
    whole = split_sql("all.sql", text)
    pieces = list(split_sql_pieces("all.sql", text, size=2_000))
    assert joined("all.sql", text, pieces) == whole
    assert file_effects(joined("all.sql", text, pieces).statements, "all.sql") == file_effects(
        whole.statements, "all.sql"
    )


def test_a_cut_is_at_a_line_start_after_a_statement() -> None:
    text = "select 1; select 2;\nselect 3; -- note\nselect 4;\n\nselect 5;\n"
    # after 'select 2;' (line end) and after 'select 4;'; never after 'select 1;' (same line) nor after
    # 'select 3;' (a comment follows it on its line)
    assert piece_starts(text, 1) == [0, text.index("select 3"), text.index("select 4;") + len("select 4;\n")]


def test_an_unscannable_text_is_one_piece() -> None:
    assert piece_starts("select 1;\nselect 'unterminated;\n", 1) == [0]


def test_the_driver_reads_a_large_file_in_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _example_text()
    whole = driver._one(("all.sql", text, 1, False))
    monkeypatch.setattr(driver, "PIECES_FROM", 100)
    calls: list[int] = []
    real = driver.split_sql_pieces

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(driver, "split_sql_pieces", counting)
    pieces = driver._one(("all.sql", text, 1, False))
    assert calls == [1]
    assert pieces == whole
    assert all(st.node == {} for st in pieces[0].statements)
