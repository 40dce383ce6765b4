"""Rule ``unique-without-partition-key``: a PRIMARY KEY or UNIQUE key of a partitioned table without
every partition key column."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
from pglast.parser import parse_sql_json

from pgconsolidate.model.types import ConstraintDef, IndexDef, ObjectKind, ObjectState
from pgconsolidate.rules.finding import Location, Severity
from pgconsolidate.rules.model_view import birth, loc
from pgconsolidate.rules.registry import Hit, RuleContext, rule
from pgconsolidate.statements.model import Statement

_KEY_TYPES = {"primary-key": "PRIMARY KEY", "unique": "UNIQUE"}
_CONSTR = {"CONSTR_PRIMARY": "primary-key", "CONSTR_UNIQUE": "unique"}


def _statement(ctx: RuleContext, file: str, index: int) -> Statement | None:
    for fs in ctx.files:
        if fs.file == file:
            for st in fs.statements:
                if st.index == index:
                    return st
    return None


def _create_stmt(st: Statement) -> dict[str, Any]:
    """The ``CreateStmt`` fields of ``st`` parsed from its own text (offsets relative to it), or {}."""
    if st.kind != "CreateStmt":
        return {}
    try:
        stmts = orjson.loads(parse_sql_json(st.text)).get("stmts") or ()
    except Exception:  # it parsed once already, as part of its file
        return {}
    node = stmts[0].get("stmt", {}) if stmts else {}
    body = node.get("CreateStmt") if isinstance(node, dict) else None
    return body if isinstance(body, dict) else {}


def _partition_key(create: dict[str, Any]) -> tuple[list[str], bool] | None:
    """(key columns, whether the key has expressions) of a ``CREATE TABLE ... PARTITION BY``."""
    spec = create.get("partspec")
    if not spec:
        return None
    columns: list[str] = []
    expressions = False
    for p in spec.get("partParams") or ():
        elem = p.get("PartitionElem", {})
        if "name" in elem:
            columns.append(elem["name"])
        else:
            expressions = True
    return columns, expressions


def _inline_lines(st: Statement, create: dict[str, Any]) -> dict[tuple[str, tuple[str, ...]], int]:
    """The line of each PRIMARY KEY / UNIQUE written in the CREATE TABLE itself, by (type, columns)."""
    raw = st.text.encode()
    out: dict[tuple[str, tuple[str, ...]], int] = {}

    def line(location: int | None) -> int:
        return st.line + raw[: location or 0].count(b"\n")

    for elt in create.get("tableElts") or ():
        if "ColumnDef" in elt:
            col = elt["ColumnDef"]
            for c in col.get("constraints") or ():
                con = c.get("Constraint", {})
                if con.get("contype") in _CONSTR:
                    out.setdefault(
                        (_CONSTR[con["contype"]], (col.get("colname", ""),)), line(con.get("location"))
                    )
        elif "Constraint" in elt:
            con = elt["Constraint"]
            if con.get("contype") in _CONSTR:
                keys = tuple(k.get("String", {}).get("sval", "") for k in con.get("keys") or ())
                out.setdefault((_CONSTR[con["contype"]], keys), line(con.get("location")))
    return out


def _keys(state: ObjectState) -> tuple[str, str, tuple[str, ...]] | None:
    """(what, name, columns) of a PRIMARY KEY / UNIQUE constraint or a unique index not made by one."""
    d = state.detail
    if state.kind == ObjectKind.CONSTRAINT and isinstance(d, ConstraintDef) and d.type in _KEY_TYPES:
        return _KEY_TYPES[d.type], d.name, d.columns
    if state.kind == ObjectKind.INDEX and isinstance(d, IndexDef) and d.unique and not d.constraint:
        return "UNIQUE index", d.name, d.columns
    return None


@rule(
    id="unique-without-partition-key",
    severity=Severity.ERROR,
    help="Add every partition key column to the key (a table partitioned by created_at gets `PRIMARY KEY "
    "(id, created_at)`); a key that must stay unique on its own columns needs a table that is not "
    "partitioned. With an expression as partition key, no PRIMARY KEY or UNIQUE is possible: partition by "
    "a column.",
)
def unique_without_partition_key(ctx: RuleContext) -> Iterator[Hit]:
    """A PRIMARY KEY or UNIQUE constraint (or unique index) of a partitioned table that lacks a column of
    the partition key.

    PostgreSQL enforces uniqueness per partition only, so it refuses such a key when the statement runs
    (``0A000 unique constraint on partitioned table must include all partitioning columns``; with an
    expression in ``PARTITION BY``, ``unsupported PRIMARY KEY constraint with partition key definition``):
    the CREATE TABLE, ALTER TABLE or CREATE INDEX fails and everything after it that needs the table or
    key fails with it. Reported at the constraint, with the columns to add.
    """
    for table, detail in ctx.tables:
        if not detail.partitioned:
            continue
        born = birth(table)
        st = _statement(ctx, born.ref.file, born.ref.statement_index) if born is not None else None
        create = _create_stmt(st) if st is not None else {}
        found = _partition_key(create)
        if st is None or found is None:
            continue  # made by dynamic SQL, or a form the model read but this rule cannot
        columns, expressions = found
        inline = _inline_lines(st, create)
        for child in ctx.children.get(table.id, ()):
            keys = _keys(child)
            if keys is None:
                continue
            what, name, cols = keys
            missing = [c for c in columns if c not in cols]
            if not (missing or expressions):
                continue
            made = birth(child)
            where = loc(made) if made is not None else Location("")
            kind = "primary-key" if what == "PRIMARY KEY" else "unique"
            if made is not None and made.ref.file == st.file and made.ref.statement_index == st.index:
                where = Location(where.file, inline.get((kind, cols), where.line), where.column)
            if expressions:
                why = (
                    "its partition key includes an expression: PostgreSQL refuses every PRIMARY KEY and "
                    "UNIQUE on it (0A000); partition by a column instead"
                )
            else:
                why = (
                    f"it lacks partition key column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                    f"(0A000 unique constraint on partitioned table must include all partitioning columns): "
                    f"make it ({', '.join([*cols, *missing])})"
                )
            yield Hit(
                f"{what} {name} ({', '.join(cols)}) of partitioned table {table.id}: {why}",
                where,
                related=(loc(born),) if born is not None else (),
                objects=(child.id, table.id),
            )
