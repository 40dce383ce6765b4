"""Rule ``dangling-reference``: a function body names a table, column, sequence or function that the
chain dropped or renamed."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import filterfalse
from operator import attrgetter
from typing import Any

from pgconsolidate.model.extract.bodies import _parse_many, _plpgsql_parse, _walk_plpgsql
from pgconsolidate.model.types import (
    DEFINING_ACTIONS,
    Action,
    Effect,
    FunctionDef,
    ObjectKind,
    ObjectState,
    TriggerDef,
)
from pgconsolidate.rules._timeline import statement_of
from pgconsolidate.rules.finding import Severity
from pgconsolidate.rules.mentions import words
from pgconsolidate.rules.model_view import definition, loc
from pgconsolidate.rules.nodes import EXTENSION_CALLS, body, strings
from pgconsolidate.rules.registry import Hit, RuleContext, rule
from pgconsolidate.statements.model import Statement

K = ObjectKind
_DROP = Action.DROP
_EXISTS = attrgetter("exists")
_RENAME = Action.RENAME
#: Relations a body can read or write (indexes cannot be named in a query).
_RELATION_KINDS = (K.TABLE, K.VIEW, K.MATERIALIZED_VIEW, K.SEQUENCE)
_ROUTINE_KINDS = (K.FUNCTION, K.PROCEDURE, K.AGGREGATE)
#: The kinds of objects that can have a parent (``ObjectState.parent``: a table's, or an owning column's).
_CHILD_KINDS = (K.COLUMN, K.CONSTRAINT, K.POLICY, K.TRIGGER, K.INDEX, K.SEQUENCE)
_KIND_WORD = {
    K.TABLE: "table",
    K.VIEW: "view",
    K.MATERIALIZED_VIEW: "materialized view",
    K.SEQUENCE: "sequence",
    K.FUNCTION: "function",
    K.PROCEDURE: "procedure",
    K.AGGREGATE: "aggregate",
    K.COLUMN: "column",
}
#: What calling the function fails with when the name is missing, by what the name is.
_FAILS = {
    "relation": "42P01 (relation does not exist)",
    "column": "42703 (column does not exist)",
    "routine": "42883 (function does not exist)",
}
_QUERY_KINDS = frozenset({"SelectStmt", "InsertStmt", "UpdateStmt", "DeleteStmt"})
#: FROM items whose columns the model does not know.
_OPAQUE_FROM = frozenset({"RangeFunction", "RangeSubselect", "RangeTableFunc", "JsonTable"})
#: Statements inside a body that create a relation (``CREATE TEMP TABLE``): its name is then the body's.
_CREATING = {"CreateStmt": ("relation",), "ViewStmt": ("view",), "CreateSeqStmt": ("sequence",)}
_SEQUENCE_CALLS = frozenset({"nextval", "currval", "setval"})
#: Names PL/pgSQL defines in every function (trigger functions: NEW, OLD, TG_*).
_IMPLICIT = frozenset(
    {"found", "new", "old", "tg_op", "tg_name", "tg_when", "tg_level", "tg_table_name", "tg_table_schema"}
    | {"tg_relid", "tg_relname", "tg_nargs", "tg_argv", "tg_event", "tg_tag", "sqlstate", "sqlerrm"}
)
#: The target of a PL/pgSQL assignment (``x :=``, ``new.col =``, ``arr[1] :=``).
_ASSIGNED = re.compile(r"\s*[^:=]*?:?=")


@dataclass(frozen=True, slots=True)
class Gone:
    """An object the chain made and then dropped or renamed, that does not exist at the end."""

    id: str
    kind: ObjectKind
    event: Effect  # the DROP or RENAME that made it disappear
    renamed_to: str | None = None


@dataclass
class _Index:
    """The gone objects of a directory and what exists at the end, for name resolution."""

    relations: dict[str, Gone]  # schema.name
    routines: dict[str, Gone]  # schema.name (any arguments)
    columns: dict[str, dict[str, Gone]]  # existing table id → column name → gone column
    live_routines: frozenset[str]  # schema.name of every routine at the end
    words: frozenset[bytes]  # :attr:`direct` and the names of the tables of ``columns``
    direct: frozenset[bytes]  # the gone relations' and routines' names (lower-cased words)
    column_words: dict[bytes, frozenset[bytes]]  # a table's name → its gone columns' names


def _disappearance(state: ObjectState) -> Effect | None:
    """The DROP or RENAME that made ``state`` (which does not exist at the end) disappear, when the chain
    made it (created it, or renamed it, which a missing object does not survive); else None."""
    events = state.events
    for e in reversed(events):
        action = e.action
        if action is _DROP:
            made = any(x.action in DEFINING_ACTIONS for x in events)
            return e if made else None
        if action is _RENAME and e.new_id and e.new_id != state.id:
            return e
    return None


def _gone_index(ctx: RuleContext) -> _Index | None:
    """What :class:`_Index` holds, or None when the chain leaves nothing dropped or renamed.

    Most objects exist at the end: those that do not are picked out by a C-level filter, and columns
    and sequences only when some child of a table is gone (on a 10,000-file directory with nothing
    dropped this is all the rule does, in a few milliseconds)."""
    by_kind = ctx.by_kind
    schema = ctx.schema
    # the children of tables (and owned sequences) all exist when the context's index of existing
    # children holds as many as there are objects of those kinds (one len per table, no object read)
    children_gone = sum(map(len, ctx.children.values())) != sum(len(by_kind.get(k, ())) for k in _CHILD_KINDS)
    relations: dict[str, Gone] = {}
    for kind in _RELATION_KINDS if children_gone else _RELATION_KINDS[:-1]:
        for s in filterfalse(_EXISTS, by_kind.get(kind, ())):
            if (e := _disappearance(s)) is not None:
                relations[s.id] = Gone(s.id, s.kind, e, e.new_id if e.action is _RENAME else None)
    routines: dict[str, Gone] = {}
    for kind in _ROUTINE_KINDS:
        for s in filterfalse(_EXISTS, by_kind.get(kind, ())):
            if (e := _disappearance(s)) is not None:
                name = s.id.split("(", 1)[0]
                new = e.new_id.split("(", 1)[0] if e.action is _RENAME and e.new_id else None
                routines[name] = Gone(name, s.kind, e, new)
    live: frozenset[str] = frozenset()
    if routines:  # another overload of the name may still be there
        live = frozenset(
            s.id.split("(", 1)[0] for kind in _ROUTINE_KINDS for s in filter(_EXISTS, by_kind.get(kind, ()))
        )
        for name in live.intersection(routines):
            del routines[name]
    columns: dict[str, dict[str, Gone]] = {}
    order = ctx.file_index()
    for s in filterfalse(_EXISTS, by_kind.get(K.COLUMN, ()) if children_gone else ()):
        table = s.parent or s.id.rpartition(".")[0]
        if not schema.exists(table):
            continue  # its table went with it (or the model lost track of it): the table is the news
        e = _disappearance(s)
        # only the column's own DROP / RENAME: one that went with a table re-created since is uncertain
        if e is None or e.kind is not K.COLUMN or e.id != s.id:
            continue
        at = (order.get(e.ref.file, -1), e.ref.statement_index)
        tstate = schema.objects[table]
        if tstate.kind is not K.TABLE or any(
            x.action is _DROP and x.id == table and (order.get(x.ref.file, -1), x.ref.statement_index) > at
            for x in tstate.events
        ):
            continue
        name = s.id.rpartition(".")[2]
        columns.setdefault(table, {})[name] = Gone(
            s.id, K.COLUMN, e, e.new_id if e.action is _RENAME else None
        )
    if not relations and not routines and not columns:
        return None
    hidden = _dynamic_words(ctx)
    if hidden:  # what a DO block's EXECUTE of a built string may have made again is not known gone
        for gone in (relations, routines):
            for key in [k for k in gone if hidden.issuperset(_words(k.rpartition(".")[2]))]:
                del gone[key]
        for cols in columns.values():
            for key in [c for c in cols if hidden.issuperset(_words(c))]:
                del cols[key]
        columns = {t: cols for t, cols in columns.items() if cols}
        if not relations and not routines and not columns:
            return None
    names = [g.rpartition(".")[2] for g in (*relations, *routines)]
    direct = {w for n in names for w in _words(n)}
    column_words: dict[bytes, set[bytes]] = {}
    for table, cols in columns.items():
        table_words = _words(table.rpartition(".")[2])
        col_words = {w for c in cols for w in _words(c)}
        if len(table_words) == 1:
            column_words.setdefault(table_words[0], set()).update(col_words)
        else:  # a name of several words: its columns' names alone make a body worth reading
            direct.update(col_words)
    frozen = {t: frozenset(cols) for t, cols in column_words.items()}
    return _Index(
        relations, routines, columns, live, frozenset(direct).union(frozen), frozenset(direct), frozen
    )


def _worth_reading(index: _Index, text: str) -> bool:
    """True when ``text`` (a body) names a gone relation or routine, or a table with gone columns and
    one of them: a cheap test on its words before any parsing."""
    found = _words(text)
    if index.words.isdisjoint(found):
        return False
    named = set(found)
    if not index.direct.isdisjoint(named):
        return True
    column_words = index.column_words
    return any(not column_words[t].isdisjoint(named) for t in named.intersection(column_words))


def _dynamic_words(ctx: RuleContext) -> set[bytes]:
    """The words of the DO blocks that EXECUTE strings built at run time (``format(...)``): the model
    cannot tell what they create, so an object they name may exist again at the end."""
    out: set[bytes] = set()
    for e in ctx.schema.dynamic:
        if getattr(e.detail, "opaque", False) and (st := statement_of(ctx, e)) is not None:
            out.update(_words(st.text))
    return out


_NON_ASCII_WORD = re.compile(r"\w+")


def _words(text: str) -> list[bytes]:
    """The words of ``text`` lower-cased (:func:`pgconsolidate.rules.mentions.words`; any text)."""
    if text.isascii():
        return words(text)
    return [w.encode() for w in _NON_ASCII_WORD.findall(text.lower())]


def _path(detail: FunctionDef) -> tuple[str, ...]:
    """The schemas unqualified names resolve to in the body: the function's own ``SET search_path``,
    else ``public`` (the default ``"$user", public``; pg_catalog and pg_temp hold no object of the
    chain) and the function's own schema (a file that set its search_path to a schema before creating
    the function there is likely run by roles whose path has it too: a name found there is not
    reported)."""
    pinned = detail.search_path
    if pinned is None:
        return ("public",) if detail.schema == "public" else ("public", detail.schema)
    out = []
    for part in pinned.split(","):
        name = part.strip()
        if name.startswith('"') and name.endswith('"') and len(name) >= 2:
            name = name[1:-1].replace('""', '"')
        if name and name not in ("$user", "pg_catalog", "pg_temp"):
            out.append(name)
    return tuple(out)


def _query_sql(query: str, mode: int) -> str | None:
    """A PL/pgSQL expression as SQL that parses: statements as they are, expressions after ``SELECT``,
    assignments without their target (``x := e`` → ``SELECT e``); None for a type name."""
    if mode == 0:
        return query
    if mode >= 3:
        m = _ASSIGNED.match(query)
        return "SELECT " + (query[m.end() :] if m else query)
    if mode == 2:
        return "SELECT " + query
    return None


def _plpgsql_body(st: Statement) -> tuple[list[Any], set[str]] | None:
    """The parse trees of the SQL of a PL/pgSQL routine's body (dynamic SQL left out: only the
    expression that builds it is read) and the names its block declares (variables, parameters,
    records, labels); None when it does not parse."""
    tree = _plpgsql_parse(st.text)
    if not tree:
        return None
    queries: list[tuple[str, int, bool]] = []
    _walk_plpgsql(tree, queries, [])
    sqls = [s for q, m, _ in queries if q and (s := _query_sql(q, m)) is not None]
    names: set[str] = set()
    stack: list[Any] = [tree]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            for key, val in cur.items():
                if key in ("refname", "label") and isinstance(val, str):
                    names.add(val.lower())
                elif isinstance(val, (dict, list)):
                    stack.append(val)
        elif isinstance(cur, list):
            stack.extend(cur)
    return _statements(_parse_many(sqls)), names


def _statements(parsed: Iterable[Any]) -> list[Any]:
    """The statement trees of parsed SQL texts (``{"SelectStmt": {...}}``)."""
    return [raw.get("stmt") for tree in parsed for raw in tree.get("stmts", ()) if raw.get("stmt")]


def _is_range_var(key: str, fields: dict[str, Any]) -> bool:
    """True for a RangeVar: under its own key, or as the unwrapped target of INSERT / UPDATE / DELETE
    (``relname`` and ``relpersistence``, always printed; ``inh`` is left out for ``ONLY``)."""
    return key == "RangeVar" or ("relname" in fields and ("relpersistence" in fields or "inh" in fields))


def _rel_name(fields: dict[str, Any]) -> tuple[str | None, str]:
    return fields.get("schemaname") or None, str(fields.get("relname", ""))


def _walk(node: Any) -> Iterator[tuple[str, Any]]:
    """Every ``(key, value)`` of a JSON tree whose value is a dict, depth first."""
    stack = [node]
    while stack:
        cur = stack.pop()
        if type(cur) is dict:
            for k, v in cur.items():
                if type(v) is dict:
                    yield k, v
                    stack.append(v)
                elif type(v) is list:
                    stack.extend(v)
        elif type(cur) is list:
            stack.extend(cur)


class _Checker:
    """Resolves what one routine's body names against the final state and the gone objects."""

    def __init__(self, ctx: RuleContext, index: _Index, detail: FunctionDef, local: set[str]) -> None:
        self.exists = ctx.schema.exists
        self.objects = ctx.schema.objects
        self.children = ctx.children  # existing columns (and more) of each table
        self.index = index
        self.path = _path(detail)
        self.local = local  # variables, parameters, labels, the function's own name (lower-cased)
        self.found: dict[str, tuple[str, str, Gone]] = {}  # gone id → (verb, what it is, gone)
        self.created: set[str] = set()  # relations the body creates itself (temporary tables)

    # ---------------------------------------------------------------- names

    def relation(self, schema: str | None, name: str) -> tuple[str | None, Gone | None]:
        """(the existing relation ``schema.name`` resolves to, else None; the gone one it names, if any)."""
        if schema is not None:
            candidates: tuple[str, ...] = () if schema in ("pg_catalog", "pg_temp") else (f"{schema}.{name}",)
        elif name.startswith("pg_"):
            candidates = ()
        else:
            candidates = tuple(f"{s}.{name}" for s in self.path)
        for rid in candidates:
            if self.exists(rid):
                return rid, None
        gone = self.index.relations
        return None, next((gone[r] for r in candidates if r in gone), None)

    def routine(self, parts: list[str]) -> Gone | None:
        if not parts or len(parts) > 2 or parts[0] == "pg_catalog":
            return None
        name = parts[-1]
        if ".".join(parts) in EXTENSION_CALLS or name in EXTENSION_CALLS:
            return None
        candidates = (f"{parts[0]}.{name}",) if len(parts) == 2 else tuple(f"{s}.{name}" for s in self.path)
        live, gone = self.index.live_routines, self.index.routines
        if any(r in live for r in candidates):
            return None
        return next((gone[r] for r in candidates if r in gone), None)

    def note(self, verb: str, what: str, gone: Gone | None) -> None:
        if gone is not None and gone.id not in self.found:
            self.found[gone.id] = (verb, what, gone)

    # ---------------------------------------------------------------- statements

    def statement(self, stmt: dict[str, Any]) -> None:
        """Check one SQL statement of the body."""
        nodes = list(_walk(stmt))
        ctes = {str(v.get("ctename", "")) for k, v in nodes if k == "CommonTableExpr"}
        aliases: dict[str, set[tuple[str | None, str] | None]] = {}
        targets = {id(v.get("relation")) for k, v in nodes if k in ("InsertStmt", "UpdateStmt", "DeleteStmt")}
        for key, fields in nodes:
            if _is_range_var(key, fields) and "relname" in fields:
                schema, name = _rel_name(fields)
                alias = (fields.get("alias") or {}).get("aliasname")
                if schema is None and (name in ctes or name in self.created):
                    aliases.setdefault(alias or name, set()).add(None)
                    continue
                aliases.setdefault(alias or name, set()).add((schema, name))
                gone = self.relation(schema, name)[1]
                verb = "writes to" if id(fields) in targets else "reads"
                self.note(verb, "relation", gone)
            elif key in _OPAQUE_FROM:
                alias = (fields.get("alias") or {}).get("aliasname")
                if alias:
                    aliases.setdefault(alias, set()).add(None)
            elif key == "FuncCall" or key == "funccall":  # CALL p(): a FuncCall not named so
                parts = strings(fields.get("funcname"))
                self.note("calls", "routine", self.routine(parts))
                if parts and parts[-1] in _SEQUENCE_CALLS and len(parts) <= 2:
                    self._sequence_arg(fields.get("args"))
        if self.index.columns:
            self._columns(stmt, nodes, aliases, ctes)

    def body(self, trees: list[Any]) -> None:
        """Check the statements of a body."""
        self.created = {name for tree in trees for name in _created(tree)}
        for tree in trees:
            self.statement(tree)

    def _sequence_arg(self, args: list[Any] | None) -> None:
        """``nextval('name')``: the sequence the string names (a regclass constant, not dynamic SQL)."""
        if not args:
            return
        first = args[0]
        cast = first.get("TypeCast")
        if cast is not None:
            first = cast.get("arg") or {}
        const = first.get("A_Const", {}).get("sval")
        text = const.get("sval") if isinstance(const, dict) else None
        if not isinstance(text, str) or not text or '"' in text or text.count(".") > 1:
            return
        schema, _, name = text.rpartition(".")
        gone = self.relation(schema or None, name.lower())[1]
        if gone is not None and gone.kind is K.SEQUENCE:
            self.note("uses", "relation", gone)

    # ---------------------------------------------------------------- columns

    def _table(self, fields: dict[str, Any] | None) -> str | None:
        """The existing table a RangeVar names (None when it is not a table of the model)."""
        if not fields or not fields.get("relname"):
            return None
        rid, _ = self.relation(*_rel_name(fields))
        if rid is None or self.objects[rid].kind is not K.TABLE:
            return None
        return rid

    def _column(self, table: str | None, column: str, verb: str) -> None:
        if table is None:
            return
        gone = self.index.columns.get(table, {}).get(column)
        if gone is not None and not self.exists(f"{table}.{column}"):
            self.note(verb, "column", gone)

    def _columns(
        self,
        stmt: dict[str, Any],
        nodes: list[tuple[str, Any]],
        aliases: dict[str, set[tuple[str | None, str] | None]],
        ctes: set[str],
    ) -> None:
        """Columns named where their table is certain: ``alias.col`` / ``table.col`` with one table
        behind the name, the columns an INSERT or UPDATE sets, and a bare ``col`` in a query whose one
        FROM item is a table (not a variable, an output name, nor a column of another relation the
        statement reads)."""
        local = self.local
        # qualified names
        for key, fields in nodes:
            if key != "ColumnRef":
                continue
            parts: list[Any] = fields.get("fields") or []
            names = strings(parts)
            if len(names) != len(parts) or len(names) not in (2, 3):
                continue  # a bare name (below), a star, or more than schema.table.column
            if len(names) == 2:
                if names[0].lower() in local:
                    continue
                behind = aliases.get(names[0])
                if not behind or len(behind) != 1:
                    continue
                (rel,) = behind
                if rel is None:
                    continue
                table = self._table({"schemaname": rel[0], "relname": rel[1]})
            else:
                table = self._table({"schemaname": names[0], "relname": names[1]})
            self._column(table, names[-1], "reads")
        # what INSERT and UPDATE set
        outputs: set[str] = set()
        for key, fields in nodes:
            if key == "InsertStmt":
                table = self._table(fields.get("relation"))
                for rt in fields.get("cols") or ():
                    self._column(table, str(rt.get("ResTarget", {}).get("name", "")), "writes")
                conflict = fields.get("onConflictClause") or {}
                for ie in (conflict.get("infer") or {}).get("indexElems") or ():
                    name = ie.get("IndexElem", {}).get("name")
                    if name:
                        self._column(table, str(name), "reads")
                for rt in conflict.get("targetList") or ():
                    self._column(table, str(rt.get("ResTarget", {}).get("name", "")), "writes")
            elif key == "UpdateStmt":
                table = self._table(fields.get("relation"))
                for rt in fields.get("targetList") or ():
                    self._column(table, str(rt.get("ResTarget", {}).get("name", "")), "writes")
            elif key == "SelectStmt":
                for rt in fields.get("targetList") or ():
                    name = rt.get("ResTarget", {}).get("name")
                    if name:
                        outputs.add(str(name))
            elif key == "CommonTableExpr":
                outputs.update(strings(fields.get("aliascolnames")))
        # bare names
        known: bool | None = None  # every FROM item of the statement a table of the model
        readable: set[str] = set()  # the existing columns of those tables
        for rangevar, exprs, nested in _scopes(stmt):
            table_id = self._table(rangevar)
            if table_id is None or table_id not in self.index.columns:
                continue
            for name in _bare_names(exprs):
                if name.lower() in local or name in outputs or name in ctes:
                    continue
                if nested:
                    if known is None:
                        known, readable = self._known_from(nodes, ctes)
                    if not known or name in readable:
                        continue
                self._column(table_id, name, "reads")

    def _known_from(self, nodes: list[tuple[str, Any]], ctes: set[str]) -> tuple[bool, set[str]]:
        """Whether every FROM item of a statement is a table of the model, and their existing columns."""
        cols: set[str] = set()
        for key, fields in nodes:
            if key in _OPAQUE_FROM:
                return False, cols
            if _is_range_var(key, fields) and "relname" in fields:
                schema, name = _rel_name(fields)
                if schema is None and name in ctes:
                    return False, cols
                table = self._table(fields)
                if table is None:
                    return False, cols
                cols.update(
                    c.id.rpartition(".")[2] for c in self.children.get(table, ()) if c.kind is K.COLUMN
                )
        return True, cols


def _created(stmt: dict[str, Any]) -> set[str]:
    """Names of relations a statement creates (``CREATE TEMP TABLE x``, ``SELECT ... INTO x``)."""
    out: set[str] = set()
    for key, fields in _walk(stmt):
        for field in _CREATING.get(key, ()):
            rv = fields.get(field) or {}
            if rv.get("relname"):
                out.add(str(rv["relname"]))
        if key in ("into", "intoClause"):
            rv = fields.get("rel") or {}
            if rv.get("relname"):
                out.add(str(rv["relname"]))
    return out


def _scopes(stmt: dict[str, Any]) -> Iterator[tuple[dict[str, Any], list[Any], bool]]:
    """For each query of a statement whose columns come from one table: (the table's RangeVar,
    the expressions naming its columns, whether the query is inside another). A SELECT with one FROM
    item; an UPDATE without FROM; a DELETE without USING."""
    stack: list[tuple[Any, bool]] = [(stmt, False)]
    while stack:
        cur, nested = stack.pop()
        if type(cur) is list:
            stack.extend((x, nested) for x in cur)
            continue
        if type(cur) is not dict:
            continue
        for key, val in cur.items():
            if type(val) is not dict and type(val) is not list:
                continue
            if key in _QUERY_KINDS and type(val) is dict:
                scope = _scope(key, val)
                if scope is not None:
                    yield scope[0], scope[1], nested
                stack.append((val, True))
            else:
                stack.append((val, nested))


def _scope(kind: str, q: dict[str, Any]) -> tuple[dict[str, Any], list[Any]] | None:
    """(the RangeVar, the expressions) of one query of :func:`_scopes`, None when it reads several."""
    if kind == "SelectStmt":
        items: list[Any] = q.get("fromClause") or []
        if len(items) != 1 or "RangeVar" not in items[0]:
            return None
        exprs = [q.get(k) for k in ("targetList", "whereClause", "groupClause", "havingClause", "sortClause")]
        return items[0]["RangeVar"], exprs
    if kind == "UpdateStmt":
        if q.get("fromClause"):
            return None
        vals = [rt.get("ResTarget", {}).get("val") for rt in q.get("targetList") or ()]
        return q.get("relation") or {}, [vals, q.get("whereClause"), q.get("returningList")]
    if kind == "DeleteStmt":
        if q.get("usingClause"):
            return None
        return q.get("relation") or {}, [q.get("whereClause"), q.get("returningList")]
    return None


def _bare_names(exprs: Any) -> Iterator[str]:
    """The one-part column names of expressions, not those of queries nested in them (their own scope)."""
    stack = [exprs]
    while stack:
        cur = stack.pop()
        if type(cur) is list:
            stack.extend(cur)
        elif type(cur) is dict:
            for key, val in cur.items():
                if key == "ColumnRef":
                    parts: list[Any] = val.get("fields") or []
                    names = strings(parts)
                    if len(parts) == 1 and len(names) == 1:
                        yield names[0]
                elif key == "SubLink":
                    stack.append(val.get("testexpr"))
                elif key in _QUERY_KINDS:
                    continue
                elif type(val) is dict or type(val) is list:
                    stack.append(val)


def _body_statements(
    ctx: RuleContext, state: ObjectState, detail: FunctionDef, made: Effect
) -> tuple[list[Any], set[str]] | None:
    """The statement trees of a routine's body and its local names, or None when it is not read: a
    SQL-standard body (``BEGIN ATOMIC`` / ``RETURN``: PostgreSQL records what it names, so a DROP
    fails and a RENAME follows), another language, a body that does not parse."""
    st = statement_of(ctx, made)
    if st is None or st.kind != "CreateFunctionStmt":
        return None  # e.g. made by a DO block
    local = {a.name.lower() for a in detail.args if a.name}
    local.add(detail.name.lower())
    if made.detail is not None and isinstance(made.detail, FunctionDef):
        local.add(made.detail.name.lower())
    if detail.language == "plpgsql":
        read = _plpgsql_body(st)
        if read is None:
            return None
        trees, names = read
        return trees, local | names | _IMPLICIT
    if detail.language == "sql":
        if body(st).get("sql_body"):
            return None
        return _statements(_parse_many([detail.body])), local
    return None


def _triggers(ctx: RuleContext) -> dict[str, list[str]]:
    """The existing triggers that run each function (function id → trigger ids, sorted)."""
    out: dict[str, list[str]] = {}
    for t in ctx.of_kind(K.TRIGGER):
        d = t.detail
        if isinstance(d, TriggerDef):
            out.setdefault(d.function, []).append(t.id)
    for ids in out.values():
        ids.sort()
    return out


def _describe(gone: Gone, index: _Index) -> str:
    """``dropped at f:l`` / ``which f:l renamed to x`` (and what became of ``x``)."""
    where = loc(gone.event)
    if gone.renamed_to is None:
        return f", dropped at {where}"
    text = f", which {where} renamed to {gone.renamed_to}"
    later = (index.relations if gone.kind is not K.COLUMN else {}).get(gone.renamed_to) or (
        index.routines.get(gone.renamed_to) if gone.kind in _ROUTINE_KINDS else None
    )
    if later is not None and later.renamed_to is None:
        text += f" (dropped at {loc(later.event)})"
    return text


@rule(
    id="dangling-reference",
    severity=Severity.WARNING,
    help="Update the function's body to the object's new name (a CREATE OR REPLACE FUNCTION in a new "
    "migration), or recreate the object the body needs; if the function is no longer used, drop it.",
)
def dangling_reference(ctx: RuleContext) -> Iterator[Hit]:
    """A function's body names a table, view, sequence, column or function that the chain dropped or
    renamed, and that does not exist at the end.

    PostgreSQL does not record what a PL/pgSQL body or a SQL body written as a string names, so the
    ``DROP`` or ``RENAME`` succeeds, every migration applies, and the function fails only when it is
    called — in production, from a trigger, a policy, a column default or a scheduled job (42P01, 42703,
    42883). The finding points at the statement that made the function's final body, and lists the
    DROP or RENAME.

    Only functions that exist at the end are read, and a name is reported only when it resolves,
    through the function's own ``SET search_path`` (else ``public`` and the function's schema), to an
    object the chain made and that is gone at the end (not created again, under any kind of relation;
    a function: no overload of the name left; not named by a DO block that EXECUTEs a string built at
    run time, which may have made it again). Names of variables, parameters, records and their fields
    (``NEW.col``), labels, CTEs, aliases and tables the body creates itself are not references. A
    column counts only where its table is certain: qualified by a table or by an alias of one table,
    set by INSERT or UPDATE, or bare in a query whose one FROM item is that table (and in a subquery,
    no other table of the statement has the column). A sequence counts when ``nextval('name')`` names
    it.

    Not read: dynamic SQL (``EXECUTE`` of a string, ``format(...)``) and other strings (a pg_cron
    job's command), bodies in other languages, and SQL-standard bodies (``BEGIN ATOMIC`` / ``RETURN``),
    whose references PostgreSQL records itself (the DROP fails, a RENAME follows).
    """
    index = _gone_index(ctx)
    if index is None:
        return
    runs: dict[str, list[str]] | None = None  # function id → the triggers that run it (made when needed)
    by_kind = ctx.by_kind
    for kind in _ROUTINE_KINDS[:2]:  # existing functions and procedures (the runner sorts the findings)
        for state in filter(_EXISTS, by_kind.get(kind, ())):
            read = _read(ctx, index, state)
            if read is None:
                continue
            made, found = read
            if runs is None:
                runs = _triggers(ctx)
            callers = runs.get(state.id)
            tail = f"; trigger {', '.join(callers)} runs it" if callers else ""
            where = loc(made)
            for gone_id in sorted(found):
                verb, what, gone = found[gone_id]
                label = f"{_KIND_WORD.get(gone.kind, str(gone.kind))} {gone.id}{_describe(gone, index)}"
                yield Hit(
                    f"{state.id} {verb} {label}: calling it fails with {_FAILS[what]}{tail}",
                    where,
                    (loc(gone.event),),
                    (state.id, gone.id),
                )


def _read(
    ctx: RuleContext, index: _Index, state: ObjectState
) -> tuple[Effect, dict[str, tuple[str, str, Gone]]] | None:
    """(the statement that made the routine's final body, what it names that is gone: gone id →
    (verb, what it is, gone)), None when it names nothing gone (or is not read)."""
    detail = state.detail
    if not isinstance(detail, FunctionDef):
        return None
    text = detail.body
    if not text or detail.language not in ("plpgsql", "sql") or not _worth_reading(index, text):
        return None
    made = definition(state)
    if made is None:
        return None
    read = _body_statements(ctx, state, detail, made)
    if read is None:
        return None
    trees, local = read
    checker = _Checker(ctx, index, detail, local)
    checker.body(trees)
    return (made, checker.found) if checker.found else None
