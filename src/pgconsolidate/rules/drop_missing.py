"""Rule ``drop-missing``: DROP without IF EXISTS, which fails whenever the object is missing."""

from __future__ import annotations

from collections.abc import Iterator

from pgconsolidate.model.types import Action, ObjectKind
from pgconsolidate.rules.finding import Location, Severity
from pgconsolidate.rules.nodes import body as tree_body
from pgconsolidate.rules.nodes import drop_object_id, mentions_drop, relation_id
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


_DROPPING = ("DropStmt", "AlterTableStmt")  # the statement kinds that can drop without IF EXISTS


def unguarded_drops(st: Statement) -> Iterator[tuple[str, str]]:
    """(object id, kind) of each object ``st`` drops without IF EXISTS."""
    if st.kind not in _DROPPING or not mentions_drop(st.text):
        return
    body = tree_body(st)
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


#: What the model creates that a DROP names (a function dropped without arguments matches by name).
_CREATED_KINDS = frozenset(
    {
        ObjectKind.TABLE,
        ObjectKind.INDEX,
        ObjectKind.VIEW,
        ObjectKind.MATERIALIZED_VIEW,
        ObjectKind.FUNCTION,
        ObjectKind.PROCEDURE,
        ObjectKind.POLICY,
        ObjectKind.TRIGGER,
    }
)


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
    # the DROPs without IF EXISTS first (most directories have few): the creations are looked at only then
    drops: list[tuple[int, int, Statement, list[tuple[str, str]]]] = []
    for fi, fs in enumerate(ctx.files):
        for k, st in enumerate(fs.statements):
            # what unguarded_drops looks at first, without starting it
            if st.kind in _DROPPING and mentions_drop(st.text):
                found = list(unguarded_drops(st))
                if found:
                    drops.append((fi, k, st, found))
    if not drops:
        return
    # where each object is first created: (file position, statement position in its file)
    first: dict[str, tuple[int, int]] = {}
    creates = (Action.CREATE, Action.CREATE_OR_REPLACE)
    for fi, fs in enumerate(ctx.files[: drops[-1][0] + 1]):
        by_statement: dict[int, list[str]] = {}
        for e in ctx.effects_of(fs.file):
            if e.action in creates and e.kind in _CREATED_KINDS:
                by_statement.setdefault(e.ref.statement_index, []).append(e.id)
        if by_statement:
            for k, st in enumerate(fs.statements):
                for oid in by_statement.get(st.index, ()):
                    first.setdefault(oid, (fi, k))
    for fi, k, st, found in drops:
        for obj, kind in found:
            at = first.get(obj)
            # created by an earlier statement, or not (the statement itself creates after it drops)
            never = (at is None or at >= (fi, k)) and kind in (
                "table",
                "index",
                "view",
                "function",
                "policy",
                "trigger",
            )
            suffix = " (nothing earlier in the directory creates it)" if never else ""
            yield Hit(
                f"DROP {kind.upper()} {obj} without IF EXISTS fails when the {kind} is missing{suffix}",
                Location(st.file, st.line, st.column),
                objects=(obj,),
                severity=Severity.ERROR if never else None,
            )
