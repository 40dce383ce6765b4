"""Rule ``destructive-change``: a statement deletes data that an earlier file's table may hold in
production (DROP TABLE / COLUMN / SCHEMA … CASCADE, TRUNCATE, DELETE without WHERE, a column type
changed with USING or to a narrower type)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pgconsolidate.model.types import (
    DEFINING_ACTIONS,
    Action,
    Change,
    ColumnDef,
    Effect,
    ObjectKind,
    ObjectState,
    TypeRef,
)
from pgconsolidate.rules._timeline import Pos, births, pos, statement_effects, statement_of
from pgconsolidate.rules.finding import Severity
from pgconsolidate.rules.model_view import loc
from pgconsolidate.rules.nodes import body, strings, walk
from pgconsolidate.rules.registry import Hit, RuleContext, rule
from pgconsolidate.statements.model import Statement

K = ObjectKind
_DROP = Action.DROP
_ALTER = Action.ALTER
_TRUNCATE = Action.TRUNCATE
_DELETE = Action.DELETE
_UPDATE = Action.UPDATE
_INSERT = Action.INSERT
_CREATE = Action.CREATE
_RENAME = Action.RENAME
_KINDS = frozenset({"DropStmt", "AlterTableStmt", "TruncateStmt", "DeleteStmt"})
_WARNING = Severity.WARNING

#: Integer-like types from the widest to the narrowest (a change to a later one may not fit).
_INTEGER_RANK = {"numeric": 4, "bigint": 3, "integer": 2, "smallint": 1}
_FLOAT_RANK = {"double precision": 2, "real": 1}
_TEXT = frozenset({"text", "character varying", "character", "bpchar", "citext"})
_DATETIME_RANK = {"timestamp with time zone": 2, "timestamp without time zone": 2, "date": 1}


def _narrower(old: TypeRef, new: TypeRef) -> str | None:
    """Why ``new`` may not hold every value of ``old`` (None when it can, or when it is not known)."""
    if old.array_dims != new.array_dims:
        return None
    a, b = old.name, new.name
    mods_a, mods_b = old.typmods, new.typmods
    if (
        a in _TEXT
        and b in ("character varying", "character")
        and mods_b
        and mods_b[0].isdigit()
        and (not mods_a or (mods_a[0].isdigit() and int(mods_b[0]) < int(mods_a[0])))
    ):
        return f"longer values are refused (22001): {new.display} holds fewer characters"
    if (
        a == b
        and a in ("vector", "halfvec", "sparsevec", "bit", "bit varying")
        and mods_a
        and mods_b
        and mods_a != mods_b
    ):
        return f"every value of the old dimension ({mods_a[0]}) is refused (22000)"
    if a == b == "numeric" and mods_a and mods_b and mods_a != mods_b:
        p_a, s_a = int(mods_a[0]), int(mods_a[1]) if len(mods_a) > 1 else 0
        p_b, s_b = int(mods_b[0]), int(mods_b[1]) if len(mods_b) > 1 else 0
        if s_b < s_a:
            return "digits after the point are rounded away"
        if p_b - s_b < p_a - s_a:
            return "larger values are refused (22003)"
    if a in _INTEGER_RANK and b in _INTEGER_RANK and _INTEGER_RANK[b] < _INTEGER_RANK[a]:
        return "values out of its range are refused (22003)" + (
            "; fractions are rounded" if a == "numeric" else ""
        )
    if a in _FLOAT_RANK and b in _INTEGER_RANK and b != "numeric":
        return "fractions are rounded and large values refused"
    if a in _FLOAT_RANK and b in _FLOAT_RANK and _FLOAT_RANK[b] < _FLOAT_RANK[a]:
        return "values are rounded to real's 6 significant digits"
    if a == "numeric" and b in _FLOAT_RANK:
        return f"values are rounded to {b}'s {15 if b == 'double precision' else 6} significant digits"
    if a in _TEXT and b not in _TEXT and not new.typmods and b not in ("json", "jsonb", "xml"):
        return f"values that do not read as {new.display} are refused"
    if a in _DATETIME_RANK and b in _DATETIME_RANK and _DATETIME_RANK[b] < _DATETIME_RANK[a]:
        return "the time of day is dropped"
    if (
        a == b
        and a.startswith(("timestamp", "time ", "interval"))
        and mods_b
        and mods_b[0].isdigit()
        and (not mods_a or (mods_a[0].isdigit() and int(mods_b[0]) < int(mods_a[0])))
    ):
        return "fractions of a second are rounded away"
    return None


class _Tables:
    """Who made each table the rule asks about, and what its columns were (computed on demand)."""

    def __init__(self, ctx: RuleContext) -> None:
        self.ctx = ctx
        self.order = ctx.file_index()
        self._columns: dict[str, list[ObjectState]] | None = None

    def earlier(self, table: str, e: Effect) -> Effect | None:
        """The CREATE of ``table`` in force at ``e`` when an earlier file made it, else None."""
        made = births(self.ctx).made_at(table, pos(self.order, e))
        return made if made is not None and made.ref.file != e.ref.file else None

    def columns(self, table: str, at: Pos) -> list[str]:
        """``name type`` of the columns ``table`` has just before ``at`` (every column state that ever
        had it as its table, replayed)."""
        if self._columns is None:
            by_parent: dict[str, list[ObjectState]] = {}
            for s in self.ctx.by_kind.get(K.COLUMN, ()):
                for e in s.events:
                    d = e.detail
                    if isinstance(d, ColumnDef):
                        by_parent.setdefault(d.table, []).append(s)
                        break
            self._columns = by_parent
        out: list[str] = []
        for s in self._columns.get(table, ()):
            shown = _column_at(s, at, self.order)
            if shown is not None:
                out.append(shown)
        return out


def _column_at(state: ObjectState, at: Pos, order: dict[str, int]) -> str | None:
    """``name type`` of a column just before ``at``, None when it did not exist then."""
    shown: str | None = None
    for e in state.events:
        if pos(order, e) >= at:
            break
        d = e.detail
        if e.action in DEFINING_ACTIONS and isinstance(d, ColumnDef):
            shown = f"{d.name} {d.type.display}"
        elif e.action is _DROP:
            shown = None
        elif e.action is _ALTER and isinstance(d, Change) and d.attribute == "type" and shown is not None:
            shown = f"{shown.split(' ', 1)[0]} {d.value}"
        elif e.action is _RENAME and e.new_id and shown is not None:
            shown = f"{e.new_id.rpartition('.')[2]} {shown.split(' ', 1)[1]}"
    return shown


def _column_history(state: ObjectState | None, e: Effect) -> tuple[Effect | None, TypeRef | None]:
    """(the CREATE of the column in force just before ``e``, its type then)."""
    made: Effect | None = None
    type_: TypeRef | None = None
    if state is None:
        return None, None
    for ev in state.events:
        if ev is e or ev.ref == e.ref:
            break
        d = ev.detail
        if ev.action in DEFINING_ACTIONS and isinstance(d, ColumnDef):
            made, type_ = ev, d.type
        elif ev.action is _DROP:
            made, type_ = None, None
        elif (
            ev.action is _ALTER
            and isinstance(d, Change)
            and d.attribute == "type"
            and isinstance(d.value, TypeRef)
        ):
            type_ = d.value
    return made, type_


def _copied(ctx: RuleContext, table: str, drop: Effect) -> bool:
    """True when the drop's file copies the table's rows elsewhere first (``INSERT INTO x SELECT … FROM
    t``, ``CREATE TABLE x AS SELECT … FROM t``)."""
    return any(
        e.kind is K.TABLE
        and e.id != table
        and (e.action is _INSERT or e.action is _CREATE)
        and table in e.uses
        and e.ref.statement_index < drop.ref.statement_index
        for e in ctx.effects_of(drop.ref.file)
    )


def _column_copied(ctx: RuleContext, table: str, column: str, since: Pos, drop: Effect) -> bool:
    """True when, since the column was added (``since``) and before the drop, a statement of any file
    copies its values: an UPDATE of ``table`` setting a column from it (``UPDATE t SET new =
    old::int``), an UPDATE of another table setting a column from it (``UPDATE x SET c = t.old FROM t``),
    or an INSERT into another table reading ``table`` (``INSERT INTO x SELECT … FROM t``)."""
    order = ctx.file_index()
    until = pos(order, drop)
    for e in ctx.schema.data:
        if not since < pos(order, e) < until:
            continue
        if e.action is _INSERT and e.id != table and table in e.uses:
            return True
        # an UPDATE of the table itself, or of another table reading it (UPDATE x SET c = t.col FROM t)
        if e.action is not _UPDATE:
            continue
        st = statement_of(ctx, e)
        if st is None or st.kind != "UpdateStmt" or (e.id != table and not _reads(st, table)):
            continue
        for target in body(st).get("targetList") or ():
            rt = target.get("ResTarget", {})
            if e.id == table and rt.get("name") == column:
                continue
            for key, fields in walk(rt.get("val") or {}):
                if key == "ColumnRef" and strings(fields.get("fields"))[-1:] == [column]:
                    return True
    return False


def _reads(st: Statement, table: str) -> bool:
    """True when the FROM list of an UPDATE names ``table`` (``schema.name``; unqualified: by its name)."""
    schema, _, name = table.rpartition(".")
    for key, fields in walk(body(st).get("fromClause") or []):
        if key == "RangeVar" and fields.get("relname") == name and fields.get("schemaname") in (None, schema):
            return True
    return False


def _using(st: Statement, column: str) -> bool:
    """True when the statement's ``ALTER COLUMN column TYPE`` has a USING clause that does more than
    cast the column to its new type (``USING c::t`` converts as the bare change does)."""
    for cmd in body(st).get("cmds") or ():
        c: dict[str, Any] = cmd.get("AlterTableCmd", {})
        if c.get("subtype") == "AT_AlterColumnType" and c.get("name") == column:
            expr = (c.get("def") or {}).get("ColumnDef", {}).get("raw_default")
            if not expr:
                return False
            while "TypeCast" in expr:
                expr = expr["TypeCast"].get("arg") or {}
            ref = expr.get("ColumnRef")
            return not (ref is not None and strings(ref.get("fields"))[-1:] == [column])
    return False


def _shown(columns: list[str], limit: int = 6) -> str:
    if not columns:
        return ""
    head = ", ".join(columns[:limit])
    more = f", and {len(columns) - limit} more" if len(columns) > limit else ""
    return f" ({len(columns)} column{'s' if len(columns) != 1 else ''}: {head}{more})"


@rule(
    id="destructive-change",
    severity=Severity.INFO,
    help="If the data is still needed, copy it first (INSERT INTO archive SELECT ... / a new column "
    "filled by UPDATE) or take a backup before deploying; if the loss is intended, silence the finding "
    "on the statement with `-- pgconsolidate: ignore destructive-change` so the next reader knows.",
)
def destructive_change(ctx: RuleContext) -> Iterator[Hit]:
    """A statement deletes data that a table made by an earlier file may hold in production: ``DROP
    TABLE``, ``DROP COLUMN``, ``DROP SCHEMA … CASCADE``, ``TRUNCATE``, ``DELETE`` without ``WHERE``,
    or ``ALTER COLUMN … TYPE`` with a ``USING`` clause or to a narrower type.

    On a fresh replay these tables are empty, so nothing is lost and nothing shows it. Wherever the file
    runs on a database with data — production applying it, or a consolidation that keeps it — the rows
    or values are gone, and no later migration can bring them back. The message says what is lost: the
    table and its columns, the column and its type, every row, or how the type change treats the
    values (refused when they do not fit, which fails the migration; rounded or cut, which loses part
    of them silently; rewritten by the ``USING`` expression).

    Severity: ``info`` for DROP TABLE, DROP COLUMN and DROP SCHEMA … CASCADE — the statement says what
    it destroys, it is usually deliberate, and as warnings they would drown the real risks of every
    project that ever dropped a column; the finding makes the loss visible in the report and in a
    consolidation, where the dropped object simply never appears. ``warning`` for the losses a reader
    easily misses: TRUNCATE and DELETE without WHERE (every row, the table stays), and type changes
    (values refused, rounded, cut or rewritten). Not reported: objects made in the same file (they hold
    nothing yet), ``DROP … IF EXISTS`` of a table no earlier file made (not ours to judge), a table
    whose rows the same file first copies elsewhere (``INSERT … SELECT``, ``CREATE TABLE … AS``), a
    column whose values were copied since it was added (``UPDATE t SET new = old::int``, ``INSERT INTO
    x SELECT … FROM t``, ``UPDATE x SET c = t.old FROM t``, in any file), and a table dropped and created
    again (``table-recreated`` reports it).
    """
    candidates = [
        st
        for fs in ctx.files
        for st in fs.statements
        if (kind := st.kind) in _KINDS
        and (
            kind != "AlterTableStmt"
            or "DROP" in (text := st.text)
            or "drop" in text
            or "TYPE" in text
            or "type" in text
            or "Drop" in text
            or "Type" in text
        )
    ]
    if not candidates:
        return
    tables = _Tables(ctx)
    recreated: set[tuple[str, str, int]] | None = None
    objects = ctx.schema.objects
    for st in candidates:
        for e in statement_effects(ctx, st):
            kind, action = e.kind, e.action
            if e.conditional:
                continue
            if kind is K.TABLE and action is _DROP:
                made = tables.earlier(e.id, e)
                if made is None or _copied(ctx, e.id, e):
                    continue
                if recreated is None:
                    from pgconsolidate.rules.table_recreated import find_recreated

                    recreated = {
                        (r.table, r.dropped.ref.file, r.dropped.ref.line) for r in find_recreated(ctx)
                    }
                if (e.id, e.ref.file, e.ref.line) in recreated:
                    continue
                cols = _shown(tables.columns(e.id, pos(tables.order, e)))
                yield Hit(
                    f"DROP TABLE {e.id} deletes the table and every row it holds{cols}; it was created "
                    f"at {loc(made)}",
                    loc(e),
                    (loc(made),),
                    (e.id,),
                )
            elif kind is K.SCHEMA and action is _DROP and e.cascade:
                lost = [
                    s.id
                    for s in ctx.by_kind.get(K.TABLE, ())
                    if any(ev is e for ev in s.events) and tables.earlier(s.id, e) is not None
                ]
                if lost:
                    shown = ", ".join(sorted(lost)[:8]) + (
                        f", and {len(lost) - 8} more" if len(lost) > 8 else ""
                    )
                    yield Hit(
                        f"DROP SCHEMA {e.id} CASCADE deletes the {len(lost)} table"
                        f"{'s' if len(lost) != 1 else ''} earlier files made in it, and every row: {shown}",
                        loc(e),
                        (),
                        (e.id, *sorted(lost)),
                    )
            elif kind is K.COLUMN and (action is _DROP or action is _ALTER):
                table, _, column = e.id.rpartition(".")
                if tables.earlier(table, e) is None:
                    continue
                col_made, old = _column_history(objects.get(e.id), e)
                if col_made is None or col_made.ref.file == e.ref.file or old is None:
                    continue  # a column this file added holds nothing yet
                if action is _DROP:
                    since = pos(tables.order, col_made)
                    if _copied(ctx, table, e) or _column_copied(ctx, table, column, since, e):
                        continue  # the values were copied first (a new column, another table)
                    yield Hit(
                        f"DROP COLUMN {e.id} deletes the column and its value in every row ({column} "
                        f"{old.display}, added at {loc(col_made)})",
                        loc(e),
                        (loc(col_made),),
                        (e.id,),
                    )
                    continue
                d = e.detail
                if not (isinstance(d, Change) and d.attribute == "type" and isinstance(d.value, TypeRef)):
                    continue
                new = d.value
                why = _narrower(old, new)
                using = _using(st, column)
                if why is None and not using:
                    continue
                if using:
                    what = "every value is rewritten by the USING expression" + (
                        ", into a narrower type" if why is not None else ""
                    )
                else:
                    what = f"{why}, and the migration stops there" if "refused" in str(why) else str(why)
                yield Hit(
                    f"ALTER COLUMN {e.id} TYPE {new.display} (was {old.display}): {what}",
                    loc(e),
                    (loc(col_made),),
                    (e.id,),
                    _WARNING,
                )
            elif kind is K.TABLE and action is _TRUNCATE:
                made = tables.earlier(e.id, e)
                if made is None:
                    continue
                cascade = " (CASCADE: and every table referencing it)" if _cascade(st) else ""
                yield Hit(
                    f"TRUNCATE {e.id} deletes every row it holds{cascade}; it was created at {loc(made)}",
                    loc(e),
                    (loc(made),),
                    (e.id,),
                    _WARNING,
                )
            elif kind is K.TABLE and action is _DELETE:
                if body(st).get("whereClause"):
                    continue
                made = tables.earlier(e.id, e)
                if made is None:
                    continue
                yield Hit(
                    f"DELETE FROM {e.id} without WHERE deletes every row it holds; it was created at "
                    f"{loc(made)}",
                    loc(e),
                    (loc(made),),
                    (e.id,),
                    _WARNING,
                )


def _cascade(st: Statement) -> bool:
    return body(st).get("behavior") == "DROP_CASCADE"
