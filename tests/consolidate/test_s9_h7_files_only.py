"""Objects the files create that the live database lacks (session 9, H7): ``plan --database-url`` lists
each one as a ``[[files_only]]`` entry (``action = "leave-out"`` by default: nothing changes in the live
database and the clean set, which describes it, does not have the object) and says so; ``consolidate``
names each one in its output, its JSON and REPORT.md, listed in the plan or not; ``action = "create"``
has the fix create the object in the live database as the files define it, so the clean set has it; the
entries are checked against the files and the live database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgconsolidate.cli import run
from pgconsolidate.verify.replay import run_script

FILE = """\
create table public.notes (id uuid primary key default gen_random_uuid(), body text not null);
create table public.audit_log (
  id bigserial primary key,
  note_id uuid references public.notes (id),
  at timestamptz not null default now()
);
create index audit_log_note on public.audit_log (note_id);
comment on table public.audit_log is 'who wrote what';
create function public.log_note() returns trigger language plpgsql as $$
begin
  insert into public.audit_log (note_id) values (new.id);
  return new;
end $$;
create trigger notes_log after insert on public.notes for each row execute function public.log_note();
alter table public.notes enable row level security;
create policy "read notes" on public.notes for select using (true);
"""
BY_HAND = """
drop trigger notes_log on public.notes;
drop function public.log_note();
drop table public.audit_log;
drop policy "read notes" on public.notes;
insert into public.notes (body) values ('kept');
"""
ABSENT = [
    ("table", "public.audit_log"),
    ("function", "public.log_note()"),
    ("trigger", "public.notes.notes_log"),
    ("policy", "public.notes.read notes"),
]


def _setup(tmp_path: Path, url: str) -> tuple[Path, Path]:
    d = tmp_path / "migrations"
    d.mkdir()
    (d / "20240101000000_notes.sql").write_text(FILE)
    run_script(url, FILE + BY_HAND, "production: the files, then objects dropped by hand")
    return d, tmp_path / "p.toml"


def _entries(plan: Path) -> list[tuple[str, str, str]]:
    import tomllib

    doc = tomllib.loads(plan.read_text())
    return [(e["kind"], e["object"], e["action"]) for e in doc.get("files_only", [])]


def test_plan_lists_each_absent_object_leave_out_by_default(
    tmp_path: Path, scratch_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    d, plan = _setup(tmp_path, scratch_db)
    capsys.readouterr()
    assert run(["plan", str(d), "-o", str(plan), "--database-url", scratch_db]) == 0
    out = capsys.readouterr().out
    assert sorted(_entries(plan)) == sorted((k, o, "leave-out") for k, o in ABSENT)
    assert "4 object(s) the files create are NOT in the live database" in out
    assert "  table public.audit_log: leave-out (created by 20240101000000_notes.sql:2" in out
    # parts of the absent table (its key, foreign key, index, sequence, columns) come with it
    text = plan.read_text()
    assert "audit_log_pkey" not in text and "audit_log_note" not in text and "audit_log_id_seq" not in text
    assert run(["plan", "--check", str(plan), str(d), "--database-url", scratch_db]) == 0
    # without a database nothing is listed
    plain = tmp_path / "plain.toml"
    assert run(["plan", str(d), "-o", str(plain)]) == 0
    assert _entries(plain) == []


def test_consolidate_says_what_it_leaves_out(
    tmp_path: Path, scratch_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    d, plan = _setup(tmp_path, scratch_db)
    assert run(["plan", str(d), "-o", str(plan), "--database-url", scratch_db]) == 0
    capsys.readouterr()
    out_dir = tmp_path / "out"
    rc = run(
        ["consolidate", str(d), "--plan", str(plan), "--out", str(out_dir), "--database-url", scratch_db]
    )
    captured = capsys.readouterr()
    assert rc == 0, captured.out
    assert "4 object(s) the files create are NOT in the live database" in captured.out
    assert (
        "files only: table public.audit_log: in the files, not in the live database: LEFT OUT of the clean "
        'set (plan: files_only action = "leave-out")' in captured.out
    )
    for kind, ident in ABSENT:
        assert f"files only: {kind} {ident}: " in captured.out
    report = (out_dir / "REPORT.md").read_text()
    assert "## In the files, not in the live database" in report
    assert "* policy public.notes.read notes: in the files, not in the live database: LEFT OUT" in report
    clean = "\n".join(p.read_text() for p in sorted((out_dir / "migrations").glob("*.sql")))
    assert "audit_log" not in clean and "log_note" not in clean and "read notes" not in clean
    manifest = json.loads((out_dir / "pgconsolidate-output.json").read_text())
    assert len(manifest["summary"]["files_only"]) == 4


def test_create_has_the_fix_make_them_and_the_clean_set_keep_them(
    tmp_path: Path, scratch_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    d, plan = _setup(tmp_path, scratch_db)
    assert run(["plan", str(d), "-o", str(plan), "--database-url", scratch_db]) == 0
    plan.write_text(plan.read_text().replace('action = "leave-out"', 'action = "create"'))
    assert run(["plan", "--check", str(plan), str(d), "--database-url", scratch_db]) == 0
    capsys.readouterr()
    out_dir = tmp_path / "out"
    rc = run(
        ["consolidate", str(d), "--plan", str(plan), "--out", str(out_dir), "--database-url", scratch_db,
         "--format", "json"]
    )  # fmt: skip
    doc = json.loads(capsys.readouterr().out)
    assert rc == 0, doc["differences"]
    assert doc["verified"] is True
    assert all("the fix CREATES it there" in line for line in doc["files_only"]), doc["files_only"]
    fix = next(out_dir.glob("*_consolidation_fix.sql")).read_text()
    assert "-- 0. Objects the files create that the live database lacks" in fix
    assert "CREATE TABLE IF NOT EXISTS public.audit_log" in fix
    clean = "\n".join(p.read_text() for p in sorted((out_dir / "migrations").glob("*.sql")))
    for needle in ("public.audit_log", "log_note()", "notes_log", '"read notes"', "audit_log_note"):
        assert needle in clean, needle


def test_entries_are_checked(tmp_path: Path, scratch_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    d, plan = _setup(tmp_path, scratch_db)
    assert run(["plan", str(d), "-o", str(plan), "--database-url", scratch_db]) == 0
    text = plan.read_text()
    text += '\n[[files_only]]\nobject = "public.audit_lgo"\nkind = "table"\naction = "leave-out"\n'
    text += '\n[[files_only]]\nobject = "public.notes.body"\nkind = "column"\naction = "create"\n'
    text += '\n[[files_only]]\nobject = "public.notes"\nkind = "table"\naction = "maybe"\n'
    plan.write_text(text)
    capsys.readouterr()
    assert run(["plan", "--check", str(plan), str(d), "--database-url", scratch_db]) == 1
    out = capsys.readouterr().out
    assert "files_only: public.audit_lgo is not created by the files" in out
    assert "files_only: public.notes.body is in the live database now" in out
    assert "unknown files_only action 'maybe'" in out
    # consolidate refuses the same plan before writing anything
    assert run(["consolidate", str(d), "--plan", str(plan), "--out", str(tmp_path / "o"),
                "--database-url", scratch_db]) == 2  # fmt: skip
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_unlisted_absent_objects_are_said(
    tmp_path: Path, scratch_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    d, plan = _setup(tmp_path, scratch_db)
    assert run(["plan", str(d), "-o", str(plan)]) == 0  # made without the live database
    capsys.readouterr()
    assert run(["plan", "--check", str(plan), str(d), "--database-url", scratch_db]) == 0
    err = capsys.readouterr().err
    assert (
        "note: table public.audit_log: in the files, not in the live database, and not in the plan's "
        "files_only: LEFT OUT of the clean set" in err
    )


SUPABASE = """\
create table public.profiles (id uuid primary key references auth.users on delete cascade);
create function public.handle_new_user() returns trigger language plpgsql security definer
  set search_path = '' as $$ begin insert into public.profiles (id) values (new.id); return new; end $$;
create trigger on_auth_user_created after insert on auth.users
  for each row execute function public.handle_new_user();
create policy "own files" on storage.objects for select to authenticated
  using (bucket_id = 'files' and owner = (select auth.uid()));
"""


def test_platform_tables_trigger_and_policy_created_on_supabase(
    tmp_path: Path, scratch_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import psycopg

    from pgconsolidate.scratch.supabase import install_supabase_base

    d = tmp_path / "migrations"
    d.mkdir()
    (d / "20250101000000_init.sql").write_text(SUPABASE)
    install_supabase_base(scratch_db)
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute(SUPABASE.encode())
        conn.execute(
            "INSERT INTO supabase_migrations.schema_migrations (version, name)"
            " VALUES ('20250101000000', 'init')"
        )
        conn.execute(
            'drop trigger on_auth_user_created on auth.users; drop policy "own files" on storage.objects'
        )
    plan = tmp_path / "p.toml"
    assert run(["plan", str(d), "-o", str(plan), "--database-url", scratch_db]) == 0
    assert sorted(_entries(plan)) == [
        ("policy", "storage.objects.own files", "leave-out"),
        ("trigger", "auth.users.on_auth_user_created", "leave-out"),
    ]
    plan.write_text(plan.read_text().replace('action = "leave-out"', 'action = "create"'))
    capsys.readouterr()
    out_dir = tmp_path / "out"
    rc = run(
        ["consolidate", str(d), "--plan", str(plan), "--out", str(out_dir), "--database-url", scratch_db]
    )
    text = capsys.readouterr().out
    assert rc == 0, text
    assert "NOT created" not in text
    fix = next(out_dir.glob("*_consolidation_fix.sql")).read_text()
    assert "-- auth.users.on_auth_user_created" in fix and "-- storage.objects.own files" in fix
    clean = "\n".join(p.read_text() for p in sorted((out_dir / "migrations").glob("*.sql")))
    assert "on_auth_user_created" in clean and "own files" in clean


def test_parts_come_with_their_relation(scratch_db: str) -> None:
    import psycopg

    from pgconsolidate.catalog import read_snapshot
    from pgconsolidate.plan.files_only import files_only_objects

    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute(
            "create table public.t (id int primary key, a text);"
            "create table public.gone (id serial primary key, t_id int references public.t, b text);"
            "create index gone_b on public.gone (b);"
            "create view public.v as select id, a from public.t"
        )
        chain = read_snapshot(scratch_db)
        conn.execute("drop view public.v; drop table public.gone; alter table public.t drop column a")
        live = read_snapshot(scratch_db)
    found = [(f.kind, f.object) for f in files_only_objects(chain, live)]
    assert found == [("table", "public.gone"), ("view", "public.v"), ("column", "public.t.a")]
    # what the plan drops (a merge source) is not listed
    assert ("table", "public.gone") not in [
        (f.kind, f.object) for f in files_only_objects(chain, live, {"public.gone"})
    ]


def test_trigger_created_without_its_function_is_a_problem(
    tmp_path: Path, scratch_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    d, plan = _setup(tmp_path, scratch_db)
    assert run(["plan", str(d), "-o", str(plan), "--database-url", scratch_db]) == 0
    lines = plan.read_text().splitlines()
    at = next(i for i, ln in enumerate(lines) if ln == 'object = "public.notes.notes_log"')
    lines[at + 2] = 'action = "create"'
    plan.write_text("\n".join(lines) + "\n")
    capsys.readouterr()
    assert run(["plan", "--check", str(plan), str(d), "--database-url", scratch_db]) == 1
    out = capsys.readouterr().out
    assert (
        f"{plan}:{at + 1}: files_only: trigger public.notes.notes_log is created "
        '(action = "create") but calls public.log_note(), which the plan leaves out' in out
    ), out
