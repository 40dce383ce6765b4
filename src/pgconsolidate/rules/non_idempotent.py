"""Rule ``non-idempotent``: CREATE without IF NOT EXISTS / OR REPLACE (fails when run twice)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pgconsolidate.rules.finding import Location, Severity
from pgconsolidate.rules.nodes import (
    body as tree_body,
)
from pgconsolidate.rules.nodes import (
    default_index_name,
    drop_object_id,
    function_id,
    relation_id,
    relation_schema,
)
from pgconsolidate.rules.registry import Hit, RuleContext, rule
from pgconsolidate.statements.model import Statement

_OBJ_KIND = {
    "OBJECT_TABLE": "table",
    "OBJECT_MATVIEW": "materialized view",
    "OBJECT_VIEW": "view",
}


_CREATE_KINDS = frozenset(
    {
        "CreateStmt",
        "IndexStmt",
        "CreateFunctionStmt",
        "CreateTrigStmt",
        "ViewStmt",
        "CreateTableAsStmt",
        "CreateSeqStmt",
        "CreateSchemaStmt",
        "CreateExtensionStmt",
        "AlterTableStmt",
    }
)


_OR_REPLACE = re.compile(r"\s*create\s+or\s+replace\b", re.IGNORECASE)
# an ADD that may add a column without IF NOT EXISTS (not ADD CONSTRAINT / PRIMARY KEY / UNIQUE / FOREIGN
# KEY / CHECK, reserved words no column can be named without quotes, nor ADD [COLUMN] IF NOT EXISTS)
_ADD = re.compile(
    r"\badd\b(?!\s+(?:constraint|primary|unique|foreign|check|(?:column\s+)?if\s+not\s+exists)\b)",
    re.IGNORECASE,
)
_WS = re.compile(r"\s+")
#: :data:`_ADD` without IGNORECASE, for lowered ASCII text (where the two find the same matches).
_ADD_LOWERED = re.compile(_ADD.pattern)


def _is_word(ch: str) -> bool:
    """True for a character ``\\w`` matches (what ``\\b`` tells from the others)."""
    return ch.isalnum() or ch == "_"


_REPLACEABLE = frozenset({"CreateFunctionStmt", "ViewStmt", "CreateTrigStmt"})


def _visibly_guarded(st: Statement) -> bool:
    """True when the text alone shows the statement creates nothing unguarded (saves a re-parse):
    ``CREATE OR REPLACE ...``, ``IF NOT EXISTS`` before the first parenthesis, an ALTER TABLE without ADD."""
    text = st.text
    kind = st.kind
    if kind == "AlterTableStmt":
        lowered = text.lower()
        if "add" not in lowered:  # the pattern cannot match (only A/a and D/d match its letters)
            return True
        if text.isascii():  # ASCII: the same pattern, case-sensitive on the lowered text, finds the same
            return _ADD_LOWERED.search(lowered) is None
        return _ADD.search(text) is None
    if kind in _REPLACEABLE:
        # the usual spelling, compared as it is: what the pattern matches with no extra space
        if text[:17].lower() == "create or replace" and (len(text) == 17 or not _is_word(text[17])):
            return True
        return _OR_REPLACE.match(text) is not None
    head = text[:300]
    paren = head.find("(")
    if paren >= 0:
        head = head[:paren]
    head = head.lower()
    # "if not exists" as it stands is in the head with its spaces collapsed too
    return "if not exists" in head or ("exists" in head and "if not exists" in " ".join(head.split()))


def unguarded_creates(st: Statement) -> Iterator[tuple[str, str, str]]:
    """(object id, kind, how to make it idempotent) for each create in ``st`` that fails if the object
    already exists."""
    kind = st.kind
    if kind not in _CREATE_KINDS or _visibly_guarded(st):
        return
    body: dict[str, Any] = tree_body(st)
    if kind == "CreateStmt" and not body.get("if_not_exists"):
        yield relation_id(body.get("relation")), "table", "CREATE TABLE IF NOT EXISTS"
    elif kind == "IndexStmt" and not body.get("if_not_exists"):
        schema = relation_schema(body.get("relation"))
        if body.get("idxname"):
            yield f"{schema}.{body['idxname']}", "index", "CREATE INDEX IF NOT EXISTS"
        else:
            cols = [p.get("IndexElem", {}).get("name") for p in body.get("indexParams") or ()]
            name = default_index_name(relation_id(body.get("relation")), cols, bool(body.get("unique")))
            yield f"{schema}.{name}", "unnamed index", "CREATE INDEX IF NOT EXISTS with a name"
    elif kind == "CreateFunctionStmt" and not body.get("replace"):
        what = "procedure" if body.get("is_procedure") else "function"
        yield (
            function_id(body.get("funcname", []), body.get("parameters")),
            what,
            f"CREATE OR REPLACE {what.upper()}",
        )
    elif kind == "CreateTrigStmt" and not body.get("replace") and not body.get("isconstraint"):
        yield (
            f"{relation_id(body.get('relation'))}.{body.get('trigname', '')}",
            "trigger",
            "CREATE OR REPLACE TRIGGER (PostgreSQL 14+) or DROP TRIGGER IF EXISTS first",
        )
    elif kind == "ViewStmt" and not body.get("replace"):
        yield relation_id(body.get("view")), "view", "CREATE OR REPLACE VIEW"
    elif kind == "CreateTableAsStmt" and not body.get("if_not_exists"):
        into = (body.get("into") or {}).get("IntoClause", body.get("into") or {})
        objtype = _OBJ_KIND.get(body.get("objtype", "OBJECT_TABLE"), "table")
        yield relation_id(into.get("rel")), objtype, f"CREATE {objtype.upper()} IF NOT EXISTS"
    elif kind == "CreateSeqStmt" and not body.get("if_not_exists"):
        yield relation_id(body.get("sequence")), "sequence", "CREATE SEQUENCE IF NOT EXISTS"
    elif kind == "CreateSchemaStmt" and not body.get("if_not_exists"):
        yield str(body.get("schemaname", "")), "schema", "CREATE SCHEMA IF NOT EXISTS"
    elif kind == "CreateExtensionStmt" and not body.get("if_not_exists"):
        yield str(body.get("extname", "")), "extension", "CREATE EXTENSION IF NOT EXISTS"
    elif kind == "AlterTableStmt":
        table = relation_id(body.get("relation"))
        for cmd in body.get("cmds") or ():
            c = cmd.get("AlterTableCmd", {})
            if c.get("subtype") == "AT_AddColumn" and not c.get("missing_ok"):
                col = (c.get("def") or {}).get("ColumnDef", {}).get("colname", "")
                yield f"{table}.{col}", "column", "ALTER TABLE ... ADD COLUMN IF NOT EXISTS"


@rule(
    id="non-idempotent",
    severity=Severity.WARNING,
    help="Use CREATE ... IF NOT EXISTS, CREATE OR REPLACE, ADD COLUMN IF NOT EXISTS, or drop the object with "
    "IF EXISTS right before creating it (policies, triggers), so the file can run on any database.",
)
def non_idempotent(ctx: RuleContext) -> Iterator[Hit]:
    """A CREATE that fails when the object already exists (no IF NOT EXISTS / OR REPLACE).

    Chaotic directories are applied to databases in many states: production (where the object was
    created from the dashboard or by hand), a branch, a fresh local database. A plain ``CREATE TABLE``,
    ``CREATE INDEX``, ``CREATE FUNCTION``, ``CREATE TRIGGER`` or ``ADD COLUMN`` stops the whole
    migration on a database that already has the object (``42P07 relation already exists``). A
    ``CREATE POLICY`` or ``CREATE TRIGGER`` preceded in the same file by ``DROP ... IF EXISTS`` of the
    same object is idempotent and not reported. DROP without IF EXISTS is the ``drop-missing`` rule.
    """
    for fs in ctx.files:
        dropped: set[str] = set()
        for st in fs.statements:
            kind = st.kind
            if kind not in _CREATE_KINDS:
                if kind == "DropStmt" and "exists" in st.text.lower():
                    b = tree_body(st)
                    if b.get("missing_ok"):
                        remove = str(b.get("removeType", ""))
                        dropped.update(drop_object_id(remove, obj) for obj in b.get("objects") or ())
                continue
            # what unguarded_creates looks at first, without starting it
            if _visibly_guarded(st):
                continue
            for obj, what, fix in unguarded_creates(st):
                if obj in dropped:
                    continue
                verb = "ADD" if what == "column" else "CREATE"
                outcome = (
                    "creates one more copy of the index each time it runs (PostgreSQL numbers the names)"
                    if what == "unnamed index"
                    else f"fails if the {what} already exists"
                )
                yield Hit(
                    f"{verb} {what.upper()} {obj} {outcome}; use {fix}",
                    Location(st.file, st.line, st.column),
                    objects=(obj,),
                )
