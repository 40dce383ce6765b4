"""Snapshots to and from JSON, with ``schema_version`` so that old or foreign files are refused.

The format is generic over the dataclasses of :mod:`pgconsolidate.catalog.model`: every field of every
object is written, and reading requires every field to be present, so a snapshot can never silently
lose an attribute (which would make two different schemas compare equal). The one exception are the
attributes added after the format was first written (``LATER_ATTRIBUTES``: column storage, compression and
statistics target, an index's CLUSTER ON, a materialized view's populated state): they are left out where
they hold their default and read as the default where absent, which is lossless (the default is one
value) and keeps snapshots of schemas that do not use them, and older files, as they were. Likewise the
kinds read since (``SPARSE_KINDS``: text search configurations and dictionaries, operators, foreign data
wrappers and servers, the platform's tables) are written only when there are some.

A file may also keep the normalised text of its functions' bodies (``"bodies"``: body hash -> text, written
by ``inspect --output`` / ``--format json`` and ``replay --snapshot``), so that comparing it shows where a
changed body differs. They are not part of the schema (the hashes are): a file without them (older, or
written by another command) compares the same, and an older reader, which ignores keys it does not know,
still reads a file with them. A body must hash to its key.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, fields
from pathlib import Path
from typing import Any

from pgconsolidate.catalog.model import (
    LATER_ATTRIBUTES,
    LATER_KINDS,
    OBJECT_KINDS,
    SNAPSHOT_SCHEMA_VERSION,
    SPARSE_KINDS,
    CatalogObject,
    Snapshot,
)
from pgconsolidate.catalog.normalize import body_hash
from pgconsolidate.errors import InputError

FORMAT = "pgconsolidate-snapshot"


def _later_defaults(cls: type[CatalogObject]) -> dict[str, Any]:
    """The attributes of ``cls`` added after schema_version 1 was first written, with their defaults
    (see :data:`~pgconsolidate.catalog.model.LATER_ATTRIBUTES`)."""
    later = LATER_ATTRIBUTES.get(cls, frozenset())
    out = {f.name: f.default for f in fields(cls) if f.name in later}
    assert all(v is not MISSING for v in out.values()), f"a later attribute of {cls.__name__} has no default"
    return out


_LATER_DEFAULTS: dict[type[CatalogObject], dict[str, Any]] = {
    cls: _later_defaults(cls) for cls in OBJECT_KINDS.values()
}


def object_to_dict(obj: CatalogObject) -> dict[str, Any]:
    """Every field of ``obj``, but for an attribute added later that holds its default (left out)."""
    later = _LATER_DEFAULTS[type(obj)]
    out: dict[str, Any] = {}
    for f in fields(obj):
        v = getattr(obj, f.name)
        if f.name in later and v == later[f.name] and type(v) is type(later[f.name]):
            continue
        out[f.name] = list(v) if isinstance(v, tuple) else v
    return out


def snapshot_to_dict(snapshot: Snapshot) -> dict[str, Any]:
    doc = {
        "schema_version": SNAPSHOT_SCHEMA_VERSION,
        "format": FORMAT,
        "source": snapshot.source,
        "server_version": snapshot.server_version,
        "scope": snapshot.scope,
        "objects": {
            name: [object_to_dict(o) for o in snapshot.objects(name)]
            for name in OBJECT_KINDS
            if name not in SPARSE_KINDS or snapshot.objects(name)
        },
    }
    if snapshot.bodies:  # (only when kept: a snapshot read from a catalog has none, its file is as before)
        doc["bodies"] = dict(sorted(snapshot.bodies.items()))
    return doc


def snapshot_to_json(snapshot: Snapshot, *, indent: int | None = 1) -> str:
    return json.dumps(snapshot_to_dict(snapshot), indent=indent, ensure_ascii=False, sort_keys=False) + "\n"


def _object_from_dict(cls: type[CatalogObject], data: Any, where: str) -> CatalogObject:
    if not isinstance(data, dict):
        raise InputError(f"{where}: expected an object, got {type(data).__name__}")
    names = [f.name for f in fields(cls)]
    later = _LATER_DEFAULTS[cls]
    missing = [n for n in names if n not in data and n not in later]
    extra = [k for k in data if k not in names]
    if missing or extra:
        detail = ", ".join([*(f"missing {m!r}" for m in missing), *(f"unknown {e!r}" for e in extra)])
        raise InputError(f"{where}: {detail}")
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
    for name, default in later.items():
        values.setdefault(name, default)
    try:
        return cls(**values)  # type: ignore[arg-type]
    except TypeError as exc:
        raise InputError(f"{where}: {exc}") from None


def snapshot_from_dict(doc: Any, *, origin: str = "snapshot") -> Snapshot:
    if not isinstance(doc, dict):
        raise InputError(f"{origin}: not a pgconsolidate snapshot (expected a JSON object)")
    version = doc.get("schema_version")
    if version != SNAPSHOT_SCHEMA_VERSION:
        raise InputError(
            f"{origin}: snapshot schema_version {version!r} is not supported "
            f"(this pgconsolidate reads schema_version {SNAPSHOT_SCHEMA_VERSION})"
        )
    if doc.get("format") != FORMAT or not isinstance(doc.get("objects"), dict):
        raise InputError(f'{origin}: not a pgconsolidate snapshot (no "format": "{FORMAT}" / objects)')
    objects = doc["objects"]
    unknown = sorted(set(objects) - set(OBJECT_KINDS))
    if unknown:
        raise InputError(f"{origin}: unknown object kinds {', '.join(unknown)}")
    kinds: dict[str, tuple[CatalogObject, ...]] = {}
    for name, cls in OBJECT_KINDS.items():
        items = objects.get(name, [] if name in LATER_KINDS else None)
        if not isinstance(items, list):
            raise InputError(f"{origin}: objects.{name} is missing or not a list")
        kinds[name] = tuple(
            sorted(
                (
                    _object_from_dict(cls, item, f"{origin}: objects.{name}[{i}]")
                    for i, item in enumerate(items)
                ),
                key=lambda o: o.identity,
            )
        )
    server_version = doc.get("server_version")
    return Snapshot(
        source=str(doc.get("source", origin)),
        server_version=int(server_version) if isinstance(server_version, int) else 0,
        scope=str(doc.get("scope", "user")),
        bodies=_bodies_from(doc.get("bodies", {}), origin),
        **kinds,  # type: ignore[arg-type]
    )


def _bodies_from(bodies: Any, origin: str) -> dict[str, str]:
    """The ``bodies`` of a snapshot file, each checked to hash to its key."""
    if not isinstance(bodies, dict):
        raise InputError(f"{origin}: bodies is not an object (body hash -> text)")
    for key, text in bodies.items():
        if not isinstance(text, str) or body_hash(text) != key:
            raise InputError(f"{origin}: bodies.{key}: the text does not hash to its key (edited?)")
    return dict(bodies)


def snapshot_from_json(text: str, *, origin: str = "snapshot") -> Snapshot:
    """Parse a snapshot; bad JSON, another schema_version or a missing field -> :class:`InputError`."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{origin}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    return snapshot_from_dict(doc, origin=origin)


def read_snapshot_file(path: str | Path) -> Snapshot:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read snapshot {p}: {exc}") from None
    return snapshot_from_json(text, origin=str(p))
