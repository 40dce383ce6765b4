"""The consolidation plan as frozen data.

A plan is what a human reviews before anything is generated: which tables are merged and how colliding
keys are handled, the canonical dimension of each embedding column and where values of other dimensions
go, which function variant or overload is kept, what happens to every SECURITY DEFINER function, which
indexes are added, how the clean set is split into domains, and the sha256 of every source file (so a
plan that no longer matches its directory is detected).

Choices and alternatives:

* merges, ``on_collision``: ``keep-both`` (default: the incoming row gets a new key and its origin is
  recorded in ``<target>_merge_origin``; how the key is renewed, and when it cannot be, is in
  :mod:`pgconsolidate.plan.keys`), ``prefer-target`` (the colliding source row is not inserted; it is
  kept in ``<source>_merge_unmerged``), ``prefer-source`` (the target row is overwritten; its old values are
  kept in ``<target>_merge_replaced``), ``fail`` (any collision aborts the fix).
* embeddings, ``other``: ``move`` (default: values of another dimension go to a column
  ``<column>_<dim>`` of their own dimension) or ``fail`` (the fix aborts when such values exist). Values
  are never nulled.
* definers, ``action``: ``invoker`` (default: ``SECURITY INVOKER``) or ``keep`` (stays a definer, with a
  pinned ``search_path`` and EXECUTE revoked from ``revoke_from``).
* objects the files create that the live database lacks (``files_only``), ``action``: ``leave-out``
  (default: the clean set describes the live database, without them; nothing changes there) or
  ``create`` (the fix creates them in the live database as the files define them; the clean set has them).
  The reverse, objects only the live database has, is ``live_only``: the clean set carries them.
"""

from __future__ import annotations

from dataclasses import dataclass

PLAN_VERSION = 1

COLLISION_STRATEGIES = ("keep-both", "prefer-target", "prefer-source", "fail")
OTHER_DIMENSION_ACTIONS = ("move", "fail")
DEFINER_ACTIONS = ("invoker", "keep")
INDEX_METHODS = ("btree", "gin", "hnsw", "ivfflat", "gist", "brin", "hash")
FILES_ONLY_ACTIONS = ("leave-out", "create")


@dataclass(frozen=True)
class SourceFile:
    """One file of the source directory and its sha256 when the plan was written."""

    path: str
    sha256: str


@dataclass(frozen=True)
class ColumnMap:
    """Where one target column's value comes from: a source column, or a SQL expression over ``s``
    (the source row), e.g. ``(SELECT a.owner_id FROM public.agents a WHERE a.id = s.agent_id)``."""

    target: str
    source: str | None = None
    expr: str | None = None


@dataclass(frozen=True)
class Merge:
    """Merge the rows of ``source`` into ``target`` (both ``schema.table``)."""

    source: str
    target: str
    key: str  # the key column, or a composite key's columns separated by commas ("tenant_id, id")
    key_type: str  # its type as planned (informative; the fix reads the target's columns)
    on_collision: str = "keep-both"
    drop_source: bool = True
    columns: tuple[ColumnMap, ...] = ()
    reason: str = ""
    fire_triggers: bool = False  # False: user triggers of the target are suspended while rows move


@dataclass(frozen=True)
class NotMerged:
    """Two similar tables the proposal does not merge, and why (key mismatch, incompatible types, a table
    already merged with a third, not built by a replay...). ``source``/``target``: how a merge of them
    would go (the target is the table more rows and foreign keys point at), ``key``: the target's key
    (empty when a table is missing from the schema the plan is made from: nothing to merge there).
    Written as comments with a ready-to-edit ``[[merge]]`` block; not read back from the TOML."""

    source: str
    target: str
    score: float | None
    reason: str
    key: str = "id"
    reported: bool = False  # the `similar-tables` rule of `analyze` reports this pair
    draft: Merge | None = None  # the merge as it would be proposed, written commented out, to edit

    @property
    def pair(self) -> frozenset[str]:
        return frozenset((self.source, self.target))


@dataclass(frozen=True)
class Embedding:
    """The canonical dimension of one vector column and what happens to values of other dimensions."""

    table: str
    column: str
    dimension: int
    type_name: str = "vector"
    other: str = "move"
    move_dimensions: tuple[int, ...] = ()  # each gets a column <column>_<dim>
    counts: tuple[tuple[int, int], ...] = ()  # (dimension, rows) seen in the live database
    reason: str = ""

    @property
    def identity(self) -> str:
        return f"{self.table}.{self.column}"

    def side_column(self, dim: int) -> str:
        return f"{self.column}_{dim}"


@dataclass(frozen=True)
class FunctionChoice:
    """One function with variants (several definitions) or ambiguous overloads: which one is kept."""

    name: str  # schema.name
    keep: str  # the identity kept: schema.name(argtypes)
    keep_from: str = "chain"  # "live": the live database's body, "chain": the last applied definition
    drop: tuple[str, ...] = ()  # overloads dropped by exact signature
    disable_files: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class Definer:
    """One SECURITY DEFINER function and what the fix does with it."""

    function: str  # schema.name(argtypes)
    action: str = "invoker"
    search_path: str | None = None  # pinned value when kept (None: leave as is)
    revoke_from: tuple[str, ...] = ("PUBLIC", "anon")
    reason: str = ""


@dataclass(frozen=True)
class IndexChoice:
    """An index the fix and the clean set add."""

    name: str
    table: str
    columns: tuple[str, ...]
    method: str = "btree"
    opclass: str | None = None
    reason: str = ""

    @property
    def identity(self) -> str:
        return f"{self.table.split('.')[0]}.{self.name}"


@dataclass(frozen=True)
class FilesOnly:
    """An object the migration files create that the live database does not have: a migration never
    applied there, or the object dropped by hand. ``kind``: the catalog kind (``table``, ``function``,
    ``policy``, ...). ``action``: ``leave-out`` (the default, the safe one for the live database: nothing
    there changes, and the clean set, which describes it, does not have the object, so a database built
    from the clean set lacks it too; the output and REPORT.md say so) or ``create`` (the fix creates the
    object in the live database as the replayed files define it, with its parts, grants and comments; the
    clean set then has it). The parts of a table listed here (columns, constraints, indexes, policies,
    triggers) come with it and are not listed themselves."""

    object: str
    kind: str
    action: str = "leave-out"
    reason: str = ""


@dataclass(frozen=True)
class Domain:
    """One file of the clean set: objects whose name matches one of ``patterns`` (fnmatch, on the
    unqualified name, or on ``schema.name`` for a pattern with a dot: ``public.memory*``, ``billing.*``);
    ``kinds`` limits the domain to kinds of objects (e.g. ``policy``). A proposal derives its domains from
    the project's schema (:mod:`pgconsolidate.plan.domains`)."""

    name: str
    patterns: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    lock_timeout: str = "5s"
    statement_timeout: str = "30min"
    archive_mode: str = "copy"  # "copy" into OUTDIR/archive, or "disabled": rename to .disabled
    history_table: str = "supabase_migrations.schema_migrations"


@dataclass(frozen=True)
class Plan:
    """A complete consolidation plan."""

    directory: str
    tool: str
    files: tuple[SourceFile, ...]
    settings: Settings = Settings()
    merges: tuple[Merge, ...] = ()
    embeddings: tuple[Embedding, ...] = ()
    functions: tuple[FunctionChoice, ...] = ()
    definers: tuple[Definer, ...] = ()
    indexes: tuple[IndexChoice, ...] = ()
    domains: tuple[Domain, ...] = ()
    live_only: tuple[str, ...] = ()  # objects found only in the live database, carried into the clean set
    files_only: tuple[FilesOnly, ...] = ()  # objects the files create that the live database lacks
    version: int = PLAN_VERSION
    #: what the proposal could not plan and why (written as comments; not read back from the TOML)
    notes: tuple[str, ...] = ()
    #: similar tables not proposed as a merge, with the reason (comments; not read back from the TOML)
    not_merged: tuple[NotMerged, ...] = ()

    def embedding_for(self, table: str, column: str) -> Embedding | None:
        for e in self.embeddings:
            if e.table == table and e.column == column:
                return e
        return None


#: the domains every plan has: extensions and schemas first, the fallback (pattern ``*``; it also takes
#: every type and domain, so types come before the tables using them), security last. A proposal adds the
#: project's own families between the fallback and security (:mod:`pgconsolidate.plan.domains`); a small
#: project, or a plan made by hand, can use just these.
DEFAULT_DOMAINS: tuple[Domain, ...] = (
    Domain("extensions", kinds=("extension", "schema")),
    Domain("initial_schema", patterns=("*",), kinds=("type", "domain")),
    Domain("security_policies", kinds=("policy", "grant", "acl", "default acl", "row security")),
)
