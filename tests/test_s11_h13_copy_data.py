"""``COPY ... FROM stdin`` with inline data (a pg_dump excerpt in a migration): analyze reads the file as
psql and replay do. The COPY is a statement (rows inserted into its table's columns, as an INSERT with a
column list), its data lines and ``\\.`` line are not SQL (no parse error), and the statements after the
data are modelled with their own lines. Before, the data lines were parse errors and the statement after
``\\.`` was lost (``CREATE TABLE public.u`` modelled no table)."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.model.effects import file_effects
from pgconsolidate.model.types import Action, InsertDef, ObjectKind
from pgconsolidate.report.analyze import analyze_directory
from pgconsolidate.statements.psql import blank, copy_data
from pgconsolidate.statements.split import joined, piece_starts, split_sql, split_sql_pieces

#: data with NULL (``\N``, also at a line start, where it looks like a meta-command), backslashes and a
#: semicolon: none of it is SQL
DUMP = (
    "CREATE TABLE public.t (a int, b text);\n"  # 1
    "\n"
    "COPY public.t (a, b) FROM stdin;\n"  # 3
    "1\t\\N\n"
    "2\tx\\\\y; drop table public.t\n"
    "\\N\tz\n"
    "\\.\n"  # 7
    "\n"
    "CREATE TABLE public.u (x int);\n"  # 9
    "SELECT 1;\n"  # 10
)


def test_the_copy_is_a_statement_its_data_is_not_and_what_follows_keeps_its_lines() -> None:
    fs = split_sql("f.sql", DUMP)
    assert fs.failures == ()
    assert [(s.line, s.column, s.kind, s.text) for s in fs.statements] == [
        (1, 1, "CreateStmt", "CREATE TABLE public.t (a int, b text)"),
        (3, 1, "CopyStmt", "COPY public.t (a, b) FROM stdin"),
        (9, 1, "CreateStmt", "CREATE TABLE public.u (x int)"),
        (10, 1, "SelectStmt", "SELECT 1"),
    ]
    assert [DUMP[s.start : s.end] for s in fs.statements][2] == "CREATE TABLE public.u (x int)"


def test_lines_count_from_first_line_and_offsets_from_the_file() -> None:
    fs = split_sql("f.sql", DUMP, first_line=20, base_offset=100, first_index=5)
    assert [(s.index, s.line, s.start) for s in fs.statements][2] == (
        7,
        28,
        100 + DUMP.index("CREATE TABLE public.u"),
    )


def test_the_copy_inserts_into_its_columns_and_both_tables_are_modelled() -> None:
    fs = split_sql("f.sql", DUMP)
    effects = file_effects(fs.statements, "f.sql")
    inserts = [e for e in effects if e.action == Action.INSERT]
    assert [(e.kind, e.id, e.ref.line) for e in inserts] == [(ObjectKind.TABLE, "public.t", 3)]
    detail = inserts[0].detail
    assert isinstance(detail, InsertDef) and detail.columns == ("a", "b")
    created = [e.id for e in effects if e.action == Action.CREATE and e.kind == ObjectKind.TABLE]
    assert created == ["public.t", "public.u"]


def test_analyze_reports_no_parse_error_and_the_right_lines(tmp_path: Path) -> None:
    d = tmp_path / "migrations"
    d.mkdir()
    (d / "20240101000000_dump.sql").write_text(DUMP)
    report = analyze_directory(d)
    assert not [f for f in report.findings if f.rule == "parse-error"]
    nopk = sorted(
        (f.location.line, f.message) for f in report.findings if f.rule == "table-without-primary-key"
    )
    assert [line for line, _ in nopk] == [1, 9]
    assert "public.u" in nopk[1][1]


def test_copy_from_a_file_is_unaffected() -> None:
    text = "COPY public.t (a, b) FROM '/tmp/t.csv';\n1\t2\nCREATE TABLE public.u (x int);\n"
    assert copy_data(text) == []
    fs = split_sql("f.sql", text)
    # the lines after a file COPY are SQL (and wrong here): one parse error from the data line on
    assert [(f.line, f.column, f.text) for f in fs.failures] == [
        (2, 1, "1\t2\nCREATE TABLE public.u (x int)")
    ]
    assert [(s.line, s.kind) for s in fs.statements] == [(1, "CopyStmt")]
    whole = split_sql("f.sql", "COPY public.t (a, b) FROM '/tmp/t.csv';\nCREATE TABLE public.u (x int);\n")
    assert whole.failures == () and [s.line for s in whole.statements] == [1, 2]
    assert not [e for e in file_effects(whole.statements, "f.sql") if e.action == Action.INSERT]


def test_blank_keeps_newlines() -> None:
    text = "COPY t FROM stdin;\n1\n2\n\\.\nselect 1;\n"
    spans = copy_data(text)
    assert spans == [(len("COPY t FROM stdin;\n"), text.index("select"))]
    out = blank(text, spans)
    assert out == "COPY t FROM stdin;\n \n \n  \nselect 1;\n"


def test_with_meta_commands_as_pg_dump_17_6_writes_them() -> None:
    fs = split_sql("f.sql", "\\restrict k\n" + DUMP + "\\unrestrict k\n")
    assert [(f.line, f.text) for f in fs.failures] == [(1, "\\restrict k"), (12, "\\unrestrict k")]
    assert [s.line for s in fs.statements] == [2, 4, 10, 11]


def test_pieces_never_start_in_copy_data() -> None:
    rows = "".join(f"{i}\tend of row {i};\n" for i in range(200))  # rows the scanner reads as statements
    text = "CREATE TABLE public.t (a int, b text);\nCOPY public.t (a, b) FROM stdin;\n" + rows + "\\.\n"
    text += "CREATE TABLE public.u (x int);\n" * 50
    begin, end = text.index(rows), text.index("CREATE TABLE public.u")
    starts = piece_starts(text, size=200)
    assert len(starts) > 2 and not [s for s in starts if begin <= s < end]
    assert min(s for s in starts if s > 0) == end + len("CREATE TABLE public.u (x int);\n")
    pieces = list(split_sql_pieces("f.sql", text, size=200))
    whole = joined("f.sql", text, pieces)
    assert whole.failures == ()
    assert [(s.line, s.start) for s in whole.statements] == [
        (s.line, s.start) for s in split_sql("f.sql", text).statements
    ]
    assert [s.line for s in whole.statements][:3] == [1, 2, 204]
