"""Rule ``not-null-without-default``: a NOT NULL column added, or SET NOT NULL, on a table that may hold
rows: a fresh replay passes (the table is empty there), production fails with 23502."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from operator import attrgetter

from pgconsolidate.model.types import (
    DEFINING_ACTIONS,
    Action,
    Change,
    ColumnDef,
    ConstraintDef,
    Effect,
    ObjectKind,
    ObjectState,
    TableDef,
)
from pgconsolidate.rules._timeline import Pos, pos, statement_of, table_made
from pgconsolidate.rules.finding import Location, Severity
from pgconsolidate.rules.model_view import loc
from pgconsolidate.rules.nodes import body
from pgconsolidate.rules.registry import Hit, RuleContext, rule

_COLUMN = ObjectKind.COLUMN
_CONSTRAINT = ObjectKind.CONSTRAINT
_TABLE = ObjectKind.TABLE
_ALTER = Action.ALTER
_DROP = Action.DROP
_RENAME = Action.RENAME
_INSERT = Action.INSERT
_UPDATE = Action.UPDATE


_STATEMENT_INDEX = attrgetter("ref.statement_index")


def _no_default(d: ColumnDef) -> bool:
    """True when a column is made without a value for the rows a table has: no default (or DEFAULT
    NULL), not identity, not generated."""
    default = d.default
    return (
        (default is None or default.strip().upper() == "NULL") and d.identity is None and d.generated is None
    )


def _history(ctx: RuleContext, column: str, e: Effect) -> tuple[bool, bool, Effect | None, bool]:
    """(whether the column exists, whether it is NOT NULL, the CREATE that made it, whether it has had a
    default other than NULL ever since) just before ``e`` (what the model's timeline of the column
    ``column``, an identity, says)."""
    state = ctx.schema.get(column)
    exists = not_null = defaulted = False
    made: Effect | None = None
    if state is None:
        return exists, not_null, made, defaulted
    order = ctx.file_index()
    at = pos(order, e)
    for ev in state.events:
        if ev is e or ev.ref == e.ref or pos(order, ev) >= at:
            break
        d = ev.detail
        if ev.action in DEFINING_ACTIONS and isinstance(d, ColumnDef):
            if ev.if_not_exists and exists:
                continue
            exists, not_null, made = True, d.not_null, ev
            defaulted = not _no_default(d)
        elif ev.action is _DROP:
            exists = not_null = defaulted = False
            made = None
        elif ev.action is _ALTER and isinstance(d, Change):
            if d.attribute == "not_null":
                not_null = bool(d.value)
            elif d.attribute == "default" and (d.value is None or str(d.value).strip().upper() == "NULL"):
                defaulted = False  # DROP DEFAULT: rows inserted since may hold NULL
    return exists, not_null, made, defaulted


def _sets_column(ctx: RuleContext, update: Effect, column: str) -> bool:
    """True when the UPDATE ``update`` sets ``column`` (or cannot be read: it counts as a backfill)."""
    st = statement_of(ctx, update)
    if st is None or st.kind != "UpdateStmt":
        return True
    for target in body(st).get("targetList") or ():
        rt = target.get("ResTarget", {})
        if rt.get("name") == column:
            return True
    return False


def _may_leave_null(insert: Effect, column: str) -> bool:
    """True when an INSERT may leave ``column`` NULL: its column list, when it has one, does not name it."""
    columns = getattr(insert.detail, "columns", ())
    return bool(columns) and column not in columns


def _backfilled(ctx: RuleContext, table: str, since: Pos, until: Pos, column: str) -> bool:
    """True when an UPDATE of ``table`` setting ``column`` comes between ``since`` (the column was
    added) and ``until``, in any file: the backfill, whether it shipped with the SET NOT NULL or in a
    migration before it."""
    order = ctx.file_index()
    return any(
        f.kind is _TABLE
        and f.action is _UPDATE
        and f.id == table
        and since < pos(order, f) < until
        and _sets_column(ctx, f, column)
        for f in ctx.schema.data
    )


@rule(
    id="not-null-without-default",
    severity=Severity.WARNING,
    help="Add a DEFAULT (ADD COLUMN c type NOT NULL DEFAULT ...), or add the column nullable, fill it "
    "(UPDATE t SET c = ... WHERE c IS NULL), then ALTER COLUMN c SET NOT NULL; for SET NOT NULL, fill "
    "the NULLs first in the same migration.",
)
def not_null_without_default(ctx: RuleContext) -> Iterator[Hit]:
    """A NOT NULL column added without a default, or ``ALTER COLUMN … SET NOT NULL``, on a table an
    earlier file created: it passes on a fresh database and fails in production.

    On a fresh replay the table is empty, so ``ALTER TABLE t ADD COLUMN c text NOT NULL`` (no
    ``DEFAULT``, or ``DEFAULT NULL``) and ``ALTER COLUMN c SET NOT NULL`` (or ``ADD PRIMARY KEY (c)``
    on a nullable column, which sets it NOT NULL) succeed. On a database where
    ``t`` has rows — production applying the file — every existing row would get NULL (or already has
    one), and PostgreSQL refuses the statement (``23502 column "c" … contains null values``): the
    deploy stops at this migration. A table created in the same file holds nothing yet and is not
    reported, unless the file inserts rows into it before the statement. Not reported either: identity,
    generated and serial columns (they fill themselves), a column that is already NOT NULL, a SET NOT
    NULL after an ``UPDATE`` of the column since it was added (the usual backfill, in the same file or
    an earlier one), a column that has had a default ever since it was added (every row got it; only an
    explicit NULL could be there), and statements in DO blocks (they usually check first). The finding
    is at the ALTER TABLE; the CREATE TABLE is related.
    """
    order = ctx.file_index()
    effects_of = ctx.effects_of
    # the first look, on the statements' kind and text (substring tests, no copy): an ALTER TABLE that
    # may say NOT NULL or PRIMARY KEY in the usual spellings (the effects decide)
    candidates = [
        st
        for fs in ctx.files
        for st in fs.statements
        if st.kind == "AlterTableStmt"
        and (
            "NULL" in (text := st.text)
            or "null" in text
            or "Null" in text
            or "PRIMARY" in text
            or "primary" in text
            or "Primary" in text
        )
    ]
    if not candidates:
        return
    # the tables any statement inserts into
    filled = {f.id for f in ctx.schema.data if f.action is _INSERT}
    objects = ctx.schema.objects
    for st in candidates:
        effects = effects_of(st.file)
        k = st.index
        # the statement's effects, from its last one back (most often the last ones of the file)
        if effects and effects[-1].ref.statement_index == k:
            i = len(effects) - 1
        else:
            i = bisect_left(effects, k + 1, key=_STATEMENT_INDEX) - 1
        while i >= 0:
            e = effects[i]
            i -= 1
            if e.ref.statement_index != k:
                break
            kind = e.kind
            if e.conditional or (kind is not _COLUMN and kind is not _CONSTRAINT):
                continue
            d = e.detail
            key: ConstraintDef | None = None
            if kind is _CONSTRAINT:
                # ADD PRIMARY KEY (c): sets c NOT NULL
                if (
                    e.action not in DEFINING_ACTIONS
                    or not isinstance(d, ConstraintDef)
                    or d.type != "primary-key"
                ):
                    continue
                key = d
                targets = [(False, d.table, c) for c in d.columns]
            elif e.action in DEFINING_ACTIONS and isinstance(d, ColumnDef) and d.not_null and _no_default(d):
                targets = [(True, d.table, d.name)]
            elif e.action is _ALTER and isinstance(d, Change) and d.attribute == "not_null" and d.value:
                table, _, column = e.id.rpartition(".")
                targets = [(False, table, column)]
            else:
                continue
            for adding, table, column in targets:
                state = objects.get(table)
                if state is not None:
                    # the usual case: the table was made earlier in this file and nothing filled it
                    first = state.events[0]
                    if (
                        first.ref.file == st.file
                        and first.ref.statement_index < k
                        and first.action in DEFINING_ACTIONS
                        and not first.uses
                        and table not in filled
                    ):
                        continue
                    if _made_here_empty(state, e, adding, column):
                        continue
                made, inserts = table_made(ctx, table, pos(order, e))
                if made is None:
                    continue  # no table of the chain by that name: not ours to judge
                hit = _hit(ctx, e, adding, table, column, made, inserts, key)
                if hit is not None:
                    yield hit


def _made_here_empty(state: ObjectState, e: Effect, adding: bool, column: str) -> bool:
    """True when the table's first event is its CREATE earlier in ``e``'s file, and nothing until
    ``e`` inserted rows that may leave the column NULL, dropped or renamed it (a quick answer from the
    table's timeline; False sends the statement to the full look-up)."""
    events = state.events
    first = events[0]
    ref = e.ref
    file, k = ref.file, ref.statement_index
    if first.action not in DEFINING_ACTIONS or first.ref.file != file or first.ref.statement_index >= k:
        return False
    if _from_query(first):
        return False  # made with the rows of a query
    for ev in events:
        r = ev.ref
        if r.file != file or r.statement_index >= k:
            break
        action = ev.action
        if action is _INSERT and (adding or _may_leave_null(ev, column)):
            return False
        if action is _DROP or action is _RENAME:
            return False
    return True


def _first_create(ctx: RuleContext, table: str, made: Effect) -> bool:
    """True when ``made`` is the first event of the table's timeline (nothing before it had the name)."""
    state = ctx.schema.objects.get(table)
    return state is not None and bool(state.events) and state.events[0] is made


def _from_query(made: Effect) -> bool:
    """True when a CREATE TABLE makes the table from a query (``CREATE TABLE … AS SELECT … FROM t``:
    the rows come with it): it reads other tables, and not as a partition, a LIKE or a child."""
    d = made.detail
    return bool(made.uses) and isinstance(d, TableDef) and not (d.partition_of or d.like or d.inherits)


def _hit(
    ctx: RuleContext,
    e: Effect,
    adding: bool,
    table: str,
    column: str,
    made: Effect,
    inserts: list[Effect],
    key: ConstraintDef | None = None,
) -> Hit | None:
    """The finding of an ADD COLUMN (``adding``), SET NOT NULL or ADD PRIMARY KEY (``key``) ``e`` on
    ``table``, made by ``made`` (``inserts``: the INSERTs into it since), None when nothing can be NULL
    there."""
    filler: Effect | None = None
    from_query = _from_query(made)
    if made.ref.file == e.ref.file and not from_query:
        filler = next((f for f in inserts if adding or _may_leave_null(f, column)), None)
        if filler is None:
            return None  # the table was made by this file and nothing filled it
    exists, not_null, column_made, defaulted = _history(ctx, f"{table}.{column}", e)
    if key is not None and not exists:
        return None  # a column the model does not know: PostgreSQL would say
    if adding and e.if_not_exists and exists:
        return None  # ADD COLUMN IF NOT EXISTS of a column that is there: skipped
    if not adding and not_null:
        return None  # already NOT NULL: nothing to check
    related: list[Location] = [loc(made)]
    if from_query and made.ref.file == e.ref.file:
        tail = f"the table is created from a query at {loc(made)}, with the rows it returns"
    elif filler is not None:
        related.append(loc(filler))
        tail = f"the table is created at {loc(made)}, but {loc(filler)} inserts rows into it first"
    else:
        tail = f"{table} was created at {loc(made)} and may hold rows"
    d = e.detail
    if adding:
        shown = d.type.display if isinstance(d, ColumnDef) else ""
        what = "PRIMARY KEY" if isinstance(d, ColumnDef) and d.primary_key else "NOT NULL"
        message = (
            f"ALTER TABLE {table} ADD COLUMN {column} {shown} {what} without a default fails (23502) "
            f"wherever the table has a row; a fresh replay passes (the table is empty): {tail}"
        )
    else:
        order = ctx.file_index()
        since = pos(order, column_made) if column_made is not None else (-1, -1)
        if _backfilled(ctx, table, since, pos(order, e), column):
            return None
        if defaulted:
            return None  # a default since it was added: rows got it (only an explicit NULL could be there)
        what = (
            f"ADD PRIMARY KEY ({', '.join(key.columns)}) makes {column} NOT NULL: it"
            if key is not None
            else f"ALTER COLUMN {column} SET NOT NULL"
        )
        message = (
            f"ALTER TABLE {table} {what} fails (23502) wherever a row "
            f"of the table has {column} NULL, and no UPDATE since the column was added fills it; a "
            f"fresh replay passes: {tail}"
        )
    return Hit(message, loc(e), tuple(related), (f"{table}.{column}",))
