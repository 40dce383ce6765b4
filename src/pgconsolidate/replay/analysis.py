"""Turn raw failures into reported ones: hints, root causes and skipped statements (pure).

A failure cascades from an earlier one when the object its error names as missing would have been
created by an earlier statement that failed itself (found from the parse trees, see ``objects``). Chains
are followed to their start, so every cascade points at a root cause.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from pgconsolidate.replay.commented import CommentedCreate, created_in_comment
from pgconsolidate.replay.hints import STAND_IN_RAISED, hint_for
from pgconsolidate.replay.model import Location, ReplayFailure, Skipped
from pgconsolidate.replay.objects import Key, already_existing, created_by, missing_objects, removed_by
from pgconsolidate.replay.outside import OutsideFile, created_outside
from pgconsolidate.replay.units import Unit


@dataclass(frozen=True)
class RawFailure:
    """What the runner saw: the statement (by its position in the chain), SQLSTATE and message."""

    position: int
    sqlstate: str
    message: str
    referenced: str = ""  # a foreign key violation (23503): the table the missing row belongs in


_MAY_CREATE = re.compile(r"\s*(?:create|alter)\b", re.IGNORECASE)

#: Schemas of extensions every Supabase project has before its first migration (the scratch server lacks
#: them): a statement that fails for want of one of them is the platform's, skipped (and so carried).
PLATFORM_SCHEMAS = {"vault": "supabase_vault", "pgsodium": "pgsodium", "graphql": "pg_graphql"}
_MISSING_SCHEMA = re.compile(r'^schema "([^"]+)" does not exist')


_MISSING_ROLE = re.compile(r'^role "([^"]+)" does not exist')
_NO_LABEL_PROVIDER = re.compile(r'^security label provider "([^"]+)" is not loaded')


#: Said of a failure in a ``.down.sql`` file that the directory's tool runs as a migration.
DOWN_FILE_RUN = (
    "a rollback file: the Supabase CLI and dbmate run every <digits>_<name>.sql name as a migration, "
    "this one too, in name order; move it out of the migrations directory"
)


def platform_extension(sqlstate: str, message: str) -> str | None:
    """The platform extension that makes what the error names as missing, else None: its schema
    (``schema "vault" does not exist``: ``supabase_vault``), one of its roles (``role "pgsodium_keyiduser"
    does not exist``: the extension's name and ``_``) or its security label provider (``security label
    provider "pgsodium" is not loaded``: pgsodium's column encryption labels)."""
    if sqlstate == "3F000":
        m = _MISSING_SCHEMA.match(message)
        return PLATFORM_SCHEMAS.get(m[1]) if m else None
    if sqlstate == "42704":
        m = _MISSING_ROLE.match(message)
        name = m[1] if m else ""
        return next((ext for ext in PLATFORM_SCHEMAS.values() if name.startswith(ext + "_")), None)
    if sqlstate == "22023":
        m = _NO_LABEL_PROVIDER.match(message)
        return m[1] if m and m[1] in PLATFORM_SCHEMAS.values() else None
    return None


def _creators(units: tuple[Unit, ...]) -> list[tuple[Key, ...]]:
    """What each statement would create; only CREATE and ALTER statements are parsed for it."""
    return [created_by(u.node, u.text) if _MAY_CREATE.match(u.text) else () for u in units]


def _find(keys: tuple[Key, ...], creates: list[tuple[Key, ...]], positions: range | list[int]) -> int | None:
    for pos in positions:
        if any(key.matches(made) for key in keys for made in creates[pos]):
            return pos
    return None


#: how the hint of a failure on an object an earlier failure already found missing begins
SAME_MISSING = "same missing object"

_UNAVAILABLE = re.compile(r'extension "(?P<ext>[^"]+)" is not available')


def _inserted_into(unit: Unit) -> str:
    """The table (unqualified) an INSERT or COPY statement writes rows into, else ''."""
    node = unit.node or {}
    body = node.get("InsertStmt") or node.get("CopyStmt") or {}
    return str((body.get("relation") or {}).get("relname", ""))


def _row_cascade(units: tuple[Unit, ...], failed: list[int], table: str) -> int | None:
    """The last earlier statement that failed while inserting rows into ``table``: a foreign key violation
    naming that table (its referenced row missing) cascades from it."""
    return next((pos for pos in reversed(failed) if table and _inserted_into(units[pos]) == table), None)


def _loc(units: tuple[Unit, ...], position: int) -> Location:
    return Location(units[position].file, units[position].line)


_MAY_REMOVE = re.compile(r"\s*(?:drop|alter)\b", re.IGNORECASE)


def _removers(units: tuple[Unit, ...]) -> list[tuple[int, tuple[Key, ...]]]:
    """The statements that drop or rename something, with what they remove, in chain order."""
    out = []
    for pos, unit in enumerate(units):
        if _MAY_REMOVE.match(unit.text):
            removed = removed_by(unit.node)
            if removed:
                out.append((pos, removed))
    return out


def _removal(
    units: tuple[Unit, ...],
    creates: list[tuple[Key, ...]],
    removers: list[tuple[int, tuple[Key, ...]]],
    keys: tuple[Key, ...],
    before: int,
    failed: set[int],
) -> tuple[int, str] | None:
    """The last statement before ``before`` that ran and dropped (or renamed away) one of ``keys``, and
    which of the two it did. A ``DROP ... IF EXISTS`` counts only when an earlier statement that ran
    created the object (else it may have dropped nothing)."""
    for pos, removed in reversed(removers):
        if pos >= before or pos in failed:
            continue
        if not any(key.matches(gone) for key in keys for gone in removed):
            continue
        node = units[pos].node or {}
        if node.get("DropStmt", {}).get("missing_ok"):
            ran = [p for p in range(pos) if p not in failed]
            if _find(keys, creates, ran) is None:
                continue
        return pos, ("renamed" if "RenameStmt" in node else "dropped")
    return None


def _columns_no_one_added(creates: list[tuple[Key, ...]], position: int, ran: list[int]) -> tuple[str, ...]:
    """The columns the ``CREATE TABLE`` at ``position`` defines that no earlier statement that ran added
    to the table of that name (by its CREATE, ADD COLUMN or RENAME COLUMN): lost when it fails with
    "already exists"."""
    mine = [k for k in creates[position] if k.namespace == "column"]
    made = [k for p in ran for k in creates[p] if k.namespace == "column"]
    return tuple(k.name.rpartition(".")[2] for k in mine if not any(k.matches(m) for m in made))


def analyse(
    units: tuple[Unit, ...],
    raw: list[RawFailure],
    stand_ins: frozenset[str] = frozenset(),
    provided: Mapping[int, str] | None = None,
    outside: tuple[OutsideFile, ...] = (),
    absent: frozenset[str] = frozenset(),
    commented: tuple[CommentedCreate, ...] = (),
    tool: str = "the migration tool",
    pending_together: bool = False,
) -> tuple[tuple[ReplayFailure, ...], tuple[Skipped, ...]]:
    """``units``: every statement of the chain in order; ``raw``: the failures in the order they happened;
    ``provided``: positions of ``CREATE EXTENSION`` statements not run because the platform provides the
    extension (the scratch server lacks it): no failure of their own, but a statement that needs what
    they create is skipped, as after an unavailable extension; ``outside``: the directory's files the
    migration tool does not run, with what they would create (named in the hint of a statement whose
    missing object only such a file creates); ``absent``: schemas of the platform's preinstalled extensions
    (``PLATFORM_SCHEMAS``) the scratch database lacks: a ``DO`` block that ran but calls into one of them
    (its error caught inside, or guarded) did nothing there, so it is reported as skipped too;
    ``commented``: CREATE statements the files hold only in ``--`` comments (named in the hint of a
    statement whose missing object only such a comment creates); ``tool``, ``pending_together``: how hints
    name the directory's tool and whether it applies every pending file in one transaction (drizzle-kit)."""
    creates = _creators(units)
    first_missing: dict[Key, int] = {}  # an object no statement creates -> the first failure naming it
    removers: list[tuple[int, tuple[Key, ...]]] | None = None
    failed: list[int] = []
    root_of: dict[int, int | None] = {}
    out: list[ReplayFailure] = []
    skipped: list[Skipped] = []
    missing_ext: dict[int, str] = dict(provided or {})
    pending = sorted(missing_ext)
    for rf in raw:
        while pending and pending[0] < rf.position:
            failed.append(pending.pop(0))
        unit = units[rf.position]
        missing = missing_objects(rf.message)
        cause = _find(missing, creates, list(reversed(failed))) if missing else None
        row_cascade = False
        if cause is None and rf.sqlstate == "23503" and rf.referenced:
            cause = _row_cascade(units, failed, rf.referenced)
            row_cascade = cause is not None
        root = None
        if cause is not None:
            earlier_root = root_of.get(cause)
            root = cause if earlier_root is None else earlier_root
        root_of[rf.position] = root
        later = _find(missing, creates, range(rf.position + 1, len(units))) if missing else None
        removal = None
        if missing and cause is None:
            removers = _removers(units) if removers is None else removers
            removal = _removal(units, creates, removers, missing, rf.position, set(failed))
        earlier = None
        columns_lost: tuple[str, ...] = ()
        if "already exists" in rf.message:
            exists = already_existing(rf.message)
            ran = [p for p in range(rf.position) if p not in root_of]
            earlier_pos = _find(exists, creates, ran)
            earlier = _loc(units, earlier_pos) if earlier_pos is not None else None
            if unit.kind == "CreateStmt" and earlier_pos is not None:
                columns_lost = _columns_no_one_added(creates, rf.position, ran)
        ext = _UNAVAILABLE.search(rf.message) or STAND_IN_RAISED.search(rf.message)
        platform = (
            platform_extension(rf.sqlstate, rf.message)
            if cause is None and later is None and removal is None
            else None
        )  # a schema no statement of the chain makes (one that does: use before create, drop)
        left_out = None
        if missing and cause is None and later is None and removal is None and outside:
            found = created_outside(missing, outside)
            left_out = (found.path, found.reason) if found is not None else None
        in_comment = None
        if missing and cause is None and later is None and removal is None and left_out is None and commented:
            found_c = created_in_comment(missing, commented)
            in_comment = Location(found_c.file, found_c.line) if found_c is not None else None
        same = None
        if missing and cause is None and later is None and removal is None and left_out is None:
            # the object no statement creates, already missing for an earlier failure: one root cause
            same = next((first_missing[k] for k in missing if k in first_missing), None)
            if same is None:
                for k in missing:
                    first_missing.setdefault(k, rf.position)
            else:
                root = same
                root_of[rf.position] = same
        hint = hint_for(
            rf.sqlstate,
            rf.message,
            earlier=earlier,
            later=_loc(units, later) if later is not None else None,
            cascade_of=_loc(units, cause) if cause is not None else None,
            stand_in=bool(ext and ext["ext"] in stand_ins),
            referenced_row=row_cascade,
            statement=unit.text,
            removed=(_loc(units, removal[0]), removal[1]) if removal is not None else None,
            later_unparsable=later is not None and not units[later].parses,
            left_out=left_out,
            columns_lost=columns_lost,
            platform=platform,
            commented=in_comment,
            tool=tool,
            pending_together=pending_together,
        )
        if cause is not None and root is not None and root != cause:
            hint += f" (root cause: {units[root].file}:{units[root].line})"
        if same is not None:
            hint = f"{SAME_MISSING} as at {units[same].file}:{units[same].line}: {hint}"
        if unit.file.endswith(".down.sql"):  # replayed only where the tool runs it (Supabase CLI, dbmate)
            hint += f" ({DOWN_FILE_RUN})"
        # a statement not run because the platform provides its extension is no failure to point at
        shown_root = None if root is not None and provided and root in provided else root
        if shown_root is None and root is not None:
            hint += f" (the platform provides extension {missing_ext[root]}; the scratch server lacks it)"
        out.append(
            ReplayFailure(
                file=unit.file,
                line=unit.line,
                statement=unit.first_line,
                sqlstate=rf.sqlstate,
                message=rf.message,
                hint=hint,
                root_cause=_loc(units, shown_root) if shown_root is not None else None,
            )
        )
        if ext:
            missing_ext[rf.position] = ext["ext"]
            why = (
                f"extension {ext['ext']} is not available"
                if ext.re is _UNAVAILABLE
                else f"needs what the stand-in for extension {ext['ext']} cannot compute; the scratch server "
                f"lacks {ext['ext']}"
            )
            skipped.append(Skipped(unit.file, unit.line, unit.first_line, why))
        elif platform is not None:
            missing_ext[rf.position] = platform
            skipped.append(
                Skipped(
                    unit.file,
                    unit.line,
                    unit.first_line,
                    f"needs extension {platform} (on every Supabase project), which the scratch server lacks",
                )
            )
        elif root is not None and root in missing_ext:
            skipped.append(
                Skipped(
                    unit.file,
                    unit.line,
                    unit.first_line,
                    f"needs extension {missing_ext[root]}, which the scratch server lacks",
                )
            )
        failed.append(rf.position)
    if absent and (blocks := _platform_blocks(units, absent, {rf.position for rf in raw})):
        at = {(u.file, u.line): pos for pos, u in enumerate(units)}
        skipped = sorted([*skipped, *blocks], key=lambda k: at.get((k.file, k.line), -1))
    return tuple(out), tuple(skipped)


def _platform_blocks(units: tuple[Unit, ...], absent: frozenset[str], failed: set[int]) -> list[Skipped]:
    """The ``DO`` blocks that ran although they call into a platform schema the scratch database lacks."""
    word = re.compile(r"\b(" + "|".join(sorted(absent)) + r')"?\s*\.\s*"?[a-z_]', re.IGNORECASE)
    out = []
    for pos, unit in enumerate(units):
        if pos in failed or unit.kind != "DoStmt":
            continue
        m = word.search(unit.text)
        if m:
            ext = PLATFORM_SCHEMAS[m[1].lower()]
            out.append(
                Skipped(
                    unit.file,
                    unit.line,
                    unit.first_line,
                    f"calls into schema {m[1].lower()} of extension {ext} (on every Supabase project), which "
                    "the scratch server lacks: it ran, but did nothing there",
                )
            )
    return out
