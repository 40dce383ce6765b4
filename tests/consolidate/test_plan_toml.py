"""Plan TOML: round trip, structural problems with their lines, semantic checks against a schema."""

from __future__ import annotations

import pytest

from pgconsolidate.catalog.model import Column, Function, Snapshot, Table
from pgconsolidate.errors import InputError
from pgconsolidate.plan.check import check_plan, compatible
from pgconsolidate.plan.model import (
    DEFAULT_DOMAINS,
    ColumnMap,
    Definer,
    Embedding,
    FunctionChoice,
    IndexChoice,
    Merge,
    Plan,
    SourceFile,
)
from pgconsolidate.plan.toml_read import read_plan
from pgconsolidate.plan.toml_write import write_plan


def _col(
    table: str, name: str, typ: str, pos: int, not_null: bool = False, default: str | None = None
) -> Column:
    return Column(
        identity=f"{table}.{name}", table=table, position=pos, type=typ, not_null=not_null, default=default
    )


def _table(name: str) -> Table:
    return Table(
        identity=name, relkind="r", persistence="p", rls_enabled=False, rls_forced=False, owner="postgres"
    )


def _fn(identity: str) -> Function:
    return Function(
        identity=identity,
        prokind="function",
        arguments="",
        result="integer",
        language="sql",
        volatility="volatile",
        strict=False,
        security_definer=True,
        leakproof=False,
        parallel="unsafe",
        cost="100",
        rows="0",
        body_hash="x",
        owner="postgres",
    )


SNAP = Snapshot(
    source="test",
    server_version=180000,
    tables=(_table("public.notes"), _table("public.ai_notes")),
    columns=(
        _col("public.notes", "id", "uuid", 1, True),
        _col("public.notes", "body", "text", 2, True),
        _col("public.notes", "owner_id", "uuid", 3, True),
        _col("public.notes", "embedding", "vector", 4),
        _col("public.ai_notes", "id", "uuid", 1, True),
        _col("public.ai_notes", "body", "text", 2),
        _col("public.ai_notes", "meta", "jsonb", 3),
        _col("public.ai_notes", "embedding", "vector", 4),
    ),
    functions=(_fn("public.f(text)"), _fn("public.f(text, text)")),
)

FILES = {"001_a.sql": "a" * 64, "002_b.sql": "b" * 64}


def _plan(**kw: object) -> Plan:
    base: dict[str, object] = {
        "directory": "migrations",
        "tool": "supabase",
        "files": tuple(SourceFile(p, s) for p, s in FILES.items()),
        "merges": (
            Merge(
                "public.ai_notes",
                "public.notes",
                "id",
                "uuid",
                "keep-both",
                True,
                (
                    ColumnMap("body", "body"),
                    ColumnMap("owner_id", expr="'00000000-0000-0000-0000-000000000000'"),
                    ColumnMap("embedding", "embedding"),
                ),
                "twins",
            ),
        ),
        "embeddings": (Embedding("public.notes", "embedding", 4, "vector", "move", (3,), ((3, 2), (4, 5))),),
        "functions": (FunctionChoice("public.f", "public.f(text)", "chain", ("public.f(text, text)",)),),
        "definers": (Definer("public.f(text)", "keep", "pg_catalog, public"),),
        "indexes": (IndexChoice("idx_notes_body", "public.notes", ("body",)),),
        "domains": DEFAULT_DOMAINS,
    }
    base.update(kw)
    return Plan(**base)  # type: ignore[arg-type]


def test_round_trip_keeps_every_decision() -> None:
    plan = _plan()
    text = write_plan(plan)
    assert "# " in text and "on_collision" in text
    back, problems = read_plan(text)
    assert problems == ()
    assert back.merges[0].columns == plan.merges[0].columns
    assert back.embeddings[0].move_dimensions == (3,)
    assert back.embeddings[0].counts == ((3, 2), (4, 5))
    assert back.functions[0].drop == ("public.f(text, text)",)
    assert back.definers[0].action == "keep" and back.definers[0].search_path == "pg_catalog, public"
    assert back.indexes == plan.indexes
    assert back.domains == plan.domains
    assert back.files == plan.files
    assert check_plan(back, text, current_files=FILES, snapshots=(SNAP,)) == ()


def test_unknown_strategy_is_reported_with_its_line() -> None:
    text = write_plan(_plan()).replace('on_collision = "keep-both"', 'on_collision = "drop-them"')
    _, problems = read_plan(text)
    assert len(problems) == 1
    line = text.splitlines()[problems[0].line - 1]
    assert "drop-them" in line and "unknown collision strategy" in problems[0].message


def test_unknown_objects_are_reported() -> None:
    plan = _plan(
        definers=(Definer("public.nope(integer)"),),
        indexes=(IndexChoice("idx_x", "public.missing", ("a",)),),
    )
    text = write_plan(plan)
    msgs = [p.message for p in check_plan(plan, text, current_files=FILES, snapshots=(SNAP,))]
    assert any("unknown function public.nope(integer)" in m for m in msgs)
    assert any("unknown table public.missing" in m for m in msgs)


def test_impossible_merge_incompatible_types() -> None:
    plan = _plan(
        merges=(
            Merge(
                "public.ai_notes",
                "public.notes",
                "id",
                "uuid",
                columns=(ColumnMap("owner_id", "meta"), ColumnMap("body", "body")),
            ),
        )
    )
    text = write_plan(plan)
    problems = check_plan(plan, text, current_files=FILES, snapshots=(SNAP,))
    assert any("impossible merge" in p.message and "jsonb" in p.message for p in problems)
    assert all(p.line > 0 for p in problems if "impossible" in p.message)


def test_not_null_target_without_source_is_impossible() -> None:
    plan = _plan(
        merges=(Merge("public.ai_notes", "public.notes", "id", "uuid", columns=(ColumnMap("body", "body"),)),)
    )
    problems = check_plan(plan, write_plan(plan), current_files=FILES, snapshots=(SNAP,))
    assert any("owner_id is NOT NULL" in p.message for p in problems)


def test_out_of_date_plan_is_detected() -> None:
    plan = _plan()
    text = write_plan(plan)
    changed = {**FILES, "001_a.sql": "c" * 64, "003_new.sql": "d" * 64}
    del changed["002_b.sql"]
    msgs = [p.message for p in check_plan(plan, text, current_files=changed, snapshots=(SNAP,))]
    assert any("001_a.sql changed" in m for m in msgs)
    assert any("002_b.sql is no longer" in m for m in msgs)
    assert any("003_new.sql is new" in m for m in msgs)


def test_invalid_toml_is_one_clear_error() -> None:
    with pytest.raises(InputError, match=r"plan.toml:\d+: not valid TOML"):
        read_plan("version = 1\n[[merge]\n", "plan.toml")


def test_type_compatibility() -> None:
    assert compatible("numeric(3,2)", "real")
    assert compatible("character varying(20)", "text")
    assert not compatible("jsonb", "uuid")
    assert not compatible("integer", "uuid")
