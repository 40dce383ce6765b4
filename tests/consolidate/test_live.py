"""With a live database: the example's "production" (ai_memories with overlapping ids, embeddings of
1536 and 768 dimensions, a table created by hand) consolidates with every row and value accounted for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgconsolidate.db.connect import connection
from pgconsolidate.plan.toml_write import write_plan
from pgconsolidate.verify.pipeline import consolidate, make_plan, verify_outdir
from pgconsolidate.verify.replay import run_script

from .production import EXAMPLE_MIGRATIONS, build_example_production


def _one(url: str, q: str) -> tuple[object, ...]:
    with connection(url) as conn:
        row = conn.execute(q.encode()).fetchone()
    assert row is not None
    return tuple(row)


@pytest.mark.slow
def test_live_consolidation_accounts_for_every_row(scratch_db: str, tmp_path: Path) -> None:
    build_example_production(scratch_db, memories=200, ai_memories=90, overlap=30)
    plan = make_plan(str(EXAMPLE_MIGRATIONS), scratch_db)
    assert [(m.source, m.target, m.on_collision) for m in plan.merges] == [
        ("public.ai_memories", "public.memories", "keep-both")
    ]
    emb = {e.identity: e for e in plan.embeddings}
    assert emb["public.memories.embedding"].dimension == 1536
    assert emb["public.memories.embedding"].move_dimensions == (768,)
    assert "public.ops_notes" in plan.live_only
    plan_path = tmp_path / "plan.toml"
    plan_path.write_text(write_plan(plan))
    out = tmp_path / "out"
    res = consolidate(str(EXAMPLE_MIGRATIONS), plan_path, out, live_url=scratch_db)
    assert res.differences == [] and res.second_run_differences == []
    assert any("public.ops_notes" in d for d in res.declared)
    manifest = json.loads((out / "pgconsolidate-output.json").read_text())
    assert manifest["verified"] and manifest["rows_after"]["public.memories"] == 290
    report = (out / "REPORT.md").read_text()
    assert "public.ai_memories" in report and "ops_notes" in report
    clean = "\n".join((out / p).read_text() for p in manifest["clean_set"])
    assert "ops_notes" in clean  # created by hand, carried into the clean set

    # apply the fix to the live database itself: nothing lost, and a second run changes nothing
    before = _one(
        scratch_db,
        "SELECT (SELECT count(*) FROM memories) + (SELECT count(*) FROM ai_memories), "
        "(SELECT count(embedding) FROM memories) + (SELECT count(embedding) FROM ai_memories)",
    )
    fix = (out / manifest["fix"]).read_text()
    run_script(scratch_db, fix, "fix")
    after = _one(scratch_db, "SELECT count(*), count(embedding) + count(embedding_768) FROM memories")
    assert after == before
    assert _one(
        scratch_db, "SELECT count(*) FILTER (WHERE key_changed), count(*) FROM memories_merge_origin"
    ) == (30, 90)
    run_script(scratch_db, fix, "fix again")
    assert _one(scratch_db, "SELECT count(*), count(embedding) + count(embedding_768) FROM memories") == after
    assert verify_outdir(out, scratch_db)["clean_vs_chain_plus_fix"] == []
