"""Catalog snapshots: read a live database's schema into frozen data, and (de)serialise it as JSON.

The data (``model``, ``schemas``, ``serialize``) is pure and used by the plan; the reader talks to a
database, so it is imported only when ``read_snapshot`` / ``read_snapshot_from`` is first asked for.
"""

from typing import TYPE_CHECKING, Any

from pgconsolidate.catalog.model import OBJECT_KINDS, SNAPSHOT_SCHEMA_VERSION, CatalogObject, Snapshot
from pgconsolidate.catalog.schemas import MANAGED_SCHEMAS
from pgconsolidate.catalog.serialize import read_snapshot_file, snapshot_from_json, snapshot_to_json

if TYPE_CHECKING:
    from pgconsolidate.catalog.reader import read_snapshot, read_snapshot_from

__all__ = [
    "MANAGED_SCHEMAS",
    "OBJECT_KINDS",
    "SNAPSHOT_SCHEMA_VERSION",
    "CatalogObject",
    "Snapshot",
    "read_snapshot",
    "read_snapshot_file",
    "read_snapshot_from",
    "snapshot_from_json",
    "snapshot_to_json",
]


def __getattr__(name: str) -> Any:
    if name in ("read_snapshot", "read_snapshot_from"):
        from pgconsolidate.catalog import reader

        return getattr(reader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
