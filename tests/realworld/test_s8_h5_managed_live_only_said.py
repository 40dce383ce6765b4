"""Found on a Supabase project's live path: a policy made on the dashboard on ``storage.objects`` (a table
of the platform's schema) is not in the files. ``consolidate --database-url`` put it into the clean set
(from the copy of the live database), but said nothing: plan's live_only and REPORT's "only in the live
database" list the app's own schemas only. It is now named in the live-copy lines (consolidate's output,
REPORT.md); a policy the files make on storage.objects is not."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from pgconsolidate.cli import run
from pgconsolidate.scratch.supabase import install_supabase_base

FILE = (
    'create policy "own files" on storage.objects for select to authenticated\n'
    "  using (bucket_id = 'files' and owner = (select auth.uid()));\n"
    "create table public.notes (id int primary key, owner uuid references auth.users (id));\n"
    "alter table public.notes enable row level security;\n"
    "create policy own on public.notes using ((select auth.uid()) = owner);\n"
)


def test_dashboard_storage_policy_is_said(
    tmp_path: Path, scratch_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    d = tmp_path / "migrations"
    d.mkdir()
    (d / "20250101000000_notes.sql").write_text(FILE)
    install_supabase_base(scratch_db)
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute(FILE)
        conn.execute(
            "INSERT INTO supabase_migrations.schema_migrations (version, name)"
            " VALUES ('20250101000000', 'notes')"
        )
        conn.execute(
            "CREATE POLICY \"public read\" ON storage.objects FOR SELECT TO anon USING (bucket_id = 'public')"
        )
    plan, out = tmp_path / "p.toml", tmp_path / "out"
    assert run(["plan", str(d), "--database-url", scratch_db, "-o", str(plan)]) == 0
    capsys.readouterr()
    run(["consolidate", str(d), "--plan", str(plan), "--database-url", scratch_db, "--out", str(out)])
    said = capsys.readouterr().out
    assert "live copy: policy 'public read' on storage.objects: only in the live database" in said
    assert "'own files'" not in said
    assert "policy 'public read' on storage.objects" in (out / "REPORT.md").read_text()
    assert any('"public read"' in f.read_text() for f in (out / "migrations").glob("*.sql"))
