"""The Silencer skips files whose text holds no ``pgconsolidate`` comment without looking at their
statements: the same statements and files are remembered as when every statement is looked at."""

from __future__ import annotations

from pgconsolidate.rules.finding import Location, Severity, new_finding
from pgconsolidate.rules.registry import Silencer, header_ignores
from pgconsolidate.statements.split import may_hold_ignores, split_sql

_TEXTS = {
    "plain.sql": "CREATE TABLE a (id int);\n-- a comment, not a marker\nCREATE TABLE b (id int);\n",
    "statement.sql": (
        "CREATE TABLE c (id int);\n-- PgConsolidate: ignore rls-disabled\nCREATE TABLE d (id int);\n"
    ),
    "header.sql": "-- pgconsolidate: ignore table-without-primary-key\n\nCREATE TABLE e (id int);\n",
    "file.sql": "CREATE TABLE f (id int);\n-- pgconsolidate: ignore-file *\n",
    "mention.sql": "/* pgconsolidate is mentioned here, not as a marker */ CREATE TABLE g (id int);\n",
}


def _looked_at_all(files, texts):  # type: ignore[no-untyped-def]
    """What the Silencer remembered before it skipped files: every statement looked at."""
    by_file, file_wide = {}, {}
    for fs in files:
        text = texts.get(fs.file, "")
        head = text[: fs.statements[0].start] if fs.statements else text
        wide = fs.file_ignores | header_ignores(head)
        if wide:
            file_wide[fs.file] = wide
        if any(st.ignores for st in fs.statements):
            by_file[fs.file] = list(fs.statements)
    return by_file, file_wide


def test_silencer_remembers_what_a_look_at_every_statement_finds() -> None:
    files = [split_sql(path, text) for path, text in _TEXTS.items()]
    silencer = Silencer(files, texts=_TEXTS)
    assert (silencer.by_file, silencer.file_wide) == _looked_at_all(files, _TEXTS)
    assert set(silencer.by_file) == {"statement.sql", "header.sql"}  # (a header comment: its first too)
    assert set(silencer.file_wide) == {"header.sql", "file.sql"}
    assert not may_hold_ignores(_TEXTS["plain.sql"]) and not may_hold_ignores(_TEXTS["mention.sql"])
    # the statement after the (mixed-case) comment is silenced for that rule only
    d = next(st for st in files[1].statements if "TABLE d" in st.text)
    hit = new_finding("rls-disabled", Severity.ERROR, "m", Location("statement.sql", d.line, 1), (), "", ())
    other = new_finding(
        "duplicate-create", Severity.ERROR, "m", Location("statement.sql", d.line, 1), (), "", ()
    )
    assert silencer.silenced(hit) and not silencer.silenced(other)


def test_silencer_without_the_text_of_a_file_still_reads_its_statements() -> None:
    files = [split_sql("statement.sql", _TEXTS["statement.sql"])]
    assert set(Silencer(files, texts={}).by_file) == {"statement.sql"}
