"""Rule ``duplicate-index``: two indexes of a table with the same definition under different names."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pgconsolidate.model.types import IndexDef, ObjectKind, ObjectState
from pgconsolidate.rules._advisor import applied_position, statement_at
from pgconsolidate.rules.finding import Severity
from pgconsolidate.rules.model_view import birth, loc
from pgconsolidate.rules.nodes import tree
from pgconsolidate.rules.registry import Hit, RuleContext, rule

_NULLS_NOT_DISTINCT = re.compile(r"\bnulls\s+not\s+distinct\b", re.IGNORECASE)


def _key_orders(index: ObjectState, ctx: RuleContext) -> tuple[Any, ...] | None:
    """What the model does not record about an index's keys, from the statement that created it: per
    key (descending, nulls first, collation), and NULLS NOT DISTINCT. None when it cannot be told
    (the statement is gone, or the index was made by SQL the model cannot read, such as a DO block)."""
    created = birth(index)
    if created is None:
        return None
    st = statement_at(ctx, created.ref)
    if st is None:
        return None
    d = index.detail
    if d.constraint:  # a PRIMARY KEY / UNIQUE constraint: its keys are plain ascending columns
        if _NULLS_NOT_DISTINCT.search(st.text):
            return None  # which constraint of the statement has it is not worth telling apart
        return (*((False, False, None) for _ in d.columns), False)
    node = tree(st).get("IndexStmt")
    if node is None:
        return None
    keys: list[tuple[bool, bool, tuple[str, ...] | None]] = []
    for param in node.get("indexParams") or ():
        elem = param.get("IndexElem", {})
        desc = elem.get("ordering") == "SORTBY_DESC"
        nulls = elem.get("nulls_ordering", "SORTBY_NULLS_DEFAULT")
        nulls_first = desc if nulls == "SORTBY_NULLS_DEFAULT" else nulls == "SORTBY_NULLS_FIRST"
        collation = (
            tuple(str(n.get("String", {}).get("sval", "")) for n in elem.get("collation") or ()) or None
        )
        keys.append((desc, nulls_first, collation))
    return (*keys, bool(node.get("nulls_not_distinct")))


def _definition(index: ObjectState, ctx: RuleContext) -> tuple[Any, ...] | None:
    """Everything that makes two indexes of one table the same index, or None when unknown."""
    d: IndexDef = index.detail
    if not d.columns or (d.constraint and not (d.unique or d.primary)):
        return None  # keys the model does not record (an EXCLUDE constraint's operators)
    orders = _key_orders(index, ctx)
    if orders is None:
        return None
    opclasses = d.opclasses if any(d.opclasses) else ()
    return (
        d.method.lower(),
        d.columns,
        opclasses,
        d.unique or d.primary,
        d.where,
        d.include,
        tuple(sorted(d.options)),
        orders,
    )


def _one_per_statement(indexes: list[ObjectState], ctx: RuleContext) -> list[ObjectState]:
    """``indexes`` (of one definition) with the constraint indexes one CREATE TABLE declares kept once:
    PostgreSQL makes a single index for identical PRIMARY KEY / UNIQUE constraints of one CREATE TABLE
    (``code int UNIQUE, PRIMARY KEY (code)`` has only the primary key's), the primary key's when there
    is one; the model records each constraint. (``ALTER TABLE t ADD UNIQUE (c), ADD PRIMARY KEY (c)``
    makes both.)"""
    kept: list[ObjectState] = []
    by_statement: dict[Any, int] = {}
    for index in indexes:
        created = birth(index) if index.detail.constraint else None
        st = statement_at(ctx, created.ref) if created is not None else None
        if created is None or st is None or st.kind != "CreateStmt":
            kept.append(index)
            continue
        ref = created.ref
        at = by_statement.get(ref)
        if at is None:
            by_statement[ref] = len(kept)
            kept.append(index)
        elif index.detail.primary:
            kept[at] = index
    return kept


def _describe(d: IndexDef) -> str:
    what = "primary key" if d.primary else "unique constraint" if d.constraint else ""
    return f"{d.schema}.{d.name}" + (f" (the index of a {what})" if what else "")


@rule(
    id="duplicate-index",
    severity=Severity.WARNING,
    help="Drop all but one of the identical indexes (`DROP INDEX IF EXISTS ...`, CONCURRENTLY outside a "
    "transaction on a large table); keep the one that backs a PRIMARY KEY or UNIQUE constraint, which "
    "foreign keys may depend on.",
)
def duplicate_index(ctx: RuleContext) -> Iterator[Hit]:
    """Two or more indexes of the same table have the same definition under different names.

    The same access method, key columns or expressions, operator classes, ordering, predicate,
    INCLUDE columns, storage options and uniqueness: PostgreSQL keeps and updates every one of them
    on each write, they take disk and memory, and the planner uses only one. This is Supabase's
    ``duplicate_index`` advisor lint, found in the final schema of the migrations before it ships. The
    index of a PRIMARY KEY or UNIQUE constraint counts too: ``CREATE UNIQUE INDEX ON t (email)`` next
    to ``UNIQUE (email)`` is a duplicate. The finding points at the index created last and lists the
    earlier ones. Indexes made by SQL the model cannot read (``EXECUTE`` in a DO block) are not compared,
    nor identical constraints of one CREATE TABLE (``code int UNIQUE, PRIMARY KEY (code)``): PostgreSQL
    makes only one index for them.
    """
    # one pass over every index, keyed by (table, key columns): on large directories only the few
    # that share both with an earlier index are looked at further
    first: dict[tuple[str, tuple[str, ...]], ObjectState] = {}
    claim = first.setdefault
    again: list[ObjectState] = []
    for index in ctx.by_kind.get(ObjectKind.INDEX, ()):
        if index.exists:
            d = index.detail
            if type(d) is IndexDef and claim((d.table, d.columns), index) is not index:
                again.append(index)
    if not again:
        return
    candidates: dict[tuple[str, tuple[str, ...]], list[ObjectState]] = {}
    for index in again:
        d = index.detail
        key = (d.table, d.columns)
        group = candidates.get(key)
        if group is None:
            candidates[key] = [first[key], index]
        else:
            group.append(index)
    order = ctx.file_index()
    for group in candidates.values():
        same: dict[tuple[Any, ...], list[ObjectState]] = {}
        for index in group:
            definition = _definition(index, ctx)
            if definition is not None:
                same.setdefault(definition, []).append(index)
        for found in same.values():
            indexes = _one_per_statement(found, ctx) if len(found) > 1 else found
            if len(indexes) < 2:
                continue
            born = [(birth(i), i) for i in indexes]
            born.sort(key=lambda pair: applied_position(pair[0], order) if pair[0] else (-1, -1, -1))
            last_effect, last = born[-1]
            if last_effect is None:
                continue
            earlier = [i for _, i in born[:-1]]
            last_def: IndexDef = last.detail
            names = ", ".join(_describe(i.detail) for i in earlier)
            cols = ", ".join(last_def.columns)
            yield Hit(
                f"index {_describe(last_def)} on {last_def.table} duplicates {names}: same definition "
                f"({last_def.method} ({cols})); PostgreSQL maintains both on every write and uses one",
                loc(last_effect),
                tuple(loc(e) for e, _ in born[:-1] if e is not None),
                (last.id, *(i.id for i in earlier)),
            )
