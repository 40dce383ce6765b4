"""A table the old chain drops and creates again without its rows: consolidate's fix and REPORT.md say what
happens to those rows, and on a database that still has the old table the fix keeps it and its rows."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.db.connect import connection
from pgconsolidate.plan.toml_write import write_plan
from pgconsolidate.verify.pipeline import consolidate, make_plan
from pgconsolidate.verify.replay import run_script

OLD = {
    "20240101000000_init.sql": (
        "CREATE TABLE public.notes (id bigint PRIMARY KEY, title text, body text);\n"
        "CREATE TABLE public.tasks (id bigint PRIMARY KEY, title text, done boolean, owner text);\n"
    ),
    "20240201000000_redo.sql": (
        "DROP TABLE public.notes;\n"
        "CREATE TABLE public.notes (id bigint PRIMARY KEY, title text, body text, tags text[]);\n"
        "DROP TABLE public.tasks;\n"
        "CREATE TABLE public.todo_items (id bigint PRIMARY KEY, title text, done boolean, owner text);\n"
    ),
}


def test_fix_and_report_say_what_happens_to_the_rows(tmp_path: Path, scratch_db: str) -> None:
    src = tmp_path / "supabase" / "migrations"
    src.mkdir(parents=True)
    for name, body in OLD.items():
        (src / name).write_text(body)
    (tmp_path / "plan.toml").write_text(write_plan(make_plan(str(src), None)))
    res = consolidate(str(src), tmp_path / "plan.toml", tmp_path / "out")
    assert res.differences == []
    fix_file = next((tmp_path / "out").glob("*_consolidation_fix.sql"))
    fix = fix_file.read_text()
    head = fix.split("BEGIN;", 1)[0]
    assert "public.notes: the old chain drops it at 20240201000000_redo.sql:1" in head
    assert "public.tasks: the old chain drops it at 20240201000000_redo.sql:3 and it is replaced by " in head
    assert "public.todo_items" in head and "cannot bring them back" in head
    report = (tmp_path / "out" / "REPORT.md").read_text()
    assert "## Tables dropped and created again (their rows)" in report
    assert "add a [[merge]] public.tasks -> public.todo_items" in report

    # a database where the redo file never ran: the fix keeps public.tasks and its rows, and says so
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(OLD["20240101000000_init.sql"].encode())
        conn.execute("INSERT INTO public.tasks SELECT g, 't' || g, false, 'me' FROM generate_series(1, 7) g")
        notices: list[str] = []
        conn.add_notice_handler(lambda d: notices.append(d.message_primary or ""))
        conn.execute(fix.encode())
        assert conn.execute("SELECT count(*) FROM public.tasks").fetchone() == (7,)
    assert any("public.tasks is still here with 7 rows" in n and "kept" in n for n in notices), notices
    # and where it ran, nothing is said at run time (the table is gone): the fix runs cleanly
    run_script(scratch_db, "DROP TABLE public.tasks;", "drop")
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(fix.encode())
