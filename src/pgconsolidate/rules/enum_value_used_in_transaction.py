"""Rule ``enum-value-used-in-transaction``: ``ALTER TYPE e ADD VALUE 'x'`` and a use of ``'x'`` as a value
of ``e`` in the same transaction, which PostgreSQL refuses (55P04)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson
from pglast.parser import parse_sql_json

from pgconsolidate.model.extract.bodies import (
    _as_sql,
    _parse_many,
    _plpgsql_parse,
    _string_literal,
    _walk_plpgsql,
)
from pgconsolidate.model.types import DEFINING_ACTIONS, Action, Change, ColumnDef, Effect, EnumDef, ObjectKind
from pgconsolidate.rules.concurrently_in_transaction import _file_wrapped
from pgconsolidate.rules.finding import Location, Severity
from pgconsolidate.rules.model_view import loc
from pgconsolidate.rules.nodes import body, relation_id, strings, tree, walk
from pgconsolidate.rules.registry import Hit, RuleContext, rule
from pgconsolidate.sources.model import MigrationFile, Scheme
from pgconsolidate.statements.model import Statement

_ALTER = Action.ALTER
_DROP = Action.DROP
_RENAME = Action.RENAME
#: Comparisons whose operands PostgreSQL coerces to the column's type.
_COMPARISONS = frozenset(
    {
        "AEXPR_OP",
        "AEXPR_IN",
        "AEXPR_OP_ANY",
        "AEXPR_OP_ALL",
        "AEXPR_DISTINCT",
        "AEXPR_NOT_DISTINCT",
        "AEXPR_NULLIF",
    }
)
#: Where a statement's tree names a table (``table``: CREATE POLICY).
_RELATION_KEYS = frozenset({"relation", "RangeVar", "table"})
_BEGIN = frozenset({"TRANS_STMT_BEGIN", "TRANS_STMT_START"})
_END = frozenset(
    {"TRANS_STMT_COMMIT", "TRANS_STMT_ROLLBACK", "TRANS_STMT_PREPARE", "TRANS_STMT_COMMIT_PREPARED"}
)


@dataclass(frozen=True)
class _Added:
    """One ``ADD VALUE``: the effect, the enum (its identity then) and the label."""

    effect: Effect
    enum: str
    label: str
    made: Effect | None  # the CREATE TYPE of the enum in force then

    @property
    def schema(self) -> str:
        return self.enum.rpartition(".")[0]

    @property
    def name(self) -> str:
        return self.enum.rpartition(".")[2]


def _added_values(ctx: RuleContext) -> list[_Added]:
    """Every ``ALTER TYPE … ADD VALUE`` that adds a label (not one skipped by IF NOT EXISTS)."""
    found: list[_Added] = []
    for state in ctx.by_kind.get(ObjectKind.ENUM, ()):
        labels: set[str] = set()
        made: Effect | None = None
        for e in state.events:
            d = e.detail
            if e.action in DEFINING_ACTIONS and isinstance(d, EnumDef):
                labels = set(d.labels)
                made = e
            elif e.action is _ALTER and isinstance(d, Change):
                if d.attribute == "add_label" and isinstance(d.value, str):
                    if e.if_not_exists and d.value in labels:
                        continue
                    labels.add(d.value)
                    found.append(_Added(e, e.id, d.value, made))
                elif d.attribute == "rename_label" and isinstance(d.value, tuple) and len(d.value) == 2:
                    labels.discard(d.value[0])
                    labels.add(d.value[1])
            elif e.action is _DROP:
                labels = set()
                made = None
    return found


def _window(
    ctx: RuleContext, added: _Added, files: dict[str, MigrationFile]
) -> tuple[list[Statement], str, int] | None:
    """The statements that run in the same transaction as the ADD VALUE, after it, why, and the index
    in the ADD VALUE's file of the transaction's first statement there (None when the ADD VALUE
    commits at once: a file run without a transaction, outside BEGIN … COMMIT)."""
    ref = added.effect.ref
    order = ctx.file_index()
    fi = order.get(ref.file)
    if fi is None or fi >= len(ctx.files):
        return None
    statements = ctx.files[fi].statements
    tool = ctx.mdir.tool
    if _file_wrapped(tool, files.get(ref.file)):
        after = [st for st in statements if st.index > ref.statement_index]
        if tool == Scheme.DRIZZLE:
            # drizzle-kit's migrator runs every pending file in one transaction
            after += [st for fs in ctx.files[fi + 1 :] for st in fs.statements]
            return after, "drizzle-kit applies the pending files in one transaction", 0
        return after, f"{ctx.mdir.tool_name} runs each migration file in one transaction", 0
    in_block = False
    start = 0
    window: list[Statement] = []
    for st in statements:
        if st.kind == "TransactionStmt":
            kind = body(st).get("kind", "")
            if kind in _BEGIN:
                in_block = True
                start = st.index
            elif kind in _END:
                if window:
                    break
                in_block = False
            continue
        if st.index == ref.statement_index:
            if not in_block:
                return None
            window = [st]
        elif window:
            window.append(st)
    return (window[1:], "inside BEGIN ... COMMIT", start) if window else None


def _literal(node: Any) -> str | None:
    """The text of a string constant node (``'x'``), else None."""
    if type(node) is dict:
        c = node.get("A_Const")
        if c is not None:
            sval = c.get("sval")
            if type(sval) is dict:
                return str(sval.get("sval", ""))
    return None


def _has_literal(node: Any, label: str) -> bool:
    """True when ``node`` is the constant ``'label'`` or a list holding it (``IN ('a', 'x')``)."""
    if _literal(node) == label:
        return True
    if type(node) is dict and "List" in node:
        return any(_literal(i) == label for i in node["List"].get("items") or ())
    if type(node) is list:
        return any(_literal(i) == label for i in node)
    return False


def _names_type(type_name: Any, added: _Added) -> bool:
    """True when a ``TypeName`` names the enum (unqualified: by name; no array)."""
    if type(type_name) is not dict:
        return False
    tn = type_name.get("TypeName", type_name)
    if tn.get("arrayBounds"):
        return False
    names = strings(tn.get("names"))
    if not names or names[-1] != added.name:
        return False
    return len(names) == 1 or names[-2] == added.schema


def _column_name(node: Any) -> str | None:
    """The column a ``ColumnRef`` names (its last part)."""
    if type(node) is dict and "ColumnRef" in node:
        parts = strings(node["ColumnRef"].get("fields"))
        return parts[-1] if parts else None
    return None


class _Columns:
    """The columns of the enum's type, by table (made when a statement holds the literal)."""

    def __init__(self, ctx: RuleContext, added: _Added) -> None:
        self.by_table: dict[str, set[str]] = {}
        for state in ctx.by_kind.get(ObjectKind.COLUMN, ()):
            for e in state.events:
                d = e.detail
                if isinstance(d, ColumnDef):
                    t = d.type
                    if t.name == added.name and t.array_dims == 0 and t.schema in (added.schema, ""):
                        self.by_table.setdefault(d.table, set()).add(d.name)
                elif isinstance(d, Change) and d.attribute == "type":
                    t = d.value
                    if getattr(t, "name", None) == added.name and getattr(t, "array_dims", 1) == 0:
                        table, _, name = e.id.rpartition(".")
                        self.by_table.setdefault(table, set()).add(name)

    def of(self, tables: set[str]) -> set[str]:
        out: set[str] = set()
        for t in tables:
            out |= self.by_table.get(t, set())
        return out


def _uses(node: dict[str, Any], added: _Added, columns: _Columns) -> str | None:
    """How a statement's tree uses the label as a value of the enum (None: it does not)."""
    label = added.label
    pairs = list(walk(node))
    tables = {relation_id(f) for k, f in pairs if k in _RELATION_KEYS and f.get("relname")}
    enum_columns = columns.of(tables)
    for key, f in pairs:
        if key == "TypeCast":
            if _literal(f.get("arg")) == label and _names_type(f.get("typeName"), added):
                return "cast to the type"
        elif key == "A_Expr":
            if f.get("kind") in _COMPARISONS:
                left, right = f.get("lexpr"), f.get("rexpr")
                for col, other in ((left, right), (right, left)):
                    name = _column_name(col)
                    if name is not None and name in enum_columns and _has_literal(other, label):
                        return f"compared with column {name}"
        elif key == "ColumnDef":
            if _names_type(f.get("typeName"), added):
                for c in f.get("constraints") or ():
                    con = c.get("Constraint", {})
                    if con.get("contype") == "CONSTR_DEFAULT" and _literal(con.get("raw_expr")) == label:
                        return f"the default of column {f.get('colname', '')}"
        elif key == "AlterTableCmd":
            if (
                f.get("subtype") == "AT_ColumnDefault"
                and f.get("name") in enum_columns
                and _literal(f.get("def")) == label
            ):
                return f"the default of column {f.get('name')}"
        elif key == "InsertStmt":
            found = _inserts(f, label, columns)
            if found is not None:
                return f"inserted into column {found}"
        elif key in ("UpdateStmt", "OnConflictClause"):
            for rt in f.get("targetList") or ():
                r = rt.get("ResTarget", {})
                if r.get("name") in enum_columns and _literal(r.get("val")) == label:
                    return f"set into column {r.get('name')}"
    return None


def _inserts(f: dict[str, Any], label: str, columns: _Columns) -> str | None:
    """The enum column an INSERT puts the label into (VALUES or SELECT list, by position), None if none."""
    table = relation_id(f.get("relation"))
    enum_columns = columns.by_table.get(table, set())
    if not enum_columns:
        return None
    names = [str(c.get("ResTarget", {}).get("name", "")) for c in f.get("cols") or ()]
    select = (f.get("selectStmt") or {}).get("SelectStmt", {})
    rows: list[list[Any]] = [
        lst.get("List", {}).get("items") or [] for lst in select.get("valuesLists") or ()
    ]
    if select.get("targetList"):
        rows.append([rt.get("ResTarget", {}).get("val") for rt in select["targetList"]])
    for row in rows:
        for i, value in enumerate(row):
            if _literal(value) != label:
                continue
            if not names:
                return sorted(enum_columns)[0]  # no column list: the table's order (not known here)
            if i < len(names) and names[i] in enum_columns:
                return names[i]
    return None


def _do_block(text: str) -> list[dict[str, Any]]:
    """The SQL a DO block runs (it runs now, in the transaction): its statements, the expressions of
    its conditions and assignments (as ``SELECT expr``) and the strings it EXECUTEs, as parse trees."""
    parsed = _plpgsql_parse(text)
    if parsed is None:
        return []
    queries: list[tuple[str, int, bool]] = []
    executed: list[str] = []
    _walk_plpgsql(parsed, queries, executed)
    sqls = [_as_sql(q, mode) for q, mode, _ in queries if q]
    sqls += [lit for lit in map(_string_literal, executed) if lit]
    return [s.get("stmt", {}) for tree in _parse_many(sqls) for s in tree.get("stmts") or ()]


def _sql_body(node: dict[str, Any]) -> list[dict[str, Any]]:
    """The statements of a ``LANGUAGE sql`` function body written as a string (PostgreSQL parses and
    checks them when the function is created), as parse trees."""
    f = node.get("CreateFunctionStmt")
    if not f or f.get("sql_body"):
        return []
    language, text = None, None
    for opt in f.get("options") or ():
        d = opt.get("DefElem", {})
        if d.get("defname") == "language":
            language = (d.get("arg") or {}).get("String", {}).get("sval")
        elif d.get("defname") == "as":
            items = strings((d.get("arg") or {}).get("List", {}).get("items"))
            text = items[0] if items else None
    if language != "sql" or not text:
        return []
    try:
        data = parse_sql_json(text)
        try:
            parsed = orjson.loads(data)
        except orjson.JSONDecodeError:
            parsed = json.loads(data)
    except Exception:
        return []
    return [s.get("stmt", {}) for s in parsed.get("stmts") or ()]


@rule(
    id="enum-value-used-in-transaction",
    severity=Severity.ERROR,
    help="Move the ALTER TYPE ... ADD VALUE to a migration file of its own, before the file that uses "
    "the value (or COMMIT between them where the tool allows it): a new enum value is usable only once "
    "the transaction that added it has committed.",
)
def enum_value_used_in_transaction(ctx: RuleContext) -> Iterator[Hit]:
    """An enum value added by ``ALTER TYPE … ADD VALUE`` is used in the same transaction: PostgreSQL
    refuses it (``55P04 unsafe use of new value``), on every database.

    Since PostgreSQL 12, ``ALTER TYPE e ADD VALUE 'x'`` may run inside a transaction, but the new value
    cannot be used until that transaction commits. The Supabase CLI, Flyway, goose, dbmate and sqlx run
    each migration file in one transaction, golang-migrate and Prisma send it as one multi-statement
    query (one implicit transaction), and drizzle-kit applies every pending file in one transaction; an
    explicit ``BEGIN`` does the same for any tool. So a file that adds a value and then uses it fails
    wherever it runs, and the deploy stops there. No other rule names this: ``replay`` shows the
    failure, ``analyze`` says which statement and why. (Older Flyway versions treated ADD VALUE as
    non-transactional: it refused a migration mixing it with other statements unless ``mixed`` was
    set, and then ran the migration without a transaction.)

    Uses found (after the ADD VALUE, in the same transaction): the literal cast to the type
    (``'x'::e``), compared with a column of the type (``WHERE status = 'x'``, ``IN (…)``, also in a
    CHECK, an index predicate or a policy), a column DEFAULT of the type (``ADD COLUMN c e DEFAULT
    'x'``, ``SET DEFAULT 'x'``), a value INSERTed or UPDATEd into a column of the type, and the same
    in the body of a ``LANGUAGE sql`` function (PostgreSQL checks it when the function is made) or in
    what a DO block runs (its statements, conditions and EXECUTEs of string literals). Not read:
    PL/pgSQL function bodies (they run later), SQL built at run time, and uses that reach the type
    only through a function's argument. A file run without a transaction (``-- +goose NO
    TRANSACTION``, dbmate's ``transaction:false``, sqlx's ``-- no-transaction``, a tool that runs
    statements one by one) commits each statement at once, and is reported only inside an explicit
    ``BEGIN … COMMIT``. An enum created in the same transaction is not reported: PostgreSQL lets the
    values of a type that is new in the transaction be used at once.
    """
    added_values = _added_values(ctx)
    if not added_values:
        return
    files = {f.path: f for f in ctx.mdir.files}
    columns: dict[str, _Columns] = {}
    for added in added_values:
        window = _window(ctx, added, files)
        if window is None:
            continue
        statements, why, start = window
        made = added.made
        if made is not None and made.ref.file == added.effect.ref.file and made.ref.statement_index >= start:
            continue  # the type is new in this transaction: PostgreSQL lets its values be used at once
        needle = "'" + added.label.replace("'", "''") + "'"
        for st in statements:
            if needle not in st.text:
                continue
            node = tree(st)
            if not node:
                continue
            if added.enum not in columns:
                columns[added.enum] = _Columns(ctx, added)
            use = _uses(node, added, columns[added.enum])
            if use is None:
                for inner in _sql_body(node):
                    use = _uses(inner, added, columns[added.enum])
                    if use is not None:
                        use = f"{use}, in a LANGUAGE sql body"
                        break
            if use is None and st.kind == "DoStmt":
                for inner in _do_block(st.text):
                    use = _uses(inner, added, columns[added.enum])
                    if use is not None:
                        use = f"{use}, in the DO block"
                        break
            if use is None:
                continue
            add_at = loc(added.effect)
            yield Hit(
                f"'{added.label}' is used as a value of enum {added.enum} ({use}) in the transaction "
                f"that adds it at {add_at} ({why}): PostgreSQL refuses it (55P04 unsafe use of new "
                "value) and the migration fails on every database",
                Location(st.file, st.line, st.column),
                (add_at,),
                (added.enum,),
            )
