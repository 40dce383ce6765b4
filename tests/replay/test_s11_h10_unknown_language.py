"""replay's hint for a function or DO block in a language the server does not have (42704 ``language "x"
does not exist``): it said "missing object: created by no earlier migration", which reads as a table made
by hand, where ``plpsql`` (seen on a real project) is a typo of plpgsql. Replayed on the real server."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgconsolidate.replay.hints import hint_for
from pgconsolidate.scratch import ScratchServer

from .helpers import failure_hints, replay_cli, write_dir


def test_unknown_languages(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, scratch_server: ScratchServer
) -> None:
    d = write_dir(
        tmp_path / "m",
        {
            "001_a.sql": "create table t (id int);\n"
            "create function f1() returns int as $$ begin return 1; end $$ language plpsql;\n"  # 2: typo
            'create function f2() returns int as $$ select 1 $$ language "PLPGSQL";\n'  # 3: quoted, upper
            "create function f3() returns int as $$ return 1 $$ language plv8;\n"  # 4: an extension's
            "create function f4() returns int as $$ return 1 $$ language javascript;\n"  # 5: none close
            "do language plpgsq $$ begin end $$;\n"  # 6: a DO block
            "create function f5() returns int as $$ select 1 $$ language sql;\n",  # 7: fine
        },
    )
    code, out = replay_cli(capsys, d, "--keep-going", "--format", "json")
    assert code == 1
    hints = failure_hints(out)
    assert sorted(hints) == [2, 3, 4, 5, 6]
    assert all(state == "42704" for state, _ in hints.values())
    assert hints[2][1] == (
        "unknown language plpsql: a misspelling of plpgsql? (no PostgreSQL language has that name: write "
        "LANGUAGE plpgsql)"
    )
    assert hints[3][1].startswith('unknown language "PLPGSQL": language names are lower case')
    assert hints[4][1].startswith("missing language plv8: it comes from extension plv8, which no earlier")
    assert "CREATE EXTENSION IF NOT EXISTS plv8" in hints[4][1]
    assert hints[5][1].startswith("unknown language javascript: PostgreSQL has plpgsql, sql, c, internal;")
    assert "misspelling" not in hints[5][1]
    assert hints[6][1].startswith("unknown language plpgsq: a misspelling of plpgsql?")
    assert not any("missing object" in h for _, h in hints.values())


@pytest.mark.parametrize(
    ("name", "closest"),
    [("plpgsq", "plpgsql"), ("sqll", "sql"), ("plpython3", "plpython3u"), ("plv9", "plv8")],
)
def test_the_closest_known_language_is_named(name: str, closest: str) -> None:
    hint = hint_for("42704", f'language "{name}" does not exist')
    assert hint.startswith(f"unknown language {name}: a misspelling of {closest}?"), hint


def test_a_language_created_later_is_still_use_before_create() -> None:
    from pgconsolidate.replay.model import Location

    hint = hint_for("42704", 'language "plv8" does not exist', later=Location("002_b.sql", 3))
    assert hint.startswith("use before create: the object is created later, at 002_b.sql:3")
