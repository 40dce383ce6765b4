"""Which variant to keep: variant files are found by what they define (the variant-files rule), whatever
their names and versions; with a live database the file whose body it runs is kept, else the last
applied; the others are the files to disable."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.catalog.reader import read_snapshot
from pgconsolidate.db.connect import connection
from pgconsolidate.plan.propose import propose_functions
from pgconsolidate.sources.reader import read_dir
from pgconsolidate.verify.pipeline import make_plan


def _variant(tag: str) -> str:
    return (
        "CREATE OR REPLACE FUNCTION public.ask(q text) RETURNS text LANGUAGE sql\n"
        f"  AS $$ SELECT '{tag}: ' || q $$;\n"
        f"CREATE OR REPLACE FUNCTION public.embed(q text) RETURNS text LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n  RETURN '{tag}' || q;\nEND $$;\n"
        f"CREATE OR REPLACE FUNCTION public.health() RETURNS text LANGUAGE sql AS $$ SELECT '{tag}' $$;\n"
    )


FILES = {
    "20240101000000_base.sql": "CREATE TABLE public.docs (id bigint PRIMARY KEY, body text);\n",
    "20240201000000_llm_functions.sql": _variant("direct"),
    "20240305093000_llm_simple.sql": _variant("simple"),
    "20240420120000_llm_via_proxy.sql": _variant("proxy"),
}
NAMES = sorted(FILES)


def _run(url: str, names: list[str]) -> None:
    """Build a database by running the files in order (plain SQL, no tool needed)."""
    with connection(url, autocommit=True) as conn:
        for name in names:
            conn.execute(FILES[name].encode())


def _dir(tmp_path: Path, names: list[str]) -> Path:
    src = tmp_path / ("m" + str(len(names)))
    src.mkdir()
    for name in names:
        (src / name).write_text(FILES[name])
    return src


def test_without_live_the_last_applied_variant_is_kept(tmp_path: Path, scratch_db: str) -> None:
    src = _dir(tmp_path, NAMES)
    mdir = read_dir(str(src))
    _run(scratch_db, NAMES)
    choices = {c.name: c for c in propose_functions(mdir, read_snapshot(scratch_db), None)}
    assert set(choices) == {"public.ask", "public.embed", "public.health"}
    for c in choices.values():
        assert c.keep_from == "chain"
        assert c.disable_files == (NAMES[1], NAMES[2])
        assert f"the last applied ({NAMES[3]}) is kept" in c.reason


def test_the_variant_the_live_database_runs_is_kept(tmp_path: Path, scratch_db: str) -> None:
    # production was built from the first two variants (the proxy one never ran there)
    _run(scratch_db, NAMES[:3])
    with connection(scratch_db, autocommit=True) as conn:  # a hand-made layout change of one body only
        conn.execute(
            "CREATE OR REPLACE FUNCTION public.health() RETURNS text LANGUAGE sql AS $$ SELECT 'hand' $$"
        )
    src = _dir(tmp_path, NAMES)
    plan = make_plan(str(src), scratch_db)
    choices = {c.name: c for c in plan.functions}
    for name in ("public.ask", "public.embed"):
        c = choices[name]
        assert c.keep_from == "live"
        assert c.disable_files == (NAMES[1], NAMES[3]), c
        assert f"the live database runs the body of {NAMES[2]}" in c.reason
    health = choices["public.health"]
    assert health.keep_from == "live" and "none of them has" in health.reason
    # the middle variant, matched through whitespace noise, is still the one kept
    assert all(NAMES[2] not in c.disable_files for c in (choices["public.ask"], choices["public.embed"]))
