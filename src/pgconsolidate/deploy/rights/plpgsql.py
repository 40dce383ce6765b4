"""The SQL statements inside a ``DO`` block, and which of them the block certainly runs (pure).

The consolidation fix is mostly DO blocks (every step guarded on the catalog state), and migrations
wrap statements in them too; their static SQL statements get the same rules as top-level ones when the
block certainly runs them:

* statements in the block's main line run; the bodies of IF, CASE and loops may not (they are only read
  for the names they may create, drop or rename, and a search_path they may set);
* an error raised anywhere does not make what follows uncertain (the apply then fails anyway); after a
  guard ``IF ... THEN RETURN; END IF`` the main line goes on only when its condition asks whether
  something exists (``to_regclass(...)``, ``EXISTS (...)``: an object absent now is left to the apply by
  the check); any other way out of the block (RETURN, EXIT) makes the rest uncertain;
* in a block with an EXCEPTION section, only its first statement certainly runs (a handled error skips
  the rest), and none when a handler catches privilege errors (``OTHERS``, ``insufficient_privilege``);
* ``IF <condition> THEN ... [ELSIF ...] [ELSE ...]`` on the main line, whose conditions read only the
  catalogs (``pg_*`` relations, ``information_schema``; ``SELECT prosecdef FROM pg_proc WHERE oid = f``,
  a column's ``atttypmod``): each branch's statements are held under its condition (and the earlier
  ones' being false), which the check evaluates first (read only, rolled back); a need whose condition
  is false now, cannot be evaluated, or names something an earlier step changed, is left out;
* ``EXECUTE`` of a string built only from literals and names looked up by ``to_regclass``,
  ``to_regprocedure``, ``to_regproc`` or ``to_regtype`` of a literal (directly, or through a variable
  assigned one: ``f := to_regprocedure('public.f(integer)'); EXECUTE 'DROP FUNCTION ' || f::text``) is read
  as that statement, with the literal name in place; ``IF f IS NOT NULL THEN`` (or ``to_regclass(...) IS
  NOT NULL``) around it keeps the main line's certainty (an absent object is left to the apply by the
  check). Any other built string is not read (its text is not known before it runs).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from pglast.parser import ParseError, parse_plpgsql_json, parse_sql_json

_ERROR_LEVEL = 21  # elog ERROR: RAISE EXCEPTION (the default level)
_EXISTENCE = re.compile(r"\bto_reg\w+\s*\(|\bexists\s*\(", re.IGNORECASE)
_CATCHES_PRIVILEGE = {
    "others",
    "insufficient_privilege",
    "syntax_error_or_access_rule_violation",
    "42501",
    "42000",
}
_LOOPS = {
    "PLpgSQL_stmt_loop",
    "PLpgSQL_stmt_while",
    "PLpgSQL_stmt_fori",
    "PLpgSQL_stmt_fors",
    "PLpgSQL_stmt_forc",
    "PLpgSQL_stmt_foreach_a",
    "PLpgSQL_stmt_dynfors",
}
_LEAVES = {"PLpgSQL_stmt_return", "PLpgSQL_stmt_exit"}
_ASSIGN_REG = re.compile(
    r"^\s*(\w+)\s*:=\s*(to_reg(?:class|procedure|proc|type)\s*\(\s*'(?:[^']|'')*'\s*\))\s*$", re.IGNORECASE
)
_REG_FUNCTIONS = {"to_regclass", "to_regprocedure", "to_regproc", "to_regtype"}
_DO_HEAD = re.compile(r"^\s*do\b\s*(?:language\s+\S+\s+)?", re.IGNORECASE)

#: a condition the check evaluates before holding a need: (a boolean SQL expression that reads only the
#: catalogs, ((variable, to_reg* function, literal), ...) the expression names)
When = tuple[str, tuple[tuple[str, str, str], ...]]
#: (statement tree, line in the file, certainly run, the conditions it runs under)
Inner = tuple[dict[str, Any], int, bool, tuple[When, ...]]
#: functions a condition may call to be evaluated by the check (they read, never write)
_READ_ONLY_FUNCTIONS = {
    "to_regclass",
    "to_regprocedure",
    "to_regproc",
    "to_regtype",
    "to_regnamespace",
    "to_regrole",
    "format_type",
    "pg_get_expr",
    "count",
}


def _query(node: Any) -> str | None:
    q = (node or {}).get("PLpgSQL_expr", {}).get("query") if isinstance(node, dict) else None
    return q if isinstance(q, str) else None


def _raises(st: dict[str, Any]) -> bool:
    body = st.get("PLpgSQL_stmt_raise")
    return isinstance(body, dict) and int(body.get("elog_level", _ERROR_LEVEL)) >= _ERROR_LEVEL


def _ends_early(body: Any, in_loop: bool = False) -> bool:
    """Whether running ``body`` may leave the block without an error (RETURN, EXIT outside a loop),
    anywhere in it. (An error raised fails the apply: what follows it need not be held.)"""
    if isinstance(body, list):
        return any(_ends_early(b, in_loop) for b in body)
    if not isinstance(body, dict):
        return False
    if "PLpgSQL_stmt_return" in body or ("PLpgSQL_stmt_exit" in body and not in_loop):
        return True
    in_loop = in_loop or any(k in _LOOPS for k in body)
    return any(
        _ends_early(v, in_loop) for k, v in body.items() if k != "PLpgSQL_expr" and isinstance(v, dict | list)
    )


def _guard(st: dict[str, Any], exists: bool | None) -> bool | None:
    """For an IF with no ELSIF/ELSE whose THEN ends the block: whether the main line stays certain after
    it (True), or not (False); None for any other statement. ``exists``: the condition tests that an
    object named by a literal exists (True) or does not (False)."""
    body = st.get("PLpgSQL_stmt_if")
    if not isinstance(body, dict) or body.get("elsif_list") or body.get("else_body"):
        return None
    then = body.get("then_body") or []
    if not then or _ends_early(then[:-1]):
        return None
    last = then[-1] if isinstance(then[-1], dict) else {}
    if _raises(last):
        return True
    if "PLpgSQL_stmt_return" in last:
        cond = _query(body.get("cond")) or ""
        return bool(_EXISTENCE.search(cond)) or exists is False
    return None


def _catches_privilege(block: dict[str, Any]) -> bool:
    for exc in ((block.get("exceptions") or {}).get("PLpgSQL_exception_block", {}).get("exc_list")) or []:
        for cond in (exc or {}).get("PLpgSQL_exception", {}).get("conditions") or []:
            name = str((cond or {}).get("PLpgSQL_condition", {}).get("condname", "")).lower()
            if name in _CATCHES_PRIVILEGE:
                return True
    return False


def _reg_literal(node: Any, consts: dict[str, str]) -> str | None:
    """The literal name of ``to_reg*('name')`` or of a variable assigned one, as an expression tree."""
    if not isinstance(node, dict):
        return None
    if "ColumnRef" in node:
        fields = node["ColumnRef"].get("fields") or []
        name = (
            fields[0].get("String", {}).get("sval")
            if len(fields) == 1 and isinstance(fields[0], dict)
            else None
        )
        return consts.get(str(name).lower()) if isinstance(name, str) else None
    call = node.get("FuncCall")
    if isinstance(call, dict):
        fname = [f.get("String", {}).get("sval") for f in call.get("funcname") or [] if isinstance(f, dict)]
        args = call.get("args") or []
        if fname and str(fname[-1]).lower() in _REG_FUNCTIONS and len(args) == 1:
            value = (args[0] or {}).get("A_Const", {}).get("sval", {}).get("sval")
            return value if isinstance(value, str) else None
    return None


def _folded(node: Any, consts: dict[str, str]) -> str | None:
    """The text of a string expression made of literals and ``to_reg*``-looked-up names joined by
    ``||``; None for anything else."""
    if not isinstance(node, dict):
        return None
    if "A_Const" in node:
        value = node["A_Const"].get("sval", {}).get("sval")
        return value if isinstance(value, str) else None
    if "TypeCast" in node:
        cast = node["TypeCast"]
        names = [n.get("String", {}).get("sval") for n in (cast.get("typeName") or {}).get("names") or []]
        if names and names[-1] == "text":
            return _reg_literal(cast.get("arg"), consts) or _folded(cast.get("arg"), consts)
        return None
    expr = node.get("A_Expr")
    if isinstance(expr, dict) and [n.get("String", {}).get("sval") for n in expr.get("name") or []] == ["||"]:
        left, right = _folded(expr.get("lexpr"), consts), _folded(expr.get("rexpr"), consts)
        return left + right if left is not None and right is not None else None
    return None


def _expression(query: str | None) -> Any:
    """The parse tree of a PL/pgSQL expression (``SELECT <query>``'s one target)."""
    if not query:
        return None
    try:
        stmts = json.loads(parse_sql_json(f"SELECT {query}")).get("stmts", [])
    except ParseError:
        return None
    targets = stmts[0]["stmt"].get("SelectStmt", {}).get("targetList") or [] if len(stmts) == 1 else []
    return (targets[0] or {}).get("ResTarget", {}).get("val") if len(targets) == 1 else None


class _Walk:
    def __init__(self, first_line: int) -> None:
        self.first_line = first_line
        self.out: list[Inner] = []
        self.consts: dict[str, str] = {}  # variable → the literal name a to_reg* call looked up
        self.regs: dict[str, tuple[str, str]] = {}  # variable → (the to_reg* function, the literal)
        self.when: tuple[When, ...] = ()  # the conditions of the IFs the walk is inside

    def condition(self, cond: str | None) -> When | None:
        """``cond`` as a condition the check can evaluate now: it reads only the catalogs (``pg_*``
        relations), calls only read-only functions, and names only variables assigned a ``to_reg*`` of
        a literal; None otherwise."""
        tree = _expression(cond)
        if tree is None or not cond or not _catalog_only(tree, set(self.regs)):
            return None
        return cond, tuple(sorted((var, fn, lit) for var, (fn, lit) in self.regs.items()))

    def exists_test(self, cond: str | None) -> bool | None:
        """For ``x IS [NOT] NULL`` where ``x`` is a ``to_reg*`` of a literal (or a variable assigned
        one): whether it tests that the object exists (NOT NULL); None for any other condition."""
        tree = _expression(cond)
        test = tree.get("NullTest") if isinstance(tree, dict) else None
        if not isinstance(test, dict) or _reg_literal(test.get("arg"), self.consts) is None:
            return None
        return bool(test.get("nulltesttype") == "IS_NOT_NULL")

    def sql(self, query: str | None, lineno: Any, certain: bool) -> None:
        if not query:
            return
        line = self.first_line + (int(lineno) - 1 if isinstance(lineno, int) and lineno > 0 else 0)
        try:
            stmts = json.loads(parse_sql_json(query)).get("stmts", [])
        except ParseError:
            return
        self.out.extend(
            (s["stmt"], line, certain, self.when) for s in stmts if isinstance(s.get("stmt"), dict)
        )

    def body(self, stmts: Any, certain: bool) -> bool:
        """Walk a statement list; whether the main line is still certain after it."""
        for st in stmts or []:
            if not isinstance(st, dict) or not st:
                continue
            kind, b = next(iter(st.items()))
            b = b if isinstance(b, dict) else {}
            if kind == "PLpgSQL_stmt_execsql":
                self.sql(_query(b.get("sqlstmt")), b.get("lineno"), certain)
            elif kind == "PLpgSQL_stmt_perform":
                self.sql(_query(b.get("expr")), b.get("lineno"), certain)
            elif kind == "PLpgSQL_stmt_assign":
                m = _ASSIGN_REG.match(_query(b.get("expr")) or "")
                if m:
                    call = _expression(m.group(2))
                    literal = _reg_literal(call, {})
                    if literal is not None:
                        var = m.group(1).lower()
                        self.consts[var] = literal
                        fn = call["FuncCall"]["funcname"][-1]["String"]["sval"].lower()
                        self.regs[var] = (fn, literal)
            elif kind == "PLpgSQL_stmt_dynexecute":
                text = _folded(_expression(_query(b.get("query"))), self.consts)
                if text is not None and not b.get("params"):
                    self.sql(text, b.get("lineno"), certain)
            elif kind == "PLpgSQL_stmt_if":
                exists = self.exists_test(_query(b.get("cond")))
                guard = _guard(st, exists)
                # IF <object> IS NOT NULL THEN ...: as certain as the main line (absent: left to the apply)
                alone = not b.get("elsif_list") and not b.get("else_body")
                plain = exists is True and alone
                # IF <catalog state> THEN ... [ELSIF ...] [ELSE ...]: each branch is held under its
                # condition (and the earlier ones' being false), which the check evaluates now
                elsifs = [(e or {}).get("PLpgSQL_if_elsif", {}) for e in b.get("elsif_list") or []]
                branches = [
                    (b.get("cond"), b.get("then_body")),
                    *((e.get("cond"), e.get("stmts")) for e in elsifs),
                ]
                conds = [self.condition(_query(c)) for c, _ in branches] if certain and not plain else [None]
                if all(c is not None for c in conds):
                    self.branches([(c, body) for c, (_, body) in zip(conds, branches, strict=True)], b)
                else:
                    self.body(b.get("then_body"), certain and plain)
                    for e in elsifs:
                        self.body(e.get("stmts"), False)
                    self.body(b.get("else_body"), False)
                if guard is False or (guard is None and _ends_early(st)):
                    certain = False
            elif kind == "PLpgSQL_stmt_case":
                for when in b.get("case_when_list") or []:
                    self.body((when or {}).get("PLpgSQL_case_when", {}).get("stmts"), False)
                self.body(b.get("else_stmts"), False)
                certain = certain and not _ends_early(st)
            elif kind in _LOOPS:
                if kind == "PLpgSQL_stmt_fors":
                    self.sql(_query(b.get("query")), b.get("lineno"), certain)
                self.body(b.get("body"), False)
                certain = certain and not _ends_early(st)
            elif kind == "PLpgSQL_stmt_block":
                certain = self.block(b, certain)
            elif kind in _LEAVES or _raises(st):
                certain = False
        return certain

    def branches(self, branches: list[tuple[When | None, Any]], b: dict[str, Any]) -> None:
        """Walk an IF's branches, each under its condition and the earlier ones' being false (``IS NOT
        TRUE``: PL/pgSQL takes NULL as false); ELSE under all of them being false."""
        outer = self.when
        earlier: list[When] = []
        for cond, body in [*branches, (None, b.get("else_body"))]:
            self.when = (*outer, *earlier, *((cond,) if cond else ()))
            self.body(body, True)
            if cond:
                earlier.append((f"({cond[0]}) IS NOT TRUE", cond[1]))
        self.when = outer

    def block(self, b: dict[str, Any], certain: bool) -> bool:
        if not b.get("exceptions"):
            return self.body(b.get("body"), certain)
        stmts = b.get("body") or []
        self.body(stmts[:1], certain and not _catches_privilege(b))
        self.body(stmts[1:], False)
        for exc in ((b.get("exceptions") or {}).get("PLpgSQL_exception_block", {}).get("exc_list")) or []:
            self.body((exc or {}).get("PLpgSQL_exception", {}).get("action"), False)
        return certain


_NOT_EVALUATED = ("RangeFunction", "RangeSubselect", "CommonTableExpr", "withClause")


def _catalog_only(node: Any, variables: set[str], in_select: bool = False) -> bool:
    """Whether an expression tree reads only catalog relations (``pg_*``, ``information_schema``), calls
    only read-only functions, and,
    outside a sub-SELECT (where a name is a catalog column), names only ``variables``."""
    if isinstance(node, list):
        return all(_catalog_only(n, variables, in_select) for n in node)
    if not isinstance(node, dict):
        return True
    for key, value in node.items():
        if key == "ColumnRef" and not in_select:
            fields = (value or {}).get("fields") or []
            name = (
                fields[0].get("String", {}).get("sval")
                if len(fields) == 1 and isinstance(fields[0], dict)
                else None
            )
            if not isinstance(name, str) or name.lower() not in variables:
                return False
        elif key == "SelectStmt":
            if not _catalog_only(value, variables, True):
                return False
        elif key == "RangeVar":
            rv = value if isinstance(value, dict) else {}
            schema, relname = rv.get("schemaname"), str(rv.get("relname", ""))
            catalog = schema in (None, "pg_catalog") and relname.startswith("pg_")
            if not catalog and schema != "information_schema":
                return False
        elif key == "FuncCall":
            names = [f.get("String", {}).get("sval") for f in (value or {}).get("funcname") or []]
            if not names or str(names[-1]).lower() not in _READ_ONLY_FUNCTIONS:
                return False
            if not _catalog_only((value or {}).get("args"), variables, in_select):
                return False
        elif key in _NOT_EVALUATED or (
            isinstance(value, dict | list) and not _catalog_only(value, variables, in_select)
        ):
            return False
    return True


def _language(text: str) -> str:
    try:
        stmts = json.loads(parse_sql_json(text)).get("stmts", [])
    except ParseError:
        return ""
    for s in stmts:
        for arg in (s.get("stmt", {}).get("DoStmt", {}).get("args")) or []:
            de = (arg or {}).get("DefElem", {})
            if de.get("defname") == "language":
                return str((de.get("arg") or {}).get("String", {}).get("sval", "")).lower()
    return "plpgsql"


def do_statements(text: str, line: int) -> Iterator[Inner]:
    """The static SQL statements of the ``DO`` block ``text`` (which starts at ``line``), each with its
    line and whether the block certainly runs it; nothing for another language or a body that does not
    parse."""
    if _language(text) != "plpgsql":
        return
    try:
        tree = json.loads(parse_plpgsql_json(text))
    except ParseError:
        return
    head = _DO_HEAD.match(text)
    walk = _Walk(line + (text[: head.end()].count("\n") if head else 0))
    for fn in tree if isinstance(tree, list) else []:
        action = (fn or {}).get("PLpgSQL_function", {}).get("action", {}).get("PLpgSQL_stmt_block")
        if isinstance(action, dict):
            walk.block(action, True)
    yield from walk.out
