"""Rows the files put into platform tables (a storage bucket) are carried into the clean set."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.cli import run


def test_storage_bucket_row_reaches_the_clean_set(tmp_path: Path) -> None:
    d = tmp_path / "supabase" / "migrations"
    d.mkdir(parents=True)
    (d / "20240101000000_init.sql").write_text(
        "CREATE TABLE public.notes (id bigint PRIMARY KEY, body text);\n"
        "ALTER TABLE public.notes ENABLE ROW LEVEL SECURITY;\n"
        "CREATE POLICY own ON public.notes FOR SELECT USING (auth.uid() IS NOT NULL);\n"
    )
    (d / "20240102000000_bucket.sql").write_text(
        "INSERT INTO storage.buckets (id, name, public) VALUES ('avatars', 'avatars', true);\n"
    )
    plan, out = tmp_path / "p.toml", tmp_path / "out"
    assert run(["plan", str(d), "-o", str(plan)]) == 0
    assert run(["consolidate", str(d), "--plan", str(plan), "--out", str(out)]) == 0
    clean = "".join(p.read_text() for p in sorted((out / "migrations").glob("*.sql")))
    assert "storage.buckets" in clean and "'avatars'" in clean
