"""Which entries of a backup's table of contents an in-place restore replays (pure).

``pg_restore -l`` lists one entry per line: ``ID; CLASSOID OID TYPE SCHEMA NAME OWNER``. The in-place
restore first clears the schemas it owns (everything but PostgreSQL's and the platform-managed ones),
then replays the backup's entries for those schemas. In the schemas it leaves alone (``auth``,
``storage``, ``extensions``, ... — Supabase's, which a hosted project may not drop) it replays only
what clearing them could have removed or what the user owns there: policies, and the triggers and
foreign keys pointing into the cleared schemas. Extensions, publications and event triggers that still
exist are not re-created.
"""

from __future__ import annotations

from dataclasses import dataclass

# Longest first, so that "TABLE DATA" is not read as "TABLE".
_TYPES = (
    "ACCESS METHOD|ACL|AGGREGATE|BLOB|BLOB METADATA|BLOBS|CAST|CHECK CONSTRAINT|COLLATION|COMMENT|CONSTRAINT|"
    "CONVERSION|DATABASE|DATABASE PROPERTIES|DEFAULT|DEFAULT ACL|DOMAIN|ENCODING|EVENT TRIGGER|EXTENSION|"
    "FK CONSTRAINT|FOREIGN DATA WRAPPER|FOREIGN SERVER|FOREIGN TABLE|FUNCTION|INDEX|INDEX ATTACH|"
    "LARGE OBJECT|"
    "MATERIALIZED VIEW|MATERIALIZED VIEW DATA|OPERATOR|OPERATOR CLASS|OPERATOR FAMILY|POLICY|"
    "PROCEDURAL LANGUAGE|PROCEDURE|PUBLICATION|PUBLICATION TABLE|PUBLICATION TABLES IN SCHEMA|ROW SECURITY|"
    "RULE|SCHEMA|SEARCHPATH|SECURITY LABEL|SEQUENCE|SEQUENCE OWNED BY|SEQUENCE SET|SERVER|SHELL TYPE|"
    "STATISTICS|STATISTICS DATA|STDSTRINGS|SUBSCRIPTION|SUBSCRIPTION TABLE|TABLE|TABLE ATTACH|TABLE DATA|"
    "TEXT SEARCH CONFIGURATION|TEXT SEARCH DICTIONARY|TEXT SEARCH PARSER|TEXT SEARCH TEMPLATE|TRANSFORM|"
    "TRIGGER|TYPE|USER MAPPING|VIEW"
)
TOC_TYPES = sorted(
    _TYPES.split("|"),
    key=len,
    reverse=True,
)


@dataclass(frozen=True)
class TocEntry:
    line: str
    type: str
    schema: str  # "-" when the object has none
    tag: str  # the name as pg_restore prints it (``table trigger`` for triggers)


def parse_toc(text: str) -> list[TocEntry]:
    entries: list[TocEntry] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith(";"):
            continue
        head, _, rest = line.partition(";")
        # only the left end is stripped: an entry without an owner ends with a space (``COMMENT - EXTENSION
        # vector ``), and stripping it read ``vector`` as the owner and ``EXTENSION`` as the tag, so the
        # comment of an extension that exists was replayed, which only its owner may do
        parts = rest.lstrip().split(" ", 2)
        if len(parts) < 3 or not head.strip().isdigit():
            continue
        body = parts[2]
        kind = next((t for t in TOC_TYPES if body == t or body.startswith(t + " ")), None)
        if kind is None:
            entries.append(TocEntry(line, body.split(" ", 1)[0], "-", ""))
            continue
        after = body[len(kind) :].lstrip()
        schema, _, tag_owner = after.partition(" ")
        if tag_owner.endswith(" ") or " " not in tag_owner:  # no owner printed
            tag = tag_owner.strip()
        else:
            tag = tag_owner.rsplit(" ", 1)[0]
        entries.append(TocEntry(line, kind, schema, tag))
    return entries


def table_and_name(tag: str) -> tuple[str, str] | None:
    """``users on_auth_user_created`` → (users, on_auth_user_created); None when ambiguous."""
    parts = tag.split(" ")
    return (parts[0], parts[1]) if len(parts) == 2 else None


def select_entries(
    entries: list[TocEntry],
    *,
    kept_schemas: frozenset[str],
    surviving_schemas: frozenset[str],
    dropped_dependents: frozenset[tuple[str, str, str, str]],
    existing: frozenset[tuple[str, str, str, str]],
) -> list[TocEntry]:
    """The entries to replay.

    ``kept_schemas``: schemas left alone (managed); ``surviving_schemas``: schemas that still exist after
    clearing (managed ones and cleared ones that host an extension); ``dropped_dependents``: (kind,
    schema, table, name) removed from kept schemas by the clearing; ``existing``: (kind, schema, table,
    name) of triggers/foreign keys in kept schemas, and ('EXTENSION'|'PUBLICATION'|'EVENT TRIGGER', '-',
    '', name) of objects that exist now.
    """
    chosen: list[TocEntry] = []
    global_kinds = ("EXTENSION", "PUBLICATION", "EVENT TRIGGER")
    for e in entries:
        if e.type == "SCHEMA":
            if e.tag in surviving_schemas:
                continue
        elif e.type in global_kinds:
            if (e.type, "-", "", e.tag) in existing:
                continue
        elif e.type in ("COMMENT", "ACL", "SECURITY LABEL") and e.schema == "-":
            target_kind, _, target = e.tag.partition(" ")
            if target_kind == "SCHEMA" and target in kept_schemas:
                continue
            if target_kind in global_kinds and (target_kind, "-", "", target) in existing:
                continue
            if f"{target_kind} {target}".startswith("EVENT TRIGGER "):
                name = target.removeprefix("TRIGGER ")
                if ("EVENT TRIGGER", "-", "", name) in existing:
                    continue
        elif e.schema in kept_schemas:
            if e.type == "POLICY":
                pass
            elif e.type in ("TRIGGER", "FK CONSTRAINT"):
                tn = table_and_name(e.tag)
                if tn is None:
                    continue
                key = (e.type, e.schema, tn[0], tn[1])
                if key in existing and key not in dropped_dependents:
                    continue
            else:
                continue
        chosen.append(e)
    return chosen
