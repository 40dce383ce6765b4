"""Rule ``version-collision``: two or more migration files share a version."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

from pgconsolidate.rules.finding import Location, Severity
from pgconsolidate.rules.registry import Hit, RuleContext, rule
from pgconsolidate.sources.model import Scheme
from pgconsolidate.sources.naming import version_key

#: tools that record a migration by its file or directory name (sql-migrate, Prisma) or by the hash of its
#: file in the journal's order (drizzle-kit), not by the number it starts with
_KEYED_BY_NAME = frozenset({Scheme.SQL_MIGRATE, Scheme.PRISMA, Scheme.DRIZZLE})


@rule(
    id="version-collision",
    severity=Severity.ERROR,
    help="Give each file its own version (e.g. a full 14-digit timestamp); merge true variants into one "
    "file and delete the others.",
)
def version_collision(ctx: RuleContext) -> Iterator[Hit]:
    """Two or more migration files share a version.

    Migration tools record applied migrations by version: Supabase keeps one row per version in
    ``supabase_migrations.schema_migrations`` (``version`` is its primary key), so the second file
    with the same version is skipped, rejected or recorded in place of the first depending on the
    command. Which file "wins" then depends on the machine. One finding per file that shares a version,
    naming the others. Versions are compared as the tool compares them (goose, golang-migrate, tern: ``001``
    is ``1``; Flyway: ``1.0`` and ``01`` are ``1``). Not for sql-migrate and Prisma, which record each
    migration by its whole file or directory name (``02_add_a/`` and ``02_add_b/`` are two migrations), nor
    drizzle-kit, which follows its journal.
    """
    if ctx.mdir.tool in _KEYED_BY_NAME:
        return  # 001_a.sql and 001_b.sql (02_a/, 02_b/) are two migrations to these tools
    files = ctx.mdir.files
    tool = ctx.mdir.tool
    versions = [version_key(tool, mf.filename.version) for mf in files]
    shared = {v for v, n in Counter(versions).items() if n > 1 and v}
    if not shared:
        return  # the usual case: every version once
    groups: dict[str, list[str]] = defaultdict(list)
    for mf, version in zip(files, versions, strict=True):
        if version in shared:
            groups[version].append(mf.path)
    for version, paths in groups.items():
        if len(paths) < 2:
            continue
        for path in paths:
            others = [p for p in paths if p != path]
            yield Hit(
                f"version {version} is shared by {len(paths)} files; also used by {', '.join(others)}",
                Location(path),
                tuple(Location(p) for p in others),
                (version,),
            )
