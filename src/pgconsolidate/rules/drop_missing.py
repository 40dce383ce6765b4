"""Rule ``drop-missing``: DROP without IF EXISTS, which fails whenever the object is missing."""

from __future__ import annotations

from collections.abc import Iterator

from pgconsolidate.rules.finding import Location, Severity
from pgconsolidate.rules.nodes import drop_object_id, relation_id
from pgconsolidate.rules.registry import Hit, RuleContext, rule
from pgconsolidate.statements.model import Statement

_KINDS = {
    "OBJECT_TABLE": "table",
    "OBJECT_INDEX": "index",
    "OBJECT_VIEW": "view",
    "OBJECT_MATVIEW": "materialized view",
    "OBJECT_SEQUENCE": "sequence",
    "OBJECT_TYPE": "type",
    "OBJECT_DOMAIN": "domain",
    "OBJECT_FUNCTION": "function",
    "OBJECT_PROCEDURE": "procedure",
    "OBJECT_ROUTINE": "routine",
    "OBJECT_AGGREGATE": "aggregate",
    "OBJECT_POLICY": "policy",
    "OBJECT_TRIGGER": "trigger",
    "OBJECT_RULE": "rule",
    "OBJECT_SCHEMA": "schema",
    "OBJECT_EXTENSION": "extension",
    "OBJECT_FOREIGN_TABLE": "foreign table",
}


def unguarded_drops(st: Statement) -> Iterator[tuple[str, str]]:
    """(object id, kind) of each object ``st`` drops without IF EXISTS."""
    body = st.body
    if st.kind == "DropStmt" and not body.get("missing_ok"):
        remove = str(body.get("removeType", ""))
        kind = _KINDS.get(remove, remove.removeprefix("OBJECT_").lower())
        for obj in body.get("objects") or ():
            yield drop_object_id(remove, obj), kind
    elif st.kind == "AlterTableStmt":
        table = relation_id(body.get("relation"))
        for cmd in body.get("cmds") or ():
            c = cmd.get("AlterTableCmd", {})
            if c.get("missing_ok"):
                continue
            if c.get("subtype") == "AT_DropColumn":
                yield f"{table}.{c.get('name', '')}", "column"
            elif c.get("subtype") == "AT_DropConstraint":
                yield f"{table}.{c.get('name', '')}", "constraint"


@rule(
    id="drop-missing",
    severity=Severity.WARNING,
    help="Add IF EXISTS (DROP INDEX IF EXISTS, DROP POLICY IF EXISTS ... ON t, DROP FUNCTION IF EXISTS "
    "f(args), ALTER TABLE ... DROP COLUMN IF EXISTS).",
)
def drop_missing(ctx: RuleContext) -> Iterator[Hit]:
    """A DROP without IF EXISTS: the migration fails whenever the object is missing.

    In a directory that was never replayed from scratch, objects are often missing on some database:
    the statement that created them failed, was applied by hand only in production, or the object was
    already dropped or renamed. ``DROP INDEX i`` then stops the migration (``42704 ... does not
    exist``) and nothing after it runs. The error severity is used when nothing earlier in the
    directory creates the object at all.
    """
    created: set[str] = set()
    for st in ctx.statements():
        for obj, kind in unguarded_drops(st):
            never = obj not in created and kind in ("table", "index", "view", "function", "policy", "trigger")
            suffix = " (nothing earlier in the directory creates it)" if never else ""
            yield Hit(
                f"DROP {kind.upper()} {obj} without IF EXISTS fails when the {kind} is missing{suffix}",
                Location(st.file, st.line, st.column),
                objects=(obj,),
                severity=Severity.ERROR if never else None,
            )
        created.update(_created_ids(st))


def _created_ids(st: Statement) -> Iterator[str]:
    from pgconsolidate.rules.nodes import function_id, relation_schema

    body = st.body
    if st.kind == "CreateStmt":
        yield relation_id(body.get("relation"))
    elif st.kind == "IndexStmt" and body.get("idxname"):
        yield f"{relation_schema(body.get('relation'))}.{body['idxname']}"
    elif st.kind == "CreateFunctionStmt":
        yield function_id(body.get("funcname", []), body.get("parameters"))
    elif st.kind == "ViewStmt":
        yield relation_id(body.get("view"))
    elif st.kind == "CreatePolicyStmt":
        yield f"{relation_id(body.get('table'))}.{body.get('policy_name', '')}"
    elif st.kind == "CreateTrigStmt":
        yield f"{relation_id(body.get('relation'))}.{body.get('trigname', '')}"
