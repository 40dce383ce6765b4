"""Catalog snapshots: read a live database's schema into frozen data, and (de)serialise it as JSON."""

from pgconsolidate.catalog.model import OBJECT_KINDS, SNAPSHOT_SCHEMA_VERSION, CatalogObject, Snapshot
from pgconsolidate.catalog.reader import read_snapshot, read_snapshot_from
from pgconsolidate.catalog.schemas import MANAGED_SCHEMAS
from pgconsolidate.catalog.serialize import read_snapshot_file, snapshot_from_json, snapshot_to_json

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
