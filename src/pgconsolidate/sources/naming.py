"""Recognise migration file names and order files as their owning tool does. Pure: names in, data out."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from pgconsolidate.sources.model import FileName, Scheme

_GOLANG = re.compile(r"^(?P<version>\d+)_(?P<name>.*)\.(?P<dir>up|down)\.sql$")
_FLYWAY = re.compile(r"^(?P<prefix>[VU])(?P<version>\d+(?:[._]\d+)*)__(?P<name>.+)\.sql$")
_FLYWAY_REPEATABLE = re.compile(r"^R__(?P<name>.+)\.sql$")
_SUPABASE = re.compile(r"^(?P<version>\d+)_(?P<name>.*)\.sql$")  # the Supabase CLI's own pattern
_NUMBERED = re.compile(r"^(?P<version>\d+)(?:[-.](?P<name>.*))?\.sql$")
# a release-style version: 1.0.0-00-create_x.sql, 2.3_add_y.sql (numbers, compared part by part)
_DOTTED = re.compile(r"^(?P<version>\d+(?:\.\d+)+(?:-\d+)?)(?:[-_.](?P<name>.*))?\.sql$")

_GOOSE_UP = re.compile(r"^\s*--\s*\+goose\s+up\b", re.IGNORECASE | re.MULTILINE)
_GOOSE_DOWN = re.compile(r"^\s*--\s*\+goose\s+down\b", re.IGNORECASE | re.MULTILINE)
_DBMATE_UP = re.compile(r"^\s*--\s*migrate:up\b", re.MULTILINE)
_DBMATE_DOWN = re.compile(r"^\s*--\s*migrate:down\b", re.MULTILINE)
# rubenv/sql-migrate: the line starts with exactly "-- +migrate " and the command is case-sensitive
_SQL_MIGRATE_UP = re.compile(r"^-- \+migrate[ \t]+Up(?![^\s])", re.MULTILINE)
_SQL_MIGRATE_DOWN = re.compile(r"^-- \+migrate[ \t]+Down(?![^\s])", re.MULTILINE)
#: jackc/tern: what is above this line is the migration, what is below it the rollback
TERN_SPLIT = "---- create above / drop below ----"


def parse_filename(filename: str) -> FileName | None:
    """What ``filename`` says about itself, or None if it is not a migration name."""
    if filename[:1].isdigit() and not filename.endswith((".up.sql", ".down.sql")):
        # the usual case, decided without the patterns that cannot match it (golang-migrate's needs
        # .up/.down, Flyway's a letter first)
        if m := _SUPABASE.match(filename):
            return FileName(m["version"], m["name"], Scheme.SUPABASE)
        if m := _DOTTED.match(filename):
            return FileName(m["version"], m["name"] or "", Scheme.NUMBERED)
        if m := _NUMBERED.match(filename):
            return FileName(m["version"], m["name"] or "", Scheme.NUMBERED)
        return None
    if m := _GOLANG.match(filename):
        return FileName(m["version"], m["name"], Scheme.GOLANG_MIGRATE, m["dir"])
    if m := _FLYWAY.match(filename):
        direction = "down" if m["prefix"] == "U" else "up"
        return FileName(m["version"].replace("_", "."), m["name"], Scheme.FLYWAY, direction)
    if m := _FLYWAY_REPEATABLE.match(filename):
        return FileName("", m["name"], Scheme.FLYWAY_REPEATABLE)
    if m := _SUPABASE.match(filename):
        return FileName(m["version"], m["name"], Scheme.SUPABASE)
    if m := _NUMBERED.match(filename):
        return FileName(m["version"], m["name"] or "", Scheme.NUMBERED)
    return None


_FLYWAY_ONE_UNDERSCORE = re.compile(r"^(?:[VU]\d+(?:[._]\d+)*|R)_[^_].*\.sql$")
_FLYWAY_BASELINE = re.compile(r"^B(?P<version>\d+(?:[._]\d+)*)__.+\.sql$")
_FLYWAY_CALLBACK = re.compile(r"^(?:(?:before|after)[A-Z][A-Za-z]*|createSchema)(?:__.*)?\.sql$")


def flyway_left_out_reason(filename: str) -> str | None:
    """Why Flyway does not run ``filename`` as a migration, when its name says more than "not a migration":
    a baseline migration (``B5__baseline.sql``: only on an empty database, in place of V1..V5), a
    callback (``afterMigrate.sql``, ``beforeEachMigrate__log.sql``: run at that event, not a migration of
    its own) or a migration name with one underscore (``V11_add_index.sql``: Flyway skips it)."""
    base = filename.rsplit("/", 1)[-1]
    if _FLYWAY_CALLBACK.match(base):
        event = base[:-4].split("__", 1)[0]
        return (
            f"Flyway callback: Flyway runs it at {event}, not as a migration; what it changes is not replayed"
        )
    if m := _FLYWAY_BASELINE.match(base):
        version = m["version"].replace("_", ".")
        return (
            f"Flyway baseline migration: on an empty database Flyway runs it instead of the versioned "
            f"migrations up to {version}; the replay applies those versioned files"
        )
    if _FLYWAY_ONE_UNDERSCORE.match(base):
        return (
            "not a Flyway migration name: V<version>__<description>.sql has two underscores; Flyway skips "
            "it, or fails with validateMigrationNaming"
        )
    return None


_UP_WORDS = frozenset({"up", "do", "apply", "forward"})
_DOWN_WORDS = frozenset({"down", "undo", "rollback", "revert", "backward"})
_WORDS = re.compile(r"[A-Za-z]+")


def _direction_word(name: str) -> str | None:
    """``up`` or ``down`` when the first or last word of a file's name (after its version) says so:
    ``up__create_db``, ``undo``, ``create_users_down``."""
    words = _WORDS.findall(name)
    for word in (words[0], words[-1]) if words else ():
        if word.lower() in _UP_WORDS:
            return "up"
        if word.lower() in _DOWN_WORDS:
            return "down"
    return None


def paired_downs(named: Sequence[tuple[str, FileName]]) -> dict[int, str]:
    """The down migrations of tools that name both directions alike (``001_up__create_db.sql`` and
    ``001_down__delete_db.sql``; postgrator's ``001.do.sql`` and ``001.undo.sql``): among files that share
    a version, those whose name starts or ends with down/undo/rollback/revert when another of them starts
    or ends with up/do. Returns each one's position in ``named`` -> the file that is its up migration.
    A lone ``003_down_payments.sql`` is not one (nothing pairs it)."""
    by_version: dict[str, list[int]] = {}
    for i, (_, name) in enumerate(named):
        by_version.setdefault(name.version, []).append(i)
    downs: dict[int, str] = {}
    for positions in by_version.values():
        if len(positions) < 2:
            continue
        said = {i: _direction_word(named[i][1].name) for i in positions}
        ups = [named[i][0] for i in positions if said[i] == "up"]
        if ups:
            downs.update((i, ups[0]) for i in positions if said[i] == "down")
    return downs


def _may_have_markers(text: str) -> bool:
    """Cheap pre-check before the marker regexes (which are slow on large files)."""
    return "migrate:" in text or "+migrate" in text or TERN_SPLIT in text or "goose" in text.lower()


def up_section(text: str) -> tuple[int, int] | None:
    """The character span of the forward part of a goose or dbmate file, or None if it has no markers."""
    if not _may_have_markers(text):
        return None
    if (split := text.find(TERN_SPLIT)) >= 0 and not _GOOSE_UP.search(text) and not _DBMATE_UP.search(text):
        return (0, split)
    for up_re, down_re in (
        (_GOOSE_UP, _GOOSE_DOWN),
        (_DBMATE_UP, _DBMATE_DOWN),
        (_SQL_MIGRATE_UP, _SQL_MIGRATE_DOWN),
    ):
        up = up_re.search(text)
        if up is None:
            continue
        start = text.find("\n", up.end())
        start = len(text) if start < 0 else start + 1
        down = down_re.search(text, start)
        return (start, down.start() if down else len(text))
    return None


def marker_scheme(text: str) -> Scheme | None:
    """The tool whose up/down markers appear in ``text``."""
    if not _may_have_markers(text):
        return None
    if _GOOSE_UP.search(text):
        return Scheme.GOOSE
    if _DBMATE_UP.search(text):
        return Scheme.DBMATE
    if _SQL_MIGRATE_UP.search(text):
        return Scheme.SQL_MIGRATE
    if TERN_SPLIT in text:
        return Scheme.TERN
    return None


def _flyway_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".") if p.isdigit())


def detect_tool(root_hint: str, names: Iterable[FileName], marker_schemes: Iterable[Scheme]) -> Scheme:
    """The tool that owns the directory: by path (``supabase/migrations``), markers, then names."""
    markers = set(marker_schemes)
    if Scheme.GOOSE in markers:
        return Scheme.GOOSE
    if Scheme.DBMATE in markers:
        return Scheme.DBMATE
    if Scheme.SQL_MIGRATE in markers:
        return Scheme.SQL_MIGRATE
    if Scheme.TERN in markers:
        return Scheme.TERN
    counts: dict[Scheme, int] = {}
    for n in names:
        scheme = Scheme.FLYWAY if n.scheme is Scheme.FLYWAY_REPEATABLE else n.scheme
        counts[scheme] = counts.get(scheme, 0) + 1
    if "supabase" in root_hint.replace("\\", "/").split("/"):
        return Scheme.SUPABASE
    if not counts:
        return Scheme.SUPABASE
    return max(counts, key=lambda s: (counts[s], s is Scheme.SUPABASE))


def order_key(tool: Scheme, filename: str, name: FileName) -> tuple[object, ...]:
    """Sort key reproducing the owning tool's order.

    Supabase CLI and dbmate: by file name (the version string compares as text, as they compare it).
    goose and golang-migrate: by numeric version. Flyway: versioned by numeric parts, then repeatables
    by description. sql-migrate: by the number the name starts with, then by name.
    """
    if tool is Scheme.SQL_MIGRATE:
        digits = _LEADING_DIGITS.match(filename)
        return (0, int(digits[0]), filename) if digits else (1, 0, filename)
    if tool in (Scheme.GOOSE, Scheme.GOLANG_MIGRATE, Scheme.NUMBERED, Scheme.TERN):
        v = name.version
        if v.isdigit():
            return (0, (int(v),), filename)
        return (0, tuple(int(p) for p in _NUMBER_PARTS.findall(v)), filename)  # 1.10.0 after 1.9.0
    if tool is Scheme.FLYWAY:
        if name.scheme is Scheme.FLYWAY_REPEATABLE:
            return (1, (), name.name)
        return (0, _flyway_key(name.version), filename)
    return (0, filename)


_LEADING_DIGITS = re.compile(r"\d+")
_NUMBER_PARTS = re.compile(r"\d+")


_NUMERIC_VERSIONS = frozenset(
    {Scheme.GOOSE, Scheme.GOLANG_MIGRATE, Scheme.FLYWAY, Scheme.FLYWAY_REPEATABLE, Scheme.TERN}
)


def version_key(tool: Scheme, version: str) -> str:
    """``version`` as ``tool`` compares versions: goose, golang-migrate and tern read a number (``001``
    is ``1``), Flyway dotted numbers (``1.0`` and ``01`` are ``1``); the others compare the text."""
    if tool not in _NUMERIC_VERSIONS:
        return version
    parts = version.replace("_", ".").split(".")
    if not all(p.isdigit() for p in parts):
        return version
    nums = [str(int(p)) for p in parts]
    while tool is Scheme.FLYWAY and len(nums) > 1 and nums[-1] == "0":
        nums.pop()
    return ".".join(nums)


def orders_by_name(tool: Scheme) -> bool:
    """True when :func:`order_key` orders ``tool``'s files by file name alone (then files listed in
    name order are already in the tool's order)."""
    return tool not in (
        Scheme.GOOSE,
        Scheme.GOLANG_MIGRATE,
        Scheme.NUMBERED,
        Scheme.FLYWAY,
        Scheme.SQL_MIGRATE,
        Scheme.TERN,
    )


def sort_names(tool: Scheme, items: Sequence[tuple[str, FileName]]) -> list[tuple[str, FileName]]:
    return sorted(items, key=lambda item: order_key(tool, item[0], item[1]))
