"""Every statement shape the generated consolidation SQL can hold has a rights rule (or a stated reason for
none): the fix of a plan with every kind of step (embeddings moved, merges of each collision strategy,
kept and dropped sources, overloads dropped, live bodies re-created, definers converted and kept, indexes)
and the history repair of every tool are split, their DO blocks opened, and each statement's shape looked
up in ``deploy.rights``' table. A new shape in ``generate/`` without a rule fails here, naming it."""

from __future__ import annotations

from dataclasses import replace

from consolidate.helpers import build_twins
from pgconsolidate.catalog.reader import read_snapshot
from pgconsolidate.deploy.rights.derive import NO_RULE, RULES, covered, shape
from pgconsolidate.deploy.rights.plpgsql import do_statements
from pgconsolidate.generate.fix import generate_fix
from pgconsolidate.generate.history import generate_history_repair
from pgconsolidate.plan.model import Definer, FunctionChoice, IndexChoice, Plan
from pgconsolidate.plan.propose import propose_definers, propose_embeddings, propose_indexes, propose_merges
from pgconsolidate.sources.model import MigrationDir, Scheme
from pgconsolidate.statements.split import split_sql
from pgconsolidate.verify.facts import read_facts

HISTORY_TABLES = {
    "supabase": "supabase_migrations.schema_migrations",
    "golang-migrate": "public.schema_migrations",
    "goose": "public.goose_db_version",
    "flyway": "public.flyway_schema_history",
    "flyway-repeatable": "public.flyway_schema_history",
    "sqlx": "public._sqlx_migrations",
    "prisma": "public._prisma_migrations",
    "diesel": "public.__diesel_schema_migrations",
    "generic": "public.schema_version",
}


def _shapes(path: str, text: str) -> list[tuple[str, bool, str]]:
    """(shape, covered, where) of every statement of ``text``, the static ones inside DO blocks too."""
    fs = split_sql(path, text)
    assert not fs.failures, fs.failures
    out = []
    for s in fs.statements:
        out.append((shape(s.node), covered(s.node), f"{path}:{s.line}"))
        if s.kind == "DoStmt":
            inner = list(do_statements(s.text, s.line))
            assert inner or "RAISE" in s.text, f"{path}:{s.line}: a DO block whose statements were not read"
            out += [(shape(n), covered(n), f"{path}:{line}") for n, line, *_ in inner]
    return out


def _plans(url: str) -> list[tuple[Plan, dict[str, str]]]:
    """Plans with every kind of fix step, and the live definitions for keep_from = live."""
    snap, facts = read_snapshot(url), read_facts(url)
    merges = propose_merges(snap, facts)
    emb = propose_embeddings(MigrationDir("x", Scheme.SUPABASE, ()), snap, facts, merges)
    assert merges and emb
    definers = propose_definers(snap, facts, set())
    indexes = propose_indexes(snap, emb, {m.source for m in merges}, facts)
    extra_index = IndexChoice("notes_body_idx", "public.notes", ("body",))
    base = Plan(
        "x",
        "supabase",
        (),
        merges=tuple(merges),
        embeddings=tuple(emb),
        functions=(
            FunctionChoice(
                "public.pick",
                "public.pick(text, text)",
                keep_from="live",
                drop=("public.pick(text)",),
            ),
        ),
        definers=tuple(definers),
        indexes=(*indexes, extra_index),
    )
    definitions = {
        "public.pick(text, text)": "CREATE OR REPLACE FUNCTION public.pick(a text, b text DEFAULT 'x')\n"
        " RETURNS text LANGUAGE sql AS $$ SELECT a || b $$"
    }
    kept = tuple(Definer(d.function, "keep", "pg_catalog, public", ("PUBLIC", "anon")) for d in definers)
    variants = [base, replace(base, definers=kept)]
    for how in ("prefer-target", "fail", "keep-both"):
        for drop in (True, False):
            ms = tuple(replace(m, on_collision=how, drop_source=drop, fire_triggers=not drop) for m in merges)
            variants.append(replace(base, merges=ms))
    return [(p, definitions) for p in variants]


def test_every_generated_statement_shape_has_a_rule(scratch_db: str) -> None:
    build_twins(scratch_db)
    snap = read_snapshot(scratch_db)
    seen: dict[str, str] = {}
    missing: dict[str, str] = {}
    for n, (plan, definitions) in enumerate(_plans(scratch_db)):
        text = generate_fix(plan, snap, definitions=definitions, stamp="20990101000000")
        for sh, ok, where in _shapes(f"fix{n}.sql", text):
            seen.setdefault(sh, where)
            if not ok:
                missing.setdefault(sh, where)
    scripts = {"20990101000001": ("V20990101000001__a.sql", "SELECT 1;\n")}
    for tool, table in HISTORY_TABLES.items():
        text = generate_history_repair(
            table,
            [("20990101000001", "a")],
            ["1", "2"],
            tool=tool,
            scripts=scripts,
            replaced_files=["m/V1__a.sql", "m/R__b.sql"],
        )
        for sh, ok, where in _shapes(f"history_{tool}.sql", text):
            seen.setdefault(sh, where)
            if not ok:
                missing.setdefault(sh, where)
    assert missing == {}, f"statement shapes the generated SQL holds without a rights rule: {missing}"
    # the test sees what the generators write (so that it can fail): the main shapes are there
    for expected in (
        "InsertStmt",
        "UpdateStmt",
        "DeleteStmt",
        "SelectStmt",
        "LockStmt",
        "AlterTableStmt",
        "AlterFunctionStmt",
        "IndexStmt",
        "CreateStmt",
        "CreateFunctionStmt",
        "DropStmt/OBJECT_TABLE",
        "DropStmt/OBJECT_FUNCTION",
        "GrantStmt/OBJECT_FUNCTION",
        "DoStmt",
    ):
        assert expected in seen, (expected, sorted(seen))


def test_the_table_has_one_entry_per_kind() -> None:
    assert not set(RULES) & set(NO_RULE)
    assert covered({"DropStmt": {"removeType": "OBJECT_TABLE"}})
    assert not covered({"DropStmt": {"removeType": "OBJECT_EVENT_TRIGGER"}})
    assert not covered({"CreateEventTrigStmt": {}})
    assert shape({"CommentStmt": {"objtype": "OBJECT_COLUMN"}}) == "CommentStmt/OBJECT_COLUMN"
