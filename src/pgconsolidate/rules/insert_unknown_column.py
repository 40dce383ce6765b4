"""Rule ``insert-unknown-column``: a function's body inserts into a column its table does not have."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pgconsolidate.model.types import Action, FunctionDef, ObjectKind, TableDef, TriggerDef
from pgconsolidate.rules._timeline import statement_of
from pgconsolidate.rules.finding import Severity
from pgconsolidate.rules.model_view import definition, loc
from pgconsolidate.rules.registry import Hit, RuleContext, rule

K = ObjectKind
_NAME = r'(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)'
#: ``INSERT INTO [schema.]table [AS alias] (col, ...)``: the column list names columns of that table only
_INSERT = re.compile(
    rf"\binsert\s+into\s+(?P<table>{_NAME}(?:\s*\.\s*{_NAME})?)(?:\s+as\s+{_NAME})?\s*\((?P<cols>[^()]*)\)",
    re.IGNORECASE,
)
_ONE = re.compile(rf"\s*({_NAME})\s*")
_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
#: how a table is made whose columns the model may not know all of
_OPAQUE_CREATES = frozenset({"CreateTableAsStmt", "SelectStmt"})


def _ident(name: str) -> str:
    name = name.strip()
    if name.startswith('"'):
        return name[1:-1].replace('""', '"')
    return name.lower()


def _path(detail: FunctionDef) -> tuple[str, ...]:
    """Where an unqualified table name resolves: the function's own ``SET search_path`` (its schemas that
    may hold tables), else ``public`` and the function's schema."""
    pinned = dict(detail.config).get("search_path")
    if pinned is None:
        return ("public",) if detail.schema == "public" else ("public", detail.schema)
    out = [_ident(p) for p in pinned.replace("'", "").split(",") if p.strip()]
    return tuple(p for p in out if p and p not in ("$user", "pg_catalog", "pg_temp"))


@rule(
    id="insert-unknown-column",
    severity=Severity.WARNING,
    help="Name the table's real columns in the INSERT (a CREATE OR REPLACE FUNCTION in a new migration), or "
    "add the missing column to the table (ALTER TABLE ... ADD COLUMN) if the function is right.",
)
def insert_unknown_column(ctx: RuleContext) -> Iterator[Hit]:
    """A function's body inserts into a column its table does not have at the end of the migrations.

    PostgreSQL does not check the statements of a PL/pgSQL body (nor of a SQL body written as a string)
    against the tables when the function is created: the migration applies, and the INSERT fails with
    42703 (column does not exist) each time it runs. In a trigger function on ``auth.users`` (the
    profile row made at signup) every signup then fails.

    Reported: a column no migration ever gave the table (one the chain dropped or renamed is reported by
    ``dangling-reference``, with the DROP). Read: the column list of each ``INSERT INTO table (col, ...)``
    of the final body of every function that exists at the end (comments left out), for a table the
    migrations create and that exists at the end, resolved through the function's own ``SET search_path``
    (else ``public`` and the function's schema). Not read: tables made by ``CREATE TABLE ... AS``,
    ``LIKE``, ``INHERITS`` or as a partition (their columns are not all known), tables the migrations never
    create (``auth.users``), dynamic SQL built at run time.
    """
    tables = {
        s.id: s
        for s in ctx.by_kind.get(K.TABLE, ())
        if s.exists and not s.external and isinstance(s.detail, TableDef)
    }
    if not tables:
        return
    runs: dict[str, list[str]] | None = None
    exists = ctx.schema.exists
    objects = ctx.schema.objects
    for kind in (K.FUNCTION, K.PROCEDURE):
        for state in ctx.by_kind.get(kind, ()):
            detail = state.detail
            if not state.exists or not isinstance(detail, FunctionDef):
                continue
            text = detail.body
            if ("nsert" not in text and "NSERT" not in text) or detail.language not in ("plpgsql", "sql"):
                continue  # (insert, Insert, INSERT: no lower-cased copy of every body)
            body = _COMMENT.sub(" ", text)
            missing: dict[str, list[str]] = {}
            for m in _INSERT.finditer(body):
                parts = [_ident(p) for p in re.split(r"\s*\.\s*", m["table"].strip(), maxsplit=1)]
                candidates = (
                    [".".join(parts)] if len(parts) == 2 else [f"{s}.{parts[0]}" for s in _path(detail)]
                )
                table = next((t for t in candidates if t in tables), None)
                if table is None or not _columns_known(ctx, tables[table].detail, table):
                    continue
                cols = m["cols"].split(",")
                if not all(_ONE.fullmatch(c) for c in cols):
                    continue  # not a plain column list
                for c in cols:
                    col = _ident(c)
                    # a column the chain dropped or renamed is dangling-reference's (it names the DROP)
                    if f"{table}.{col}" in objects or col in missing.get(table, []):
                        continue
                    if not exists(f"{table}.{col}"):
                        missing.setdefault(table, []).append(col)
            if not missing:
                continue
            made = definition(state)
            if made is None:
                continue
            if runs is None:
                runs = {}
                for t in ctx.by_kind.get(K.TRIGGER, ()):
                    if t.exists and isinstance(t.detail, TriggerDef):
                        runs.setdefault(t.detail.function, []).append(t.id)
            callers = sorted(runs.get(state.id, ()))
            tail = f"; trigger {', '.join(callers)} runs it" if callers else ""
            for table, cols in sorted(missing.items()):
                shown = ", ".join(cols)
                what = "columns" if len(cols) > 1 else "a column"
                yield Hit(
                    f"{state.id} inserts into {table} ({shown}), {what} the table does not have: the INSERT "
                    f"fails with 42703 (column does not exist) each time it runs{tail}",
                    loc(made),
                    (loc(tables[table].events[0]),),
                    (state.id, table),
                )


def _columns_known(ctx: RuleContext, detail: object, table: str) -> bool:
    """True when the model knows every column of ``table``: not made by CREATE TABLE AS, LIKE, INHERITS
    or as a partition."""
    if not isinstance(detail, TableDef) or detail.like or detail.inherits or detail.partition_of:
        return False
    state = ctx.schema.objects[table]
    for e in state.events:
        if e.action in (Action.CREATE, Action.CREATE_OR_REPLACE):
            st = statement_of(ctx, e)
            if st is None or st.kind in _OPAQUE_CREATES:
                return False
    return True
