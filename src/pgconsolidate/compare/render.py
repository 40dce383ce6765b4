"""Words for differences: ``public.memories.embedding: type vector(1536) → vector`` (pure)."""

from __future__ import annotations

import json
from typing import Any

from pgconsolidate.catalog.model import Value
from pgconsolidate.compare.diff import ADDED, CHANGED, REMOVED, AttributeChange, ObjectDiff, SnapshotDiff

# Booleans read better as the two states they name.
_BOOL_WORDS: dict[str, tuple[str, str]] = {
    "security_definer": ("security definer", "security invoker"),
    "not_null": ("not null", "nullable"),
    "rls_enabled": ("row level security enabled", "row level security disabled"),
    "rls_forced": ("row level security forced", "row level security not forced"),
    "strict": ("strict", "called on null input"),
    "leakproof": ("leakproof", "not leakproof"),
    "permissive": ("permissive", "restrictive"),
    "deferrable": ("deferrable", "not deferrable"),
    "deferred": ("initially deferred", "initially immediate"),
    "validated": ("validated", "not valid"),
    "unique": ("unique", "not unique"),
    "valid": ("valid", "invalid"),
    "cycle": ("cycle", "no cycle"),
    "materialized": ("materialized", "not materialized"),
    "clustered": ("clustered on (CLUSTER ON)", "not clustered on"),
    "populated": ("populated", "not populated (WITH NO DATA)"),
}

# What "no value" means for attributes that are only spelled where they differ from a default.
_NONE_WORDS: dict[str, str] = {
    "storage": "the type's default",
    "compression": "default",
    "statistics_target": "default",
}

SYMBOL = {ADDED: "+", REMOVED: "-", CHANGED: "~"}
# Objects that belong to a table and are shown under it when the whole table is added or removed.
_CHILD_COLLECTIONS = frozenset({"columns", "constraints", "indexes", "triggers", "policies", "grants"})


def show_value(value: Value, name: str = "") -> str:
    if value is None:
        return _NONE_WORDS.get(name, "(none)")
    if isinstance(value, tuple):
        return "[" + ", ".join(value) + "]"
    text = str(value)
    return text if len(text) <= 160 else text[:157] + "..."


def describe_change(change: AttributeChange) -> str:
    """``security definer → security invoker`` or ``type: vector(1536) → vector``."""
    if isinstance(change.before, bool) and isinstance(change.after, bool) and change.name in _BOOL_WORDS:
        yes, no = _BOOL_WORDS[change.name]
        return f"{yes if change.before else no} → {yes if change.after else no}"
    before, after = show_value(change.before, change.name), show_value(change.after, change.name)
    if before.strip() == after.strip():  # shown alike (cut short, a space at an end, a comma in an element)
        before, after = _where_they_differ(change.before, change.after)
    return f"{change.name}: {before} → {after}"


def _where_they_differ(before: Value, after: Value) -> tuple[str, str]:
    """Two values whose usual spelling is the same, spelled so that the difference shows: as JSON
    (quotes show spaces and elements' bounds), from a little before the first character that differs."""
    a, b = json.dumps(_plain(before), ensure_ascii=False), json.dumps(_plain(after), ensure_ascii=False)
    start = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    start = max(0, start - 40)
    head = "..." if start else ""

    def cut(text: str) -> str:
        text = text[start:]
        return head + (text if len(text) <= 120 else text[:117] + "...")

    return cut(a), cut(b)


def _plain(v: Value) -> Any:
    return list(v) if isinstance(v, tuple) else v


def describe(diff: ObjectDiff, *, a_label: str = "A", b_label: str = "B") -> str:
    """One line per object: ``~ function public.f(text): security definer → security invoker; ...``."""
    head = f"{SYMBOL[diff.change]} {diff.kind} {diff.shown or diff.identity}"
    if diff.change == CHANGED:
        return head + ": " + "; ".join(describe_change(c) for c in diff.changes)
    return head + (f" (only in {b_label})" if diff.change == ADDED else f" (only in {a_label})")


def text_lines(result: SnapshotDiff, *, a_label: str = "A", b_label: str = "B") -> list[str]:
    """The differences as lines; children of an added or removed table are folded into its line. A
    change's detail (a function body's diff) follows its object's line, each line indented by four
    spaces."""
    whole = {
        (d.change, d.identity) for d in result.differences if d.collection == "tables" and d.change != CHANGED
    }
    folded: dict[tuple[str, str], int] = {}
    shown: list[ObjectDiff] = []
    for d in result.differences:
        if d.collection in _CHILD_COLLECTIONS and d.parent and (d.change, d.parent) in whole:
            folded[(d.change, d.parent)] = folded.get((d.change, d.parent), 0) + 1
            continue
        shown.append(d)
    lines = []
    for d in shown:
        line = describe(d, a_label=a_label, b_label=b_label)
        n = folded.get((d.change, d.identity)) if d.collection == "tables" else None
        if n:
            line += (
                f" with {n} dependent object(s) (columns, constraints, indexes, triggers, policies, grants)"
            )
        lines.append(line)
        lines += [f"    {x}" for c in d.changes for x in c.detail]
    return lines


def to_json(result: SnapshotDiff) -> dict[str, Any]:
    plain = _plain
    return {
        "schema_version": 1,
        "a": result.a,
        "b": result.b,
        "equivalent": result.equivalent,
        "ignored_attributes": list(result.ignored),
        "notes": list(result.notes),
        "counts": result.counts(),
        "differences": [
            {
                "kind": d.kind,
                "collection": d.collection,
                "identity": d.identity,
                "change": d.change,
                "parent": d.parent,
                "attributes": [
                    {"name": c.name, "a": plain(c.before), "b": plain(c.after), "text": describe_change(c)}
                    | ({"diff": list(c.detail)} if c.detail else {})
                    for c in d.changes
                ],
            }
            for d in result.differences
        ],
    }
