"""The bundled example's production database: apply then rollback gives an identical pg_dump."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.fixture import full_dump, write_migrations
from pgconsolidate.deploy.apply import ApplyOptions, apply
from pgconsolidate.deploy.checks import run_checks
from pgconsolidate.deploy.probes import load_probes
from pgconsolidate.deploy.rollback import rollback
from pgconsolidate.deploy.source import read_source
from pgconsolidate.scratch import ScratchServer, drop_database

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ai-memory"

CHANGES = {
    "20990101000000_add_column.sql": (
        "-- A new column with a default, filled.\n"
        "ALTER TABLE public.memories ADD COLUMN pgc_test_flag boolean DEFAULT false;\n"
        "UPDATE public.memories SET pgc_test_flag = true;\n"
    ),
    "20990102000000_new_table.sql": (
        "-- A new table, a policy, a grant, a function.\n"
        "CREATE TABLE public.pgc_test_notes (\n"
        "    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text);\n"
        "ALTER TABLE public.pgc_test_notes ENABLE ROW LEVEL SECURITY;\n"
        "CREATE POLICY pgc_test_read ON public.pgc_test_notes FOR SELECT TO authenticated USING (true);\n"
        "GRANT SELECT ON public.pgc_test_notes TO authenticated;\n"
        "CREATE FUNCTION public.pgc_test_fn() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\n"
        "DELETE FROM public.memories WHERE ctid IN (SELECT ctid FROM public.memories LIMIT 3);\n"
    ),
}


@pytest.fixture
def example_db(scratch_server: ScratchServer) -> Iterator[str]:
    demo = pytest.importorskip("pgconsolidate.demo.production")
    name = f"pgc_scratch_demo_{secrets.token_hex(4)}"
    prod = demo.build_production_db(scratch_server, str(EXAMPLE / "supabase" / "migrations"), name=name)
    try:
        yield prod.url
    finally:
        drop_database(scratch_server, name)


def test_example_apply_then_rollback_is_identical(example_db: str, tmp_path: Path, workdir: Path) -> None:
    original = full_dump(example_db)
    mig = write_migrations(tmp_path / "changes", CHANGES)
    result = apply(example_db, read_source(mig), ApplyOptions())
    assert result.failed is None, result.failed
    assert len(result.applied) == 2
    assert full_dump(example_db) != original
    rb = rollback(example_db)
    assert rb.problems == []
    assert full_dump(example_db) == original
    checks = {r.name: r for r in run_checks(example_db, probes=load_probes(EXAMPLE / "probes.toml"))}
    assert checks["backup"].status == "pass"
    assert checks["vector operations"].status in ("pass", "fail")  # runs; the example's state decides
