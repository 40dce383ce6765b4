"""Test helper: replay statements on a real database (each under a savepoint) and compare the folded
model with what the catalog holds."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import psycopg

from pgconsolidate.catalog.reader import read_snapshot
from pgconsolidate.model.fold import fold
from pgconsolidate.model.types import Analysis, Effect, ObjectKind, Schema
from pgconsolidate.statements.model import FileStatements


def replay(url: str, files: Iterable[FileStatements]) -> set[tuple[str, int]]:
    """Run every statement in order, each under a savepoint; the (file, index) of those that succeeded."""
    ok: set[tuple[str, int]] = set()
    with psycopg.connect(url, autocommit=False) as conn:
        for fs in files:
            for st in fs.statements:
                try:
                    with conn.transaction():
                        conn.execute(st.text.encode())  # type: ignore[call-overload]
                except psycopg.Error:
                    continue
                ok.add((st.file, st.index))
        conn.commit()
    return ok


def fold_succeeded(analysis: Analysis, ok: set[tuple[str, int]]) -> Schema:
    def keep(e: Effect) -> bool:
        return (e.ref.file, e.ref.statement_index) in ok

    return fold(e for e in analysis.all_effects() if keep(e))


@dataclass
class Comparison:
    model: dict[str, set[str]]
    catalog: dict[str, set[str]]

    def diff(self) -> dict[str, tuple[set[str], set[str]]]:
        """kind → (only in model, only in catalog), for kinds that differ."""
        out = {}
        for kind in sorted(set(self.model) | set(self.catalog)):
            m, c = self.model.get(kind, set()), self.catalog.get(kind, set())
            if m != c:
                out[kind] = (m - c, c - m)
        return out


_SKIP_SCHEMAS = ("auth.", "storage.", "extensions.", "supabase_migrations.")


def compare(schema: Schema, url: str) -> Comparison:
    snap = read_snapshot(url)
    model: dict[str, set[str]] = {}

    def put(kind: str, value: str) -> None:
        if not value.startswith(_SKIP_SCHEMAS):
            model.setdefault(kind, set()).add(value)

    for st in schema.objects.values():
        if not st.exists:
            continue
        d = st.detail
        if st.kind == ObjectKind.TABLE:
            put("tables", f"{st.id} rls={d.rls} force={d.force_rls}")
        elif st.kind == ObjectKind.COLUMN:
            put("columns", f"{st.id} {d.type.display} nn={d.not_null}")
        elif st.kind == ObjectKind.INDEX:
            put("indexes", st.id)
        elif st.kind == ObjectKind.CONSTRAINT and d.type != "not-null":
            put("constraints", st.id)
        elif st.kind in (ObjectKind.FUNCTION, ObjectKind.PROCEDURE, ObjectKind.AGGREGATE):
            cfg = ";".join(f"{k}={v}" for k, v in sorted(getattr(d, "config", ())))
            vol = getattr(d, "volatility", "?")  # an aggregate's comes from its functions
            put("functions", f"{st.id} definer={getattr(d, 'security_definer', False)} {vol} [{cfg}]")
        elif st.kind == ObjectKind.POLICY:
            put("policies", f"{st.id} {d.command} {','.join(sorted(d.roles))}")
        elif st.kind == ObjectKind.TRIGGER:
            put("triggers", st.id)
        elif st.kind == ObjectKind.ENUM:
            put("enums", f"{st.id} {','.join(d.labels)}")
        elif st.kind in (ObjectKind.VIEW, ObjectKind.MATERIALIZED_VIEW):
            put("views", st.id)
        elif st.kind == ObjectKind.SEQUENCE:
            put("sequences", st.id)
    catalog: dict[str, set[str]] = {}

    def cput(kind: str, value: str) -> None:
        if not value.startswith(_SKIP_SCHEMAS):
            catalog.setdefault(kind, set()).add(value)

    for t in snap.tables:
        cput("tables", f"{t.identity} rls={t.rls_enabled} force={t.rls_forced}")
    for c in snap.columns:
        cput("columns", f"{c.identity} {c.type} nn={c.not_null}")
    for i in snap.indexes:
        cput("indexes", i.identity)
    for k in snap.constraints:
        if k.contype != "not null":
            cput("constraints", k.identity)
    for f in snap.functions:
        vol = "?" if f.prokind == "aggregate" else f.volatility
        cput("functions", f"{f.identity} definer={f.security_definer} {vol} [{';'.join(sorted(f.config))}]")
    for p in snap.policies:
        cput("policies", f"{p.identity} {p.command.lower()} {','.join(sorted(p.roles))}")
    for tr in snap.triggers:
        cput("triggers", tr.identity)
    for e in snap.enums:
        cput("enums", f"{e.identity} {','.join(e.labels)}")
    for v in snap.views:
        cput("views", v.identity)
    for s in snap.sequences:
        cput("sequences", s.identity)
    return Comparison(model, catalog)
