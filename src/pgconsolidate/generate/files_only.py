"""What the fix runs to create, in the live database, the objects the plan's ``files_only`` entries with
``action = "create"`` name (pure).

The definitions come from ``pg_dump --schema-only`` of the replayed files (the exact DDL PostgreSQL
prints), entry by entry in the dump's dependency order: an object's own entry and those that hang on it
(a table's defaults, constraints, indexes, row security, policies, triggers, the sequences its columns
own, comments and grants), each made idempotent as in the clean set, so the fix can run twice and on the
replayed chain, which already has them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from pgconsolidate.generate.cleanset import DumpEntry, idempotent
from pgconsolidate.plan.model import FilesOnly

_OWN = frozenset(
    {"TABLE", "VIEW", "MATERIALIZED VIEW", "SEQUENCE", "TYPE", "DOMAIN", "FUNCTION", "PROCEDURE", "INDEX"}
)
_ON_TABLE = frozenset({"DEFAULT", "CONSTRAINT", "FK CONSTRAINT", "POLICY", "TRIGGER", "ROW SECURITY", "RULE"})
_INDEX_TABLE = re.compile(r"\bON (?:ONLY )?(?P<table>\S+) USING\b")
_OWNED_BY = re.compile(r"\bOWNED BY (?P<column>\S+?);?$")
_SETTING = re.compile(r"^SET [a-z_]+ = .*;$", re.MULTILINE)
_COMMENT_ON = re.compile(r"^(?P<what>POLICY|TRIGGER|CONSTRAINT|RULE) (?P<name>.+) ON (?P<table>.+)$")


def _plain(name: str) -> str:
    return name.replace('"', "")


def owners(e: DumpEntry) -> tuple[str, ...]:
    """The identities an entry belongs to: the object it creates or names, and its table when it hangs
    on one (``public.t`` and ``public.t.p`` for policy ``p`` of ``t``)."""
    s = e.schema
    if e.type == "SEQUENCE OWNED BY":
        m = _OWNED_BY.search(e.sql.strip())
        table = _plain(m["column"]).rsplit(".", 1)[0] if m else ""
        return (f"{s}.{e.name}", table)
    if e.type == "INDEX":
        m = _INDEX_TABLE.search(e.sql)
        return (f"{s}.{e.name}", _plain(m["table"]) if m else "")
    if e.type in _OWN:
        return (f"{s}.{e.name}",)
    if e.type in _ON_TABLE:
        table, _, rest = e.name.partition(" ")
        table = table if table.startswith(f"{s}.") else f"{s}.{table}"  # managed_triggers qualify it
        return (table, f"{table}.{rest}") if rest else (table,)
    if e.type in ("COMMENT", "ACL"):
        what, _, name = e.name.partition(" ")
        if what == "COLUMN":
            return (f"{s}.{name.rsplit('.', 1)[0]}",)
        m = _COMMENT_ON.match(e.name)
        if m:
            return (f"{s}.{m['table']}", f"{s}.{m['table']}.{m['name']}")
        return (f"{s}.{name}",)
    return ()


def creation_sql(entries: Sequence[DumpEntry], chosen: Iterable[FilesOnly]) -> list[tuple[str, str]]:
    """(identity, idempotent SQL) for each dump entry that creates one of ``chosen`` or hangs on it, in
    the dump's order (dependencies first, foreign keys last, whatever order the plan lists them in); an
    object whose definition is not in ``entries`` has no entry (the caller says so). pg_dump's session
    settings between entries (``SET default_tablespace = ''``) are left out."""
    wanted = {c.object for c in chosen}
    sequences = {
        f"{e.schema}.{e.name}": owners(e)[1] for e in entries if e.type == "SEQUENCE OWNED BY"
    }  # a serial column's sequence: created with its table
    out: list[tuple[str, str]] = []
    for e in entries:
        mine = list(owners(e))
        if e.type == "SEQUENCE" or (e.type == "ACL" and e.name.startswith("SEQUENCE ")):
            seq = f"{e.schema}.{e.name.removeprefix('SEQUENCE ')}"
            if seq in sequences:
                mine.append(sequences[seq])
        owner = next((m for m in mine if m in wanted), None)
        if owner is None:
            continue
        body = _SETTING.sub("", e.sql).strip()
        if body:
            out.append((owner, idempotent(body, f"dump:{e.type} {e.name}")))
    return out
