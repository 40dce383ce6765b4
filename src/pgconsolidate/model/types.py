"""The object model of a migrations directory, as frozen data.

Every statement has zero or more :class:`Effect` records (create, alter, rename, drop, grant, ...) on
objects named by string identities (see the shared conventions: ``public.memories``,
``public.memories.embedding``, ``public.search_memories(text, integer)``, ``public.memories.owner_read``
for policies, triggers and constraints, the bare name for schemas and extensions). Folding the effects in
applied order gives a :class:`Schema`: each object's final :class:`ObjectState` and its timeline.

Pure data: no database, no disk. Detail records describe an object as its defining statement says; an
ALTER carries a :class:`Change` that the fold applies to the current detail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from pgconsolidate.model.texthash import layout_hash
from pgconsolidate.statements.records import record

if TYPE_CHECKING:
    from pgconsolidate.sources.model import MigrationDir
    from pgconsolidate.statements.model import FileStatements

#: Schemas whose types print without a schema in identities (pg_catalog, public, extension schemas).
UNQUALIFIED_TYPE_SCHEMAS = frozenset({"pg_catalog", "public", "extensions", ""})

#: Types whose typmod is a vector dimension count.
VECTOR_TYPES = frozenset({"vector", "halfvec", "sparsevec", "bit"})


class ObjectKind(StrEnum):
    """What an identity names."""

    SCHEMA = "schema"
    EXTENSION = "extension"
    TABLE = "table"
    COLUMN = "column"
    CONSTRAINT = "constraint"
    INDEX = "index"
    VIEW = "view"
    MATERIALIZED_VIEW = "materialized-view"
    SEQUENCE = "sequence"
    TYPE = "type"  # composite type
    ENUM = "enum"
    DOMAIN = "domain"
    FUNCTION = "function"
    PROCEDURE = "procedure"
    AGGREGATE = "aggregate"
    TRIGGER = "trigger"
    EVENT_TRIGGER = "event-trigger"
    POLICY = "policy"
    ROLE = "role"
    PUBLICATION = "publication"
    OTHER = "other"

    @property
    def is_relation(self) -> bool:
        """Tables, views, materialized views, sequences and indexes share one namespace."""
        return self in _RELATIONS

    @property
    def is_routine(self) -> bool:
        return self in _ROUTINES


_RELATIONS = frozenset(
    {ObjectKind.TABLE, ObjectKind.VIEW, ObjectKind.MATERIALIZED_VIEW, ObjectKind.SEQUENCE, ObjectKind.INDEX}
)
_ROUTINES = frozenset({ObjectKind.FUNCTION, ObjectKind.PROCEDURE, ObjectKind.AGGREGATE})


class Action(StrEnum):
    """What a statement does to an object."""

    CREATE = "create"
    CREATE_OR_REPLACE = "create-or-replace"
    ALTER = "alter"
    RENAME = "rename"
    DROP = "drop"
    ENABLE_RLS = "enable-rls"
    DISABLE_RLS = "disable-rls"
    FORCE_RLS = "force-rls"
    NO_FORCE_RLS = "no-force-rls"
    GRANT = "grant"
    REVOKE = "revoke"
    COMMENT = "comment"
    OWNER = "owner"
    INSERT = "insert"  # reference data
    UPDATE = "update"
    DELETE = "delete"
    TRUNCATE = "truncate"
    REFRESH = "refresh"  # REFRESH MATERIALIZED VIEW
    DYNAMIC = "dynamic"  # a DO block or function runs SQL the model cannot see (EXECUTE of a string)


_E = TypeVar("_E", bound=StrEnum)


def members(enum: type[_E]) -> type[_E]:
    """A plain class holding ``enum``'s members as class attributes, for hot code that reads members:
    ``A = members(Action)``, then ``A.CREATE is Action.CREATE``.

    In Python 3.11 reading a member off its Enum class (``Action.CREATE``) goes through the enum
    metaclass's attribute hook and costs about 0.3 µs, several times a plain class attribute; in a
    loop over hundreds of thousands of effects that adds up to seconds. The result is typed as the enum
    so members keep their type; use it only to read members (it cannot be iterated or called)."""
    plain: Any = type(f"{enum.__name__}Members", (), dict(enum.__members__))
    return plain  # type: ignore[no-any-return]


#: The actions that define an object.
DEFINING_ACTIONS = frozenset({Action.CREATE, Action.CREATE_OR_REPLACE})


@record(order=True)
class SourceRef:
    """Where an effect comes from: a statement of a file (1-based line and column)."""

    file: str
    line: int
    column: int = 1
    statement_index: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@record
class TypeRef:
    """A type as written, normalised to PostgreSQL's names (``int4`` → ``integer``).

    ``schema`` is empty for built-in types and unqualified names resolved to pg_catalog/public.
    ``typmods`` are the modifiers as text (``("1536",)``, ``("10", "2")``); ``array_dims`` the number
    of ``[]``.
    """

    name: str
    schema: str = ""
    typmods: tuple[str, ...] = ()
    array_dims: int = 0

    @property
    def qualified_name(self) -> str:
        """The name, with its schema unless it prints without one."""
        if self.schema in UNQUALIFIED_TYPE_SCHEMAS:
            return self.name
        return f"{self.schema}.{self.name}"

    @property
    def display(self) -> str:
        """As ``format_type(oid, typmod)`` prints it: ``vector(1536)``, ``numeric(10,2)``, ``text[]``."""
        base = self.qualified_name
        if self.typmods:
            mods = "(" + ",".join(self.typmods) + ")"
            if base.startswith(("timestamp ", "time ")):
                head, _, tail = base.partition(" ")
                base = f"{head}{mods} {tail}"
            elif base == "interval" and not self.typmods[0].isdigit():
                base = f"interval {self.typmods[0]}"
            else:
                base += mods
        return base + "[]" * self.array_dims

    @property
    def signature(self) -> str:
        """As it appears in a function identity: no typmods (``vector``, ``character varying[]``)."""
        # qualified_name's body, inline (read for every argument of every routine identity)
        schema = self.schema
        base = self.name if schema in UNQUALIFIED_TYPE_SCHEMAS else f"{schema}.{self.name}"
        dims = self.array_dims
        return base + "[]" * dims if dims else base

    @property
    def vector_dims(self) -> int | None:
        """The dimension count of a vector/halfvec/sparsevec/bit type, None when absent or not a vector."""
        if self.name in VECTOR_TYPES and self.typmods and self.typmods[0].isdigit():
            return int(self.typmods[0])
        return None

    @property
    def is_vector(self) -> bool:
        """True for pgvector's vector, halfvec and sparsevec."""
        return self.name in ("vector", "halfvec", "sparsevec")

    def __str__(self) -> str:
        return self.display


@record
class ColumnDef:
    """A table column. ``default``, ``generated`` and ``identity`` hold expression text or a keyword."""

    table: str  # table identity
    name: str
    type: TypeRef
    not_null: bool = False
    default: str | None = None
    identity: str | None = None  # "always" / "by default"
    generated: str | None = None  # the stored generation expression
    collation: str | None = None
    primary_key: bool = False  # declared inline (also recorded as a ConstraintDef)

    @property
    def id(self) -> str:
        return f"{self.table}.{self.name}"


@record
class ConstraintDef:
    """A table constraint. ``type`` is ``primary-key``, ``foreign-key``, ``unique``, ``check``,
    ``exclude`` or ``not-null``."""

    table: str
    name: str
    type: str
    columns: tuple[str, ...] = ()
    ref_table: str | None = None  # foreign keys: referenced table identity
    ref_columns: tuple[str, ...] = ()
    on_delete: str | None = None
    on_update: str | None = None
    expression: str | None = None  # check / exclude
    deferrable: bool = False
    not_valid: bool = False

    @property
    def id(self) -> str:
        return f"{self.table}.{self.name}"


@record
class TableDef:
    """A table (RLS flags are updated by the fold)."""

    schema: str
    name: str
    unlogged: bool = False
    partitioned: bool = False
    partition_of: str | None = None
    inherits: tuple[str, ...] = ()
    like: tuple[str, ...] = ()  # CREATE TABLE ... (LIKE source): columns copied at creation
    rls: bool = False
    force_rls: bool = False
    owner: str | None = None
    comment: str | None = None

    @property
    def id(self) -> str:
        return f"{self.schema}.{self.name}"


@record
class IndexDef:
    """An index. ``columns`` holds a column name or the expression text for each key."""

    schema: str
    name: str
    table: str  # table identity
    method: str = "btree"
    columns: tuple[str, ...] = ()
    opclasses: tuple[str | None, ...] = ()
    unique: bool = False
    concurrently: bool = False
    where: str | None = None
    include: tuple[str, ...] = ()
    options: tuple[tuple[str, str], ...] = ()  # WITH (m = 16, ...)
    primary: bool = False
    constraint: bool = False  # created by a UNIQUE / PRIMARY KEY constraint

    @property
    def id(self) -> str:
        return f"{self.schema}.{self.name}"


@record
class ArgDef:
    """A routine argument. ``mode`` is ``in``, ``out``, ``inout``, ``variadic`` or ``table``."""

    name: str | None
    type: TypeRef
    mode: str = "in"
    default: str | None = None

    @property
    def in_signature(self) -> bool:
        """True when the argument is part of the routine's identity."""
        return self.mode in ("in", "inout", "variadic")


class RoutineRefs:
    """What a routine body references (``uses``) and whether it EXECUTEs strings (``dynamic``).

    Reading a body's references means parsing the body again (PL/pgSQL, then the SQL inside it), and few
    consumers need them, so they are computed on first access: ``compute(*args)`` (a module-level
    function, so the record pickles) returns ``(uses, dynamic)``; the result is cached and the inputs
    released. Equality and hashing compare the computed values, as the eager fields they replace did.
    """

    __slots__ = ("_args", "_compute", "_value")

    def __init__(
        self,
        compute: Callable[..., tuple[tuple[str, ...], bool]] | None = None,
        args: tuple[Any, ...] = (),
        value: tuple[tuple[str, ...], bool] | None = None,
    ) -> None:
        self._compute = compute
        self._args = args
        self._value = value if value is not None or compute is not None else ((), False)

    @classmethod
    def known(cls, uses: tuple[str, ...] = (), dynamic: bool = False) -> RoutineRefs:
        """References already computed."""
        return cls(None, (), (uses, dynamic))

    @property
    def value(self) -> tuple[tuple[str, ...], bool]:
        """``(uses, dynamic)``, computed now if not yet."""
        value = self._value
        if value is None:
            assert self._compute is not None
            value = self._value = self._compute(*self._args)
            self._compute, self._args = None, ()
        return value

    @property
    def uses(self) -> tuple[str, ...]:
        return self.value[0]

    @property
    def dynamic(self) -> bool:
        return self.value[1]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RoutineRefs):
            return NotImplemented
        return self is other or self.value == other.value

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        uses, dynamic = self.value
        return f"RoutineRefs(uses={uses!r}, dynamic={dynamic!r})"

    def __getstate__(self) -> tuple[Any, ...]:
        return (self._compute, self._args, self._value)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self._compute, self._args, self._value = state


#: A routine whose body references nothing.
NO_REFS = RoutineRefs.known()


@record
class FunctionDef:
    """A function or procedure.

    ``returns`` is the result as written (normalised: ``SETOF public.memories``, ``TABLE(id uuid, ...)``,
    ``trigger``, ``void``); ``return_type`` the TypeRef of a scalar/SETOF result (None for TABLE results
    and procedures). ``config`` holds ``SET name = value`` pairs (``search_path``). ``body_hash`` hashes
    the body with whitespace and comments normalised (computed when asked for: a property, not a field,
    since the body decides it and few callers want it). ``uses`` lists the objects the body references,
    when it parses (best effort), and ``dynamic_sql`` whether it EXECUTEs strings: both read from
    ``refs`` (a :class:`RoutineRefs`, computed on first access).
    """

    schema: str
    name: str
    args: tuple[ArgDef, ...] = ()
    returns: str = "void"
    returns_set: bool = False
    return_type: TypeRef | None = None
    language: str = "sql"
    volatility: str = "volatile"
    security_definer: bool = False
    strict: bool = False
    leakproof: bool = False
    parallel: str | None = None
    config: tuple[tuple[str, str], ...] = ()
    body: str = ""
    is_procedure: bool = False
    owner: str | None = None
    refs: RoutineRefs = NO_REFS

    @property
    def body_hash(self) -> str:
        """A hash of the body with whitespace and comments normalised (:func:`texthash.layout_hash`)."""
        return layout_hash(self.body)

    @property
    def uses(self) -> tuple[str, ...]:
        """The objects the body references (best effort)."""
        return self.refs.value[0]

    @property
    def dynamic_sql(self) -> bool:
        """True when the body EXECUTEs strings."""
        return self.refs.value[1]

    @property
    def signature(self) -> str:
        """``name(argtypes)`` per the shared convention."""
        return f"{self.name}({', '.join(a.type.signature for a in self.args if a.in_signature)})"

    @property
    def id(self) -> str:
        return f"{self.schema}.{self.signature}"

    @property
    def search_path(self) -> str | None:
        """The pinned ``search_path``, if the function sets one."""
        for key, value in self.config:
            if key == "search_path":
                return value
        return None

    @property
    def result_columns(self) -> tuple[ArgDef, ...]:
        """OUT / TABLE arguments (the result row of ``RETURNS TABLE`` functions)."""
        return tuple(a for a in self.args if a.mode in ("out", "inout", "table"))


@record
class ViewDef:
    """A view or materialized view; ``query`` is the defining SELECT as written."""

    schema: str
    name: str
    query: str = ""
    materialized: bool = False
    columns: tuple[str, ...] = ()
    options: tuple[tuple[str, str], ...] = ()  # security_invoker, security_barrier, ...
    check_option: str | None = None
    with_data: bool = True
    uses: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.schema}.{self.name}"


@record
class PolicyDef:
    """A row-level security policy. ``command`` is ``all``, ``select``, ``insert``, ``update`` or
    ``delete``; ``using``/``with_check`` the expression texts."""

    table: str
    name: str
    command: str = "all"
    permissive: bool = True
    roles: tuple[str, ...] = ("public",)
    using: str | None = None
    with_check: str | None = None

    @property
    def id(self) -> str:
        return f"{self.table}.{self.name}"


@record
class TriggerDef:
    """A trigger: ``timing`` ``before``/``after``/``instead of``; ``events`` like ``("insert", "update")``."""

    table: str
    name: str
    function: str  # function identity (trigger functions take no arguments: ``public.f()``)
    timing: str = "after"
    events: tuple[str, ...] = ()
    for_each_row: bool = False
    when: str | None = None
    update_columns: tuple[str, ...] = ()
    constraint: bool = False

    @property
    def id(self) -> str:
        return f"{self.table}.{self.name}"


@record
class GrantDef:
    """GRANT or REVOKE of privileges on one object to roles. ``privileges`` are lower case (``select``,
    ``all``, ``execute``, ``usage``); ``columns`` restricts table privileges to columns; ``role_grant``
    marks ``GRANT role TO role``."""

    object_kind: ObjectKind
    object_id: str
    privileges: tuple[str, ...]
    grantees: tuple[str, ...]
    grant_option: bool = False
    columns: tuple[str, ...] = ()
    revoke: bool = False


@record
class DefaultPrivilegesDef:
    """ALTER DEFAULT PRIVILEGES: privileges future objects of ``object_type`` in ``schemas`` get."""

    object_type: str  # table, function (also routines), sequence, type, schema, large-object
    schemas: tuple[str, ...]
    privileges: tuple[str, ...]
    grantees: tuple[str, ...]
    for_roles: tuple[str, ...] = ()
    revoke: bool = False
    grant_option: bool = False  # WITH GRANT OPTION; on a revoke: REVOKE GRANT OPTION FOR (option only)


@record
class ExtensionDef:
    name: str
    schema: str | None = None
    version: str | None = None
    cascade: bool = False


@record
class SchemaDef:
    name: str
    owner: str | None = None


@record
class EnumDef:
    schema: str
    name: str
    labels: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.schema}.{self.name}"


@record
class CompositeTypeDef:
    schema: str
    name: str
    attributes: tuple[tuple[str, TypeRef], ...] = ()

    @property
    def id(self) -> str:
        return f"{self.schema}.{self.name}"


@record
class DomainDef:
    schema: str
    name: str
    base_type: TypeRef
    not_null: bool = False
    default: str | None = None
    checks: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.schema}.{self.name}"


@record
class SequenceDef:
    schema: str
    name: str
    options: tuple[tuple[str, str], ...] = ()
    owned_by: str | None = None  # column identity

    @property
    def id(self) -> str:
        return f"{self.schema}.{self.name}"


@record
class InsertDef:
    """Rows a migration inserts (reference data). ``rows`` is the VALUES row count (-1 for
    INSERT ... SELECT); ``on_conflict`` is ``nothing``, ``update`` or None."""

    table: str
    columns: tuple[str, ...]
    rows: int
    text: str
    on_conflict: str | None = None
    from_select: bool = False


@record
class Change:
    """What an ALTER changes on an object's detail: ``attribute`` is a field name of the detail record
    (``type``, ``default``, ``not_null``, ``security_definer``, ``config``, ``owner``, ``volatility``,
    ``labels``, ...) and ``value`` its new value. ``add_config``/``reset_config`` edit
    ``FunctionDef.config``; ``add_label`` appends an enum label."""

    attribute: str
    value: Any = None


@record
class DynamicSql:
    """A DO block or routine body that runs SQL the model may not see. ``statements`` holds the
    EXECUTE'd string literals and embedded statements that could be read."""

    statements: tuple[str, ...] = ()
    opaque: bool = True  # True when some EXECUTE'd SQL is built at run time


@record
class Effect:
    """One effect of one statement on one object.

    ``detail`` is the object's detail record for CREATE / CREATE OR REPLACE (``TableDef``,
    ``ColumnDef``, ``FunctionDef``, ...), a :class:`Change` for ALTER, a :class:`GrantDef` for
    GRANT/REVOKE, the comment text (or None) for COMMENT, an :class:`InsertDef` for INSERT.
    ``new_id`` is the identity after a RENAME. ``uses`` lists the identities of objects the statement
    needs to exist when it runs (types, tables, functions, extensions, schemas): a vector/halfvec column
    uses the extension (``vector``), a function called in a default or policy is ``schema.name(*)``
    (any overload). Objects a function *body* references are in ``FunctionDef.uses`` instead, since
    PostgreSQL only resolves them when the function runs. ``conditional`` is True when the effect comes
    from a DO block (or an IF branch in it) that may not run. An identity ending in ``(*)`` names a
    routine without its arguments (``DROP FUNCTION f``); the fold resolves it to the only overload.
    """

    action: Action
    kind: ObjectKind
    id: str
    ref: SourceRef
    detail: Any = None
    new_id: str | None = None
    if_not_exists: bool = False
    or_replace: bool = False
    if_exists: bool = False
    cascade: bool = False
    uses: tuple[str, ...] = ()
    conditional: bool = False


@record
class ObjectState:
    """An object after folding: its final detail, whether it exists at the end, and its timeline
    (every effect that touched it, in applied order, including those under former names)."""

    id: str
    kind: ObjectKind
    detail: Any
    exists: bool
    events: tuple[Effect, ...]
    parent: str | None = None  # the table of a column, constraint, index, policy or trigger
    external: bool = False  # touched by the migrations but never created by them (e.g. auth.users)
    if TYPE_CHECKING:
        __slots__: ClassVar[tuple[str, ...]]  # made by @record (the fold's mutable twin copies them)

    @property
    def created(self) -> Effect | None:
        """The last CREATE / CREATE OR REPLACE event."""
        for e in reversed(self.events):
            if e.action in DEFINING_ACTIONS:
                return e
        return None

    @property
    def defined_in(self) -> tuple[Effect, ...]:
        """Every CREATE / CREATE OR REPLACE event (one per definition)."""
        return tuple(e for e in self.events if e.action in DEFINING_ACTIONS)

    @property
    def files(self) -> tuple[str, ...]:
        """The files that touched the object, in applied order, each once."""
        return tuple(dict.fromkeys(e.ref.file for e in self.events))


@dataclass(frozen=True, slots=True)
class Schema:
    """The folded final state of a migrations directory.

    ``objects`` maps every identity ever seen to its :class:`ObjectState` (``exists`` False for
    dropped ones). ``grants`` lists the GRANT/REVOKE effects in applied order; ``privileges`` the
    resulting privileges: (object id, grantee) → privileges (``ALL`` expanded; ``GRANT ... ON ALL
    TABLES IN SCHEMA`` expanded to the tables existing at that point). ``default_privileges`` the ALTER
    DEFAULT PRIVILEGES effects.
    """

    objects: Mapping[str, ObjectState] = field(default_factory=dict, hash=False)
    grants: tuple[Effect, ...] = ()
    privileges: Mapping[tuple[str, str], frozenset[str]] = field(default_factory=dict, hash=False)
    default_privileges: tuple[Effect, ...] = ()
    dynamic: tuple[Effect, ...] = ()  # DO blocks / bodies running SQL the model cannot see
    comments: Mapping[str, str] = field(default_factory=dict, hash=False)  # object id → COMMENT text
    data: tuple[Effect, ...] = ()  # INSERT / UPDATE / DELETE / TRUNCATE effects (reference data)

    def get(self, oid: str) -> ObjectState | None:
        return self.objects.get(oid)

    def exists(self, oid: str) -> bool:
        state = self.objects.get(oid)
        return state is not None and state.exists

    def of_kind(self, *kinds: ObjectKind, existing: bool = True) -> Iterator[ObjectState]:
        """Objects of the given kinds (only those that exist at the end, unless ``existing`` is False)."""
        for state in self.objects.values():
            if state.kind in kinds and (state.exists or not existing):
                yield state

    def children(self, table: str, kind: ObjectKind | None = None) -> Iterator[ObjectState]:
        """Existing columns / constraints / indexes / policies / triggers of ``table``."""
        for state in self.objects.values():
            if state.parent == table and state.exists and (kind is None or state.kind == kind):
                yield state

    def columns(self, table: str) -> tuple[ColumnDef, ...]:
        """The existing columns of ``table``, in creation order."""
        return tuple(s.detail for s in self.children(table, ObjectKind.COLUMN))

    def tables(self) -> Iterator[ObjectState]:
        return self.of_kind(ObjectKind.TABLE)

    def functions(self) -> Iterator[ObjectState]:
        return self.of_kind(ObjectKind.FUNCTION, ObjectKind.PROCEDURE)


@record
class FileEffects:
    """The effects of one file's statements, in order."""

    file: str
    effects: tuple[Effect, ...]


@record
class Analysis:
    """The result of analysing a directory: files, their statements and parse failures, the effects of
    every statement and the folded schema."""

    mdir: MigrationDir
    files: tuple[FileStatements, ...]
    effects: tuple[FileEffects, ...]
    schema: Schema

    def all_effects(self) -> Iterator[Effect]:
        """Every effect, in applied order."""
        for fe in self.effects:
            yield from fe.effects
