"""What a database holds, as frozen data: one dataclass per kind of catalog object.

Every object has an ``identity`` (the shared naming convention: ``schema.name``, ``schema.table.column``,
``schema.name(argtypes)``, ...) and attributes. Attributes are plain values only — ``str``, ``int``,
``bool``, ``None`` or ``tuple[str, ...]`` — so that serialisation and comparison can treat every field
generically: a field added here is automatically written to JSON, read back and compared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import ClassVar

SNAPSHOT_SCHEMA_VERSION = 1

Value = str | int | bool | None | tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class CatalogObject:
    """Base of every catalog object: its identity; subclasses add attributes."""

    kind: ClassVar[str] = "object"
    identity: str

    def attributes(self) -> dict[str, Value]:
        """Every field except the identity, in declaration order (what comparison looks at)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "identity"}


@dataclass(frozen=True, kw_only=True)
class Schema(CatalogObject):
    kind: ClassVar[str] = "schema"
    owner: str
    comment: str | None = None


@dataclass(frozen=True, kw_only=True)
class Extension(CatalogObject):
    kind: ClassVar[str] = "extension"
    version: str
    schema: str
    comment: str | None = None


@dataclass(frozen=True, kw_only=True)
class Table(CatalogObject):
    """A table (``relkind`` r), partitioned table (p) or foreign table (f)."""

    kind: ClassVar[str] = "table"
    relkind: str
    persistence: str  # p permanent, u unlogged, t temporary
    rls_enabled: bool
    rls_forced: bool
    owner: str
    replica_identity: str = "default"  # default, nothing, full, "index <name>" (logical replication)
    access_method: str | None = None  # heap, or another table access method; None for partitioned
    partition_key: str | None = None
    partition_of: str | None = None  # parent and bound: "public.events FOR VALUES FROM (...) TO (...)"
    inherits: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    comment: str | None = None
    server: str | None = None  # a foreign table's server
    foreign_options: tuple[str, ...] = ()  # a foreign table's options ("name=value", sorted)


@dataclass(frozen=True, kw_only=True)
class Column(CatalogObject):
    kind: ClassVar[str] = "column"
    table: str
    position: int  # 1-based among the live (not dropped) columns
    type: str  # format_type(atttypid, atttypmod): vector(1536), character varying(255)
    not_null: bool
    default: str | None = None  # or the generation expression of a generated column
    identity_kind: str | None = None  # "always" / "by default"
    generated: str | None = None  # "stored" / "virtual"
    collation: str | None = None  # only when it differs from the type's default
    comment: str | None = None
    # ALTER COLUMN ... SET STORAGE / SET COMPRESSION / SET STATISTICS, each only when it is not the default
    # (storage: the type's typstorage; compression: default_toast_compression; statistics: the server's
    # default_statistics_target), so a column that never had one set reads as before
    storage: str | None = None  # plain, external, main, extended
    compression: str | None = None  # pglz, lz4
    statistics_target: int | None = None
    foreign_options: tuple[str, ...] = ()  # a foreign table column's options ("name=value", sorted)


@dataclass(frozen=True, kw_only=True)
class Constraint(CatalogObject):
    kind: ClassVar[str] = "constraint"
    table: str
    contype: str  # primary key, foreign key, unique, check, exclusion
    definition: str
    deferrable: bool
    deferred: bool
    validated: bool
    comment: str | None = None


@dataclass(frozen=True, kw_only=True)
class Index(CatalogObject):
    kind: ClassVar[str] = "index"
    table: str
    definition: str
    method: str
    opclasses: tuple[str, ...]
    unique: bool
    primary: bool
    predicate: str | None = None
    valid: bool = True
    comment: str | None = None
    clustered: bool = False  # ALTER TABLE ... CLUSTER ON this index (pg_index.indisclustered)


@dataclass(frozen=True, kw_only=True)
class View(CatalogObject):
    """A view or materialized view; ``definition`` is pg_get_viewdef with whitespace normalised."""

    kind: ClassVar[str] = "view"
    materialized: bool
    definition: str
    options: tuple[str, ...] = ()
    owner: str
    comment: str | None = None
    populated: bool = True  # False: a materialized view created WITH NO DATA and never refreshed


@dataclass(frozen=True, kw_only=True)
class Sequence(CatalogObject):
    kind: ClassVar[str] = "sequence"
    data_type: str
    start: int
    increment: int
    minimum: int
    maximum: int
    cache: int
    cycle: bool
    owned_by: str | None = None
    owner: str
    comment: str | None = None


@dataclass(frozen=True, kw_only=True)
class Enum(CatalogObject):
    kind: ClassVar[str] = "enum"
    labels: tuple[str, ...]  # in sort order
    owner: str
    comment: str | None = None


@dataclass(frozen=True, kw_only=True)
class Domain(CatalogObject):
    kind: ClassVar[str] = "domain"
    base_type: str
    not_null: bool
    default: str | None = None
    collation: str | None = None
    constraints: tuple[str, ...] = ()  # "name: CHECK (...)", sorted by name
    owner: str
    comment: str | None = None


@dataclass(frozen=True, kw_only=True)
class Composite(CatalogObject):
    kind: ClassVar[str] = "composite type"
    members: tuple[str, ...]  # "name type" in order
    owner: str
    comment: str | None = None


@dataclass(frozen=True, kw_only=True)
class Function(CatalogObject):
    """A function, procedure, aggregate or window function; identity ``schema.name(argtypes)``."""

    kind: ClassVar[str] = "function"
    prokind: str  # function, procedure, aggregate, window
    arguments: str  # pg_get_function_arguments: names, modes, defaults
    result: str | None  # pg_get_function_result; None for procedures
    language: str
    volatility: str  # immutable, stable, volatile
    strict: bool
    security_definer: bool
    leakproof: bool
    parallel: str  # safe, restricted, unsafe
    cost: str
    rows: str
    config: tuple[str, ...] = ()  # proconfig: "search_path=public, extensions"
    body_hash: str  # sha256 of the normalised body (prosrc / SQL-standard body / C symbol)
    owner: str
    comment: str | None = None


@dataclass(frozen=True, kw_only=True)
class Trigger(CatalogObject):
    kind: ClassVar[str] = "trigger"
    table: str
    definition: str
    enabled: str  # origin, disabled, replica, always
    comment: str | None = None


@dataclass(frozen=True, kw_only=True)
class EventTrigger(CatalogObject):
    kind: ClassVar[str] = "event trigger"
    event: str
    function: str
    enabled: str
    tags: tuple[str, ...] = ()
    owner: str
    comment: str | None = None


@dataclass(frozen=True, kw_only=True)
class Rule(CatalogObject):
    """A rewrite rule (CREATE RULE), other than the ``_RETURN`` rule that makes a view."""

    kind: ClassVar[str] = "rule"
    table: str
    definition: str
    enabled: str
    comment: str | None = None


@dataclass(frozen=True, kw_only=True)
class Setting(CatalogObject):
    """Configuration set on the database itself (``ALTER DATABASE ... SET``); identity ``database``."""

    kind: ClassVar[str] = "setting"
    values: tuple[str, ...]  # "search_path=\"$user\", public, extensions", sorted


@dataclass(frozen=True, kw_only=True)
class Policy(CatalogObject):
    kind: ClassVar[str] = "policy"
    table: str
    command: str  # ALL, SELECT, INSERT, UPDATE, DELETE
    permissive: bool
    roles: tuple[str, ...]
    using: str | None = None
    with_check: str | None = None
    comment: str | None = None


@dataclass(frozen=True, kw_only=True)
class Grant(CatalogObject):
    """The privileges one grantee holds on one object; identity ``<kind> <object> to <grantee>``.

    Objects without an explicit ACL are read with PostgreSQL's defaults (``acldefault``), so an explicit
    grant that equals the default compares equal to none.
    """

    kind: ClassVar[str] = "grant"
    object_kind: str  # table, column, sequence, function, schema, type, default
    object: str
    grantee: str
    privileges: tuple[str, ...]  # sorted privilege names
    grantable: tuple[str, ...] = ()  # the privileges held WITH GRANT OPTION


@dataclass(frozen=True, kw_only=True)
class Publication(CatalogObject):
    kind: ClassVar[str] = "publication"
    all_tables: bool
    operations: tuple[str, ...]
    tables: tuple[str, ...] = ()
    owner: str


@dataclass(frozen=True, kw_only=True)
class Statistics(CatalogObject):
    """An extended statistics object (``CREATE STATISTICS``); identity ``schema.name``."""

    kind: ClassVar[str] = "statistics"
    table: str
    definition: str  # pg_get_statisticsobjdef: CREATE STATISTICS name (kinds) ON columns FROM table
    target: int | None = None  # ALTER STATISTICS ... SET STATISTICS; None: the default
    owner: str
    comment: str | None = None


@dataclass(frozen=True, kw_only=True)
class Collation(CatalogObject):
    """A collation created in the database (``CREATE COLLATION``); identity ``schema.name``."""

    kind: ClassVar[str] = "collation"
    provider: str  # libc, icu, builtin
    locale: str | None  # LC_COLLATE for libc, the locale for icu and builtin
    ctype: str | None = None  # LC_CTYPE (libc)
    rules: str | None = None  # ICU tailoring rules
    deterministic: bool = True
    owner: str
    comment: str | None = None


@dataclass(frozen=True, kw_only=True)
class Cast(CatalogObject):
    """A cast created in the database (``CREATE CAST``); identity ``source AS target`` (format_type)."""

    kind: ClassVar[str] = "cast"
    function: str | None  # schema.name(argtypes) for WITH FUNCTION, else None
    context: str  # explicit, assignment, implicit
    method: str  # function, inout, binary
    comment: str | None = None


@dataclass(frozen=True, kw_only=True)
class TextSearchConfiguration(CatalogObject):
    """A text search configuration (``CREATE TEXT SEARCH CONFIGURATION``); identity ``schema.name``."""

    kind: ClassVar[str] = "text search configuration"
    parser: str  # qualified unless in pg_catalog: "default"
    mappings: tuple[str, ...]  # "token type: dictionary, dictionary" (in the order tried), by token type
    owner: str
    comment: str | None = None


@dataclass(frozen=True, kw_only=True)
class TextSearchDictionary(CatalogObject):
    """A text search dictionary (``CREATE TEXT SEARCH DICTIONARY``); identity ``schema.name``."""

    kind: ClassVar[str] = "text search dictionary"
    template: str  # qualified unless in pg_catalog: "simple", "snowball"
    options: str | None  # as given: "language = 'english', stopwords = 'english'"
    owner: str
    comment: str | None = None


@dataclass(frozen=True, kw_only=True)
class Operator(CatalogObject):
    """An operator (``CREATE OPERATOR``); identity ``schema.name(left, right)``, ``NONE`` for the left
    type of a prefix operator (``public.===(integer, text)``)."""

    kind: ClassVar[str] = "operator"
    function: str | None  # schema.name(argtypes); None for a shell (named as another's commutator only)
    result: str | None
    commutator: str | None = None  # an operator identity
    negator: str | None = None
    restrict: str | None = None  # the selectivity estimators (regproc)
    join: str | None = None
    hashes: bool = False
    merges: bool = False
    owner: str
    comment: str | None = None


@dataclass(frozen=True, kw_only=True)
class ForeignDataWrapper(CatalogObject):
    """A foreign data wrapper (``CREATE FOREIGN DATA WRAPPER``); identity: its name."""

    kind: ClassVar[str] = "foreign data wrapper"
    handler: str | None  # schema.name(argtypes)
    validator: str | None
    options: tuple[str, ...] = ()  # "name=value", sorted
    owner: str
    comment: str | None = None


@dataclass(frozen=True, kw_only=True)
class ForeignServer(CatalogObject):
    """A foreign server (``CREATE SERVER``); identity: its name. User mappings (which may hold passwords)
    are not read."""

    kind: ClassVar[str] = "foreign server"
    wrapper: str
    type: str | None = None
    version: str | None = None
    options: tuple[str, ...] = ()  # "name=value", sorted
    owner: str
    comment: str | None = None


@dataclass(frozen=True, kw_only=True)
class Range(CatalogObject):
    """A range type (``CREATE TYPE ... AS RANGE``); identity ``schema.name``. Its privileges are grants
    of object kind ``type``."""

    kind: ClassVar[str] = "range type"
    subtype: str  # format_type
    subtype_opclass: str | None  # qualified unless in pg_catalog
    collation: str | None = None  # only when it differs from the subtype's default
    canonical: str | None = None  # schema.name(argtypes)
    subtype_diff: str | None = None
    multirange: str | None = None  # schema.name (PostgreSQL 14 on)
    owner: str
    comment: str | None = None


@dataclass(frozen=True, kw_only=True)
class ManagedTable(CatalogObject):
    """A table in a schema the platform manages (``storage.objects``, ``auth.users``: left out of
    :class:`Table` unless asked), as far as projects change it in their migrations: row level security,
    the privileges granted on it and its columns (but the owner's and the platform's own roles', which the
    platform grants), its comment. Its policies and the
    project's triggers on it are read with the others. The platform's tables differ from one project (or
    one scratch base) to another, so a managed table present on one side only is not a difference; the
    attributes of one present on both are compared like any other."""

    kind: ClassVar[str] = "managed table"
    rls_enabled: bool
    rls_forced: bool
    privileges: tuple[str, ...] = ()  # "grantee: PRIVILEGE, PRIVILEGE*" (* WITH GRANT OPTION), by grantee
    column_privileges: tuple[str, ...] = ()  # "column grantee: PRIVILEGE, ...", by column then grantee
    comment: str | None = None


# The object kinds of a snapshot: Snapshot field name -> class. Order is the order of output.
OBJECT_KINDS: dict[str, type[CatalogObject]] = {
    "schemas": Schema,
    "extensions": Extension,
    "tables": Table,
    "columns": Column,
    "constraints": Constraint,
    "indexes": Index,
    "views": View,
    "sequences": Sequence,
    "enums": Enum,
    "domains": Domain,
    "composites": Composite,
    "functions": Function,
    "triggers": Trigger,
    "rules": Rule,
    "event_triggers": EventTrigger,
    "policies": Policy,
    "grants": Grant,
    "publications": Publication,
    "settings": Setting,
    "statistics": Statistics,
    "collations": Collation,
    "casts": Cast,
    "text_search_configurations": TextSearchConfiguration,
    "text_search_dictionaries": TextSearchDictionary,
    "operators": Operator,
    "foreign_data_wrappers": ForeignDataWrapper,
    "foreign_servers": ForeignServer,
    "ranges": Range,
    "managed_tables": ManagedTable,
}

# Kinds whose objects are compared only where both snapshots have them (one present on one side only is
# the platform's, not a difference): see ManagedTable.
BOTH_SIDES_ONLY = frozenset({"managed_tables"})

# Kinds added after snapshot schema_version 1 was first written: a snapshot file without them was
# written before they were read (it is read with none, so their objects show as added, never hidden).
LATER_KINDS = frozenset(
    {
        "statistics",
        "collations",
        "casts",
        "text_search_configurations",
        "text_search_dictionaries",
        "operators",
        "foreign_data_wrappers",
        "foreign_servers",
        "ranges",
        "managed_tables",
    }
)

# Later kinds written to a snapshot file only when they hold objects (added in session 7): a snapshot of a
# schema without them is the same file, and has the same fingerprint, as before they were read.
SPARSE_KINDS = frozenset(
    {
        "text_search_configurations",
        "text_search_dictionaries",
        "operators",
        "foreign_data_wrappers",
        "foreign_servers",
        "ranges",
        "managed_tables",  # session 10
    }
)
assert SPARSE_KINDS <= LATER_KINDS

# Attributes added to a kind after snapshot schema_version 1 was first written. They are written to a
# snapshot file only when they differ from their default, and a file without them reads them as the
# default: a snapshot of a schema that does not use them is the same file as before they were read, and
# older files still load (their objects had the default, as nothing else was read then). A field with no
# default cannot be listed here.
LATER_ATTRIBUTES: dict[type[CatalogObject], frozenset[str]] = {
    Table: frozenset({"server", "foreign_options"}),
    Column: frozenset({"storage", "compression", "statistics_target", "foreign_options"}),
    Index: frozenset({"clustered"}),
    View: frozenset({"populated"}),
}


@dataclass(frozen=True)
class Snapshot:
    """The schema of one database. ``source``, ``server_version`` and ``scope`` describe where it came
    from and what was read, and ``bodies`` holds function bodies' texts for display; none of them is part
    of the schema (:data:`META_FIELDS`). Every other field is a tuple of catalog objects sorted by
    identity."""

    source: str
    server_version: int
    schemas: tuple[Schema, ...] = ()
    extensions: tuple[Extension, ...] = ()
    tables: tuple[Table, ...] = ()
    columns: tuple[Column, ...] = ()
    constraints: tuple[Constraint, ...] = ()
    indexes: tuple[Index, ...] = ()
    views: tuple[View, ...] = ()
    sequences: tuple[Sequence, ...] = ()
    enums: tuple[Enum, ...] = ()
    domains: tuple[Domain, ...] = ()
    composites: tuple[Composite, ...] = ()
    functions: tuple[Function, ...] = ()
    triggers: tuple[Trigger, ...] = ()
    event_triggers: tuple[EventTrigger, ...] = ()
    policies: tuple[Policy, ...] = ()
    grants: tuple[Grant, ...] = ()
    publications: tuple[Publication, ...] = ()
    rules: tuple[Rule, ...] = ()
    settings: tuple[Setting, ...] = ()
    statistics: tuple[Statistics, ...] = ()
    collations: tuple[Collation, ...] = ()
    casts: tuple[Cast, ...] = ()
    text_search_configurations: tuple[TextSearchConfiguration, ...] = ()
    text_search_dictionaries: tuple[TextSearchDictionary, ...] = ()
    operators: tuple[Operator, ...] = ()
    foreign_data_wrappers: tuple[ForeignDataWrapper, ...] = ()
    foreign_servers: tuple[ForeignServer, ...] = ()
    ranges: tuple[Range, ...] = ()
    managed_tables: tuple[ManagedTable, ...] = ()
    scope: str = "user"  # which objects were read (see scope_name); not part of the schema
    #: the normalised text of function bodies by their ``body_hash`` (not part of the schema: the hashes
    #: are): kept by snapshot files so that a comparison can show where a changed body differs
    bodies: Mapping[str, str] = field(default_factory=dict, compare=False)

    def objects(self, name: str) -> tuple[CatalogObject, ...]:
        """The objects of one kind (``"tables"``)."""
        value = getattr(self, name)
        assert isinstance(value, tuple)
        return value

    def counts(self) -> dict[str, int]:
        return {name: len(self.objects(name)) for name in OBJECT_KINDS}


# Snapshot fields that describe the snapshot rather than the schema (never compared).
META_FIELDS = frozenset({"source", "server_version", "scope", "bodies"})


def scope_name(include_managed_schemas: bool, include_extension_objects: bool) -> str:
    """What a snapshot covers: ``user``, ``user+managed``, ``user+extension-objects`` or both."""
    return (
        "user"
        + ("+managed" if include_managed_schemas else "")
        + ("+extension-objects" if include_extension_objects else "")
    )
