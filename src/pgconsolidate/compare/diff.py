"""A small, pure, generic diff of two :class:`~pgconsolidate.catalog.model.Snapshot` values.

Inspection (``catalog``) and comparison (here) are separate, as in migra: this module never touches a
database. The comparison is structural so that no attribute can be forgotten: every field of
:class:`Snapshot` other than :data:`~pgconsolidate.catalog.model.META_FIELDS` is a collection of objects,
objects are matched by identity, and every field of a matched pair other than ``identity`` is compared
(``dataclasses.fields``), so a field added to the model takes part in the comparison automatically.
The one exception to "present on one side only is a difference" are the platform's tables
(:data:`~pgconsolidate.catalog.model.BOTH_SIDES_ONLY`): which of them exist is the platform's (its
version, or the scratch base a replay installs), so only those both sides have are compared.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace

from pgconsolidate.catalog.model import (
    BOTH_SIDES_ONLY,
    META_FIELDS,
    OBJECT_KINDS,
    CatalogObject,
    Grant,
    ManagedTable,
    Snapshot,
    Value,
)
from pgconsolidate.compare.names import Namer

ADDED = "added"
REMOVED = "removed"
CHANGED = "changed"


@dataclass(frozen=True)
class AttributeChange:
    """One attribute of one object that differs: its value in A (``before``) and in B (``after``)."""

    name: str
    before: Value
    after: Value
    #: more lines that show the change, when the caller could find them (a function body's diff)
    detail: tuple[str, ...] = ()


@dataclass(frozen=True)
class ObjectDiff:
    """An object present only in B (added), only in A (removed), or in both with different attributes."""

    collection: str  # the Snapshot field: "columns"
    kind: str  # the object kind: "column"
    identity: str
    change: str  # added / removed / changed
    changes: tuple[AttributeChange, ...] = ()
    parent: str | None = None  # the table of a column, constraint, index, trigger or policy
    #: the identity with its names quoted where SQL needs it (``public."my.idx"``), for text output;
    #: JSON output keeps ``identity``
    shown: str | None = None


@dataclass(frozen=True)
class SnapshotDiff:
    """Everything that differs between A and B, in snapshot-field order then identity order."""

    a: str
    b: str
    differences: tuple[ObjectDiff, ...]
    ignored: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # what was normalised because the two servers differ in version

    @property
    def equivalent(self) -> bool:
        return not self.differences

    def counts(self) -> dict[str, int]:
        out = {ADDED: 0, REMOVED: 0, CHANGED: 0}
        for d in self.differences:
            out[d.change] += 1
        return out


OBJECT_KIND_NAMES = {name: cls.kind for name, cls in OBJECT_KINDS.items()}


def compared_collections() -> tuple[str, ...]:
    """Every Snapshot field that holds objects (all fields except the metadata ones)."""
    return tuple(f.name for f in fields(Snapshot) if f.name not in META_FIELDS)


# The attributes that hold expressions as the server prints them (where an array cast's place is not a fixed
# point: :func:`same_expression_text`); free text (comments, names) is compared as it is.
EXPRESSIONS = frozenset(
    {"definition", "using", "with_check", "default", "predicate", "partition_key", "partition_of"}
    | {"arguments"}  # a function argument's DEFAULT
)


def diff_objects(
    a: CatalogObject, b: CatalogObject, ignore: frozenset[str] = frozenset()
) -> tuple[AttributeChange, ...]:
    """The attributes (every dataclass field but ``identity`` and ``ignore``) whose values differ."""
    if type(a) is not type(b):
        raise TypeError(f"cannot compare {type(a).__name__} with {type(b).__name__}")
    changes = []
    for f in fields(a):
        if f.name == "identity" or f.name in ignore:
            continue
        before, after = getattr(a, f.name), getattr(b, f.name)
        if before != after and not (f.name in EXPRESSIONS and same_expression_text(before, after)):
            changes.append(AttributeChange(f.name, before, after))
    return tuple(changes)


_ARRAY_CAST_TYPE = re.compile(r"\)?::((?:[a-z_][a-z0-9_$]*\.)?[a-z_][a-z0-9_ $]*?(?:\(\d+(?:,\d+)?\))?)\[\]")


def _closing_bracket(text: str, start: int) -> int:
    """The index of the ``]`` that closes the ``[`` at ``start - 1`` (quotes and nesting skipped), or -1."""
    depth, i, n = 1, start, len(text)
    while i < n:
        ch = text[i]
        if ch in "'\"":
            end = text.find(ch, i + 1)
            while end != -1 and end + 1 < n and text[end + 1] == ch:  # a doubled quote inside the literal
                end = text.find(ch, end + 2)
            if end == -1:
                return -1
            i = end
        elif ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
            if depth == 0:
                return i if ch == "]" else -1
        i += 1
    return -1


def _top_level_items(text: str) -> list[str]:
    """``text`` split at the commas outside quotes, brackets and parentheses."""
    items, depth, start, i, n = [], 0, 0, 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "'\"":
            end = text.find(ch, i + 1)
            while end != -1 and end + 1 < n and text[end + 1] == ch:
                end = text.find(ch, end + 2)
            i = n if end == -1 else end
        elif ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(text[start:i].strip())
            start = i + 1
        i += 1
    items.append(text[start:].strip())
    return items


def _array_casts_inward(text: str) -> str:
    """``ARRAY[a, b]::t[]`` (also ``(ARRAY[a, b])::t[]``) written as ``ARRAY[a::t, b::t]``.

    PostgreSQL prints ``x IN ('a', 'b')`` on a ``varchar`` column as ``x::text = ANY (ARRAY['a'::character
    varying, ...]::text[])``; parsed again (a pg_dump restored, a clean set replayed) the cast moves onto
    each element: ``ARRAY['a'::character varying::text, ...]``. Both hold the same values; this spelling
    makes the two texts equal. Text it cannot take apart is returned as it is."""
    out: list[str] = []
    pos = 0
    while (at := text.find("ARRAY[", pos)) != -1:
        close = _closing_bracket(text, at + 6)
        if close == -1:
            break
        m = _ARRAY_CAST_TYPE.match(text, close + 1)
        wrapped = at > 0 and text[at - 1] == "("
        if m is None or (m.group(0).startswith(")") and not wrapped):
            out.append(text[pos : close + 1])
            pos = close + 1
            continue
        inner = _array_casts_inward(text[at + 6 : close])
        cast = "::" + m.group(1)
        items = ", ".join(item + cast for item in _top_level_items(inner) if item)
        head = text[pos : at - 1] if m.group(0).startswith(")") else text[pos:at]
        out.append(f"{head}ARRAY[{items}]")
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def same_expression_text(before: Value, after: Value) -> bool:
    """Whether two printed definitions differ only where PostgreSQL's printing is not a fixed point
    (an array cast printed on the array or on its elements); anything else is a difference."""
    if not isinstance(before, str) or not isinstance(after, str):
        return False
    if "ARRAY[" not in before or "ARRAY[" not in after:
        return False
    return _array_casts_inward(before) == _array_casts_inward(after)


def _parent(obj: CatalogObject) -> str | None:
    """The table an object belongs to (columns, constraints, indexes, triggers, policies, grants)."""
    if isinstance(obj, Grant):
        if obj.object_kind == "column":
            return obj.object.rsplit(".", 1)[0]
        return obj.object if obj.object_kind in ("table", "view", "sequence") else None
    table = getattr(obj, "table", None)
    return table if isinstance(table, str) else None


def diff_snapshots(a: Snapshot, b: Snapshot, *, ignore: frozenset[str] = frozenset()) -> SnapshotDiff:
    """Compare ``a`` with ``b``: "added" means present in B only, "removed" present in A only.

    ``ignore`` names attributes to leave out (``{"owner"}`` when two servers use different owners); it is
    recorded in the result so that output can say what was not compared.
    """
    a, b, notes = common_features(a, b)
    if a.scope != b.scope:
        notes += (
            f"A was read as {a.scope!r} and B as {b.scope!r}: objects only the wider one reads show as "
            "added or removed (use the same --include-* options on both sides)",
        )
    for collection in sorted(BOTH_SIDES_ONLY):
        if bool(a.objects(collection)) != bool(b.objects(collection)):
            kind = OBJECT_KIND_NAMES[collection]
            notes += (
                f"{kind}s (row level security, privileges and comments of tables in the platform's schemas) "
                f"not compared: only {'A' if a.objects(collection) else 'B'} has them (a server without "
                "those schemas, or a snapshot file written before they were read)",
            )
    out: list[ObjectDiff] = []
    namer: Namer | None = None  # made at the first difference: equal snapshots never pay for it
    shared: set[str] = set()
    for collection in compared_collections():
        both_only = collection in BOTH_SIDES_ONLY
        for identity, oa, ob in _pairs(a.objects(collection), b.objects(collection), ignore, shared):
            if oa is not None and ob is not None and oa == ob:
                continue  # dataclass equality covers every field: the common case, decided fast
            if both_only and (oa is None or ob is None):
                continue  # a platform's table one side has: not the project's
            if namer is None:
                namer = Namer((a, b))
            if oa is None and ob is not None:
                shown = namer.shown(ob)
                out.append(ObjectDiff(collection, ob.kind, identity, ADDED, parent=_parent(ob), shown=shown))
            elif ob is None and oa is not None:
                out.append(
                    ObjectDiff(
                        collection, oa.kind, identity, REMOVED, parent=_parent(oa), shown=namer.shown(oa)
                    )
                )
            elif oa is not None and ob is not None:
                changes = diff_objects(oa, ob, ignore)
                if changes:
                    out.append(
                        ObjectDiff(
                            collection, oa.kind, identity, CHANGED, changes, _parent(oa), namer.shown(oa)
                        )
                    )
    if shared:
        notes += (
            f"several objects share the identity {', '.join(sorted(shared))} (names with dots): "
            "matched by their attributes",
        )
    return SnapshotDiff(
        a=a.source, b=b.source, differences=tuple(out), ignored=tuple(sorted(ignore)), notes=notes
    )


def _pairs(
    in_a: tuple[CatalogObject, ...],
    in_b: tuple[CatalogObject, ...],
    ignore: frozenset[str],
    shared: set[str],
) -> Iterator[tuple[str, CatalogObject | None, CatalogObject | None]]:
    """The objects of one collection of A and B matched by identity, in identity order: (identity, the
    object in A or None, the object in B or None).

    Names with dots can spell one identity for two objects (table ``"a.b"`` of schema ``s`` and table
    ``b`` of schema ``"s.a"`` are both ``s.a.b``); matched by identity alone, one of them would hide the
    other's changes. Such objects are matched as multisets: an object equal (but for ``ignore``) to one on
    the other side is unchanged; of the rest, one on each side are compared, more are removed and added.
    Their identities are added to ``shared``."""
    by_a = {o.identity: o for o in in_a}
    by_b = {o.identity: o for o in in_b}
    if len(by_a) == len(in_a) and len(by_b) == len(in_b):  # the usual case: identities are unique
        for identity in sorted(by_a.keys() | by_b.keys()):
            yield identity, by_a.get(identity), by_b.get(identity)
        return
    many_a: dict[str, list[CatalogObject]] = {}
    many_b: dict[str, list[CatalogObject]] = {}
    for objects, many in ((in_a, many_a), (in_b, many_b)):
        for o in objects:
            many.setdefault(o.identity, []).append(o)
    for identity in sorted(many_a.keys() | many_b.keys()):
        list_a, list_b = many_a.get(identity, []), many_b.get(identity, [])
        if len(list_a) <= 1 and len(list_b) <= 1:
            yield identity, list_a[0] if list_a else None, list_b[0] if list_b else None
            continue
        shared.add(identity)
        rest_b = list(list_b)
        rest_a = []
        for x in list_a:
            same = next((i for i, y in enumerate(rest_b) if not diff_objects(x, y, ignore)), None)
            if same is None:
                rest_a.append(x)
            else:
                rest_b.pop(same)
        if len(rest_a) == 1 and len(rest_b) == 1:
            yield identity, rest_a[0], rest_b[0]
            continue
        for x in rest_a:
            yield identity, x, None
        for y in rest_b:
            yield identity, None, y


# Privileges that only exist from some server version on: (privilege, first server_version).
VERSIONED_PRIVILEGES = (("MAINTAIN", 170000),)


def common_features(a: Snapshot, b: Snapshot) -> tuple[Snapshot, Snapshot, tuple[str, ...]]:
    """Snapshots of servers of different major versions, reduced to what both versions can express.

    Only a privilege one of the servers cannot have is removed (e.g. MAINTAIN, which PostgreSQL 17
    added to every table owner's privileges); each removal is returned as a note for the output.
    """
    versions = [v for v in (a.server_version, b.server_version) if v]
    if len(versions) < 2:
        return a, b, ()
    oldest = min(versions)
    missing = {priv for priv, since in VERSIONED_PRIVILEGES if oldest < since <= max(versions)}
    if not missing:
        return a, b, ()

    def strip(snap: Snapshot) -> Snapshot:
        grants = []
        for g in snap.grants:
            privileges = tuple(p for p in g.privileges if p not in missing)
            if not privileges:
                continue
            grants.append(
                replace(g, privileges=privileges, grantable=tuple(p for p in g.grantable if p not in missing))
            )
        managed = tuple(
            replace(
                t,
                privileges=_without_privileges(t.privileges, missing),
                column_privileges=_without_privileges(t.column_privileges, missing),
            )
            for t in snap.managed_tables
            if isinstance(t, ManagedTable)
        )
        return replace(snap, grants=tuple(grants), managed_tables=managed)

    note = (
        f"{', '.join(sorted(missing))} privileges not compared: one server is PostgreSQL "
        f"{oldest // 10000}, which does not have them"
    )
    return strip(a), strip(b), (note,)


def _without_privileges(entries: tuple[str, ...], missing: set[str]) -> tuple[str, ...]:
    """``"grantee: SELECT, MAINTAIN*"`` entries (:class:`ManagedTable`) without the ``missing``
    privileges; an entry left with none is dropped."""
    out = []
    for entry in entries:
        who, sep, privileges = entry.rpartition(": ")
        kept = [p for p in privileges.split(", ") if p.rstrip("*") not in missing]
        if not sep:
            out.append(entry)
        elif kept:
            out.append(f"{who}: {', '.join(kept)}")
    return tuple(out)
