"""``history_repair.sql``: mark the clean set applied and the replaced versions reverted (pure)."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Mapping, Sequence

from psycopg import sql

from pgconsolidate.generate.render import comment_block, do_block, qualified, render


def generate_history_repair(
    table: str,
    applied: list[tuple[str, str]],
    reverted: list[str],
    *,
    tool: str = "supabase",
    scripts: Mapping[str, tuple[str, str]] | None = None,
    replaced_files: Sequence[str] = (),
) -> str:
    """For a database that already has the schema: insert (version, name) rows of the clean set and
    delete the replaced versions, in one transaction (what ``supabase migration repair --status
    applied|reverted`` does, for every file at once). ``table`` is ``schema.table`` with a ``version``
    column (Supabase also has ``name``). For Flyway, ``scripts`` maps each clean-set version to its
    (file name, text) for the checksum Flyway records, and ``replaced_files`` names the old files (their
    repeatable migrations have no version)."""
    tbl = qualified(table)
    head = comment_block(
        "pgconsolidate history repair: run once on databases that already have the schema (after the\n"
        f"consolidation fix). Marks the {len(applied)} clean-set files as applied and the "
        f"{len(reverted)} replaced\n"
        f"versions as reverted in {table}. Idempotent."
    )
    guard = _guard_table(table)
    parts = [head, "BEGIN;\n", guard]
    if tool in ("flyway", "flyway-repeatable"):
        return _flyway(table, applied, reverted, scripts, replaced_files)
    if tool == "sqlx":
        return _sqlx(table, applied, reverted, scripts)
    if tool == "prisma":
        return _prisma(table, applied, scripts, replaced_files)
    if tool == "diesel":
        return _diesel(table, applied, reverted)
    if tool == "sql-migrate":  # one row per file, keyed by the file's name
        for name, _text in (scripts or {}).values():
            parts.append(
                render(
                    sql.SQL(
                        "INSERT INTO {t} (id, applied_at) SELECT {n}, now() "
                        "WHERE NOT EXISTS (SELECT 1 FROM {t} WHERE id = {n});\n"
                    ).format(t=tbl, n=sql.Literal(name))
                )
            )
        if replaced_files:
            parts.append(
                render(
                    sql.SQL("DELETE FROM {t} WHERE id IN ({ns});\n").format(
                        t=tbl, ns=sql.SQL(", ").join(sql.Literal(n) for n in replaced_files)
                    )
                )
            )
        parts.append("COMMIT;\n")
        return "".join(parts)
    if tool == "tern":  # one row: the current version (the clean set is numbered 1, 2, ...)
        current = max((int(ver) for ver, _ in applied if ver.isdigit()), default=0)
        parts.append(
            render(
                sql.SQL("DELETE FROM {t};\nINSERT INTO {t} (version) VALUES ({v});\n").format(
                    t=tbl, v=sql.Literal(current)
                )
            )
        )
        parts.append("COMMIT;\n")
        return "".join(parts)
    if tool == "golang-migrate":  # one row: the current version
        last = max((v for v, _ in applied), default="")
        parts.append(
            render(
                sql.SQL("DELETE FROM {t};\nINSERT INTO {t} (version, dirty) VALUES ({v}, false);\n").format(
                    t=tbl, v=sql.Literal(int(last) if last.isdigit() else last)
                )
            )
        )
        parts.append("COMMIT;\n")
        return "".join(parts)
    if tool == "goose":
        for version, _ in applied:
            v = sql.Literal(int(version) if version.isdigit() else version)
            parts.append(
                render(
                    sql.SQL(
                        "INSERT INTO {t} (version_id, is_applied) SELECT {v}, true "
                        "WHERE NOT EXISTS (SELECT 1 FROM {t} WHERE version_id = {v} AND is_applied);\n"
                    ).format(t=tbl, v=v)
                )
            )
        olds = [sql.Literal(int(v)) for v in sorted(set(reverted)) if v.isdigit()]
        if olds:
            parts.append(
                render(
                    sql.SQL("DELETE FROM {t} WHERE version_id IN ({vs});\n").format(
                        t=tbl, vs=sql.SQL(", ").join(olds)
                    )
                )
            )
        parts.append("COMMIT;\n")
        return "".join(parts)
    with_name = table == "supabase_migrations.schema_migrations"
    for version, name in applied:
        if with_name:
            q = sql.SQL(
                "INSERT INTO {t} (version, name) SELECT {v}, {n} WHERE NOT EXISTS (SELECT 1 "
                "FROM {t} WHERE version = {v});"
            ).format(t=tbl, v=sql.Literal(version), n=sql.Literal(name))
        else:
            q = sql.SQL(
                "INSERT INTO {t} (version) SELECT {v} WHERE NOT EXISTS (SELECT 1 FROM {t} WHERE "
                "version = {v});"
            ).format(t=tbl, v=sql.Literal(version))
        parts.append(render(q) + "\n")
    if reverted:
        parts.append(_delete_versions(tbl, sorted(set(reverted))))
    parts.append("COMMIT;\n")
    return "".join(parts)


def flyway_checksum(text: str) -> int:
    """The checksum Flyway records for a SQL migration: CRC-32 over the UTF-8 bytes of the script's
    lines without their terminators (``\\n``, ``\\r\\n`` or ``\\r``: line-ending independent), a byte order
    mark at the start dropped, as a signed 32-bit integer (Flyway stores Java's ``(int) crc32``)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    joined = text.replace("\r\n", "").replace("\r", "").replace("\n", "")
    value = zlib.crc32(joined.encode("utf-8"))
    return value - (1 << 32) if value >= (1 << 31) else value


def flyway_description(name: str) -> str:
    """Flyway's description of ``V<version>__<words>.sql``: the words, underscores read as spaces."""
    base = name[:-4] if name.endswith(".sql") else name
    return base.split("__", 1)[1].replace("_", " ") if "__" in base else base


def _flyway(
    table: str,
    applied: list[tuple[str, str]],
    reverted: list[str],
    scripts: Mapping[str, tuple[str, str]] | None,
    replaced_files: Sequence[str],
) -> str:
    """Flyway: what ``flyway repair`` does for the replaced migrations (failed rows removed, every
    applied row marked by a ``DELETE`` row: ``flyway info`` shows them as deleted and ``validate`` no
    longer misses their files) and the clean set recorded as successfully applied SQL migrations with the
    checksum Flyway computes, so ``flyway validate`` accepts it and ``migrate`` does not run it again."""
    t = qualified(table)
    versions = sorted({v for v in reverted if v})
    # repeatable migrations (R__<name>.sql) have no version: they are found by their script name
    scripts_old = sorted({n for n in (p.rsplit("/", 1)[-1] for p in replaced_files) if n.startswith("R__")})
    exact = scripts is not None and all(v in scripts for v, _ in applied)
    note = (
        "Checksums: CRC-32 of each clean-set file's lines, as Flyway computes it (line endings and a\n"
        "leading byte order mark do not count); `flyway validate` accepts them as they are."
        if exact
        else "Checksums: the clean-set files' text was not available, so their checksum is NULL here: run\n"
        "`flyway repair` once after this file (it realigns checksums with the files), then `flyway validate`."
    )
    head = comment_block(
        "pgconsolidate history repair for Flyway: run once on databases that already have the schema (after\n"
        f"the consolidation fix), instead of migrating. In {table}:\n"
        f"* the {len(versions) + len(scripts_old)} replaced migration(s) marked deleted "
        "the way `flyway repair` marks missing\n"
        "  migrations: failed rows of them removed, one row of type DELETE added after each applied row;\n"
        f"* the {len(applied)} clean-set file(s) recorded as applied (type SQL, success,\n"
        "  execution_time 0, installed_by the current user), each once.\n"
        f"{note}\n"
        "Idempotent: a second run changes nothing."
    )
    guard = _guard_table(table)
    parts = [head, "BEGIN;\n", guard]
    parts.append(render(sql.SQL("LOCK TABLE {t} IN SHARE ROW EXCLUSIVE MODE;\n").format(t=t)))
    replaced: sql.Composable = sql.SQL("false")
    if versions or scripts_old:
        conds: list[sql.Composable] = []
        if versions:
            conds.append(
                sql.SQL("h.version IN ({})").format(sql.SQL(", ").join(sql.Literal(v) for v in versions))
            )
        if scripts_old:
            conds.append(
                sql.SQL("(h.version IS NULL AND h.script IN ({}))").format(
                    sql.SQL(", ").join(sql.Literal(s) for s in scripts_old)
                )
            )
        replaced = sql.SQL("({})").format(sql.SQL(" OR ").join(conds))
        parts.append("\n-- replaced migrations: failed attempts removed (as `flyway repair` does)\n")
        parts.append(
            render(sql.SQL("DELETE FROM {t} h WHERE NOT h.success AND {r};\n").format(t=t, r=replaced))
        )
        parts.append(
            "\n-- replaced migrations: marked deleted (a DELETE row after each applied row, as repair does)\n"
        )
        parts.append(
            render(
                sql.SQL(
                    "INSERT INTO {t} (installed_rank, version, description, type, script, checksum, "
                    "installed_by, execution_time, success)\n"
                    "SELECT (SELECT coalesce(max(installed_rank), 0) FROM {t}) "
                    "+ row_number() OVER (ORDER BY h.installed_rank),\n"
                    "       h.version, h.description, 'DELETE', h.script, h.checksum, current_user, 0, true\n"
                    "FROM {t} h\n"
                    "WHERE {r} AND h.success AND h.type NOT IN ('DELETE', 'BASELINE', 'SCHEMA')\n"
                    "  AND NOT EXISTS (SELECT 1 FROM {t} d WHERE d.type = 'DELETE' AND d.success\n"
                    "                  AND d.version IS NOT DISTINCT FROM h.version AND d.script = h.script\n"
                    "                  AND d.installed_rank > h.installed_rank);\n"
                ).format(t=t, r=replaced)
            )
        )
    parts.append("\n-- the clean set: recorded as applied\n")
    for version, domain in applied:
        name, text = (scripts or {}).get(version, (f"V{version}__{domain}.sql", None))
        checksum = sql.Literal(flyway_checksum(text)) if text is not None else sql.SQL("NULL::integer")
        parts.append(
            render(
                sql.SQL(
                    "INSERT INTO {t} (installed_rank, version, description, type, script, checksum, "
                    "installed_by, execution_time, success)\n"
                    "SELECT (SELECT coalesce(max(installed_rank), 0) + 1 FROM {t}), {v}, {d}, 'SQL', {s},\n"
                    "       {c}, current_user, 0, true\n"
                    "WHERE NOT EXISTS (SELECT 1 FROM {t} h WHERE h.version = {v} AND h.success "
                    "AND h.type NOT IN ('DELETE'));\n"
                ).format(
                    t=t,
                    v=sql.Literal(version),
                    d=sql.Literal(flyway_description(name)),
                    s=sql.Literal(name),
                    c=checksum,
                )
            )
        )
    parts.append("COMMIT;\n")
    return "".join(parts)


#: the name sqlx gives its history table (``sqlx migrate run``; a sqlx.toml may rename it)
SQLX_TABLE = "_sqlx_migrations"


def history_tool(table: str, dir_tool: str) -> str:
    """The tool whose history ``history_repair.sql`` writes into ``table`` (``schema.table``): sqlx's when
    the table is sqlx's ``_sqlx_migrations`` (its file names look like Supabase's, dbmate's or
    golang-migrate's: the history table decides), else the directory's own tool."""
    return "sqlx" if table.rsplit(".", 1)[-1] == SQLX_TABLE else dir_tool


def sqlx_description(name: str) -> str:
    """sqlx's description of ``<version>_<words>.sql`` (or ``.up.sql``): the words, underscores read as
    spaces."""
    base = name.rsplit("/", 1)[-1]
    for suffix in (".up.sql", ".sql"):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
            break
    return base.split("_", 1)[1].replace("_", " ") if "_" in base else base


def _sqlx(
    table: str,
    applied: list[tuple[str, str]],
    reverted: list[str],
    scripts: Mapping[str, tuple[str, str]] | None,
) -> str:
    """sqlx: the replaced versions' rows and every failed row deleted (sqlx refuses to run while one is
    there; the clean set was proven against the schema as the failed attempt left it) and each clean-set
    file recorded as a successful migration with the checksum sqlx computes (SHA-384 of the file's
    bytes), so ``sqlx migrate run`` neither runs it again nor stops on a checksum mismatch or a missing
    file. Without a file's text its checksum cannot be written: the file is then not recorded, and the
    comment says so (``sqlx migrate run`` would run it: idempotent)."""
    t = qualified(table)
    missing = [v for v, _ in applied if v not in (scripts or {})]
    note = (
        "Checksums: SHA-384 of each clean-set file's bytes, as sqlx computes them; the files must stay\n"
        "byte-identical (line endings included) or sqlx refuses to run ('previously applied but has been\n"
        "modified')."
    )
    if missing:
        note += f"\nNot recorded (their text was not available): {', '.join(missing)}."
    head = comment_block(
        "pgconsolidate history repair for sqlx: run once on databases that already have the schema (after\n"
        f"the consolidation fix), instead of `sqlx migrate run`. In {table}: the rows of the\n"
        f"{len(set(reverted))} replaced version(s) and every failed row deleted, the {len(applied)} "
        "clean-set file(s)\nrecorded as applied (success, execution_time 0).\n"
        f"{note}\nIdempotent: a second run changes nothing."
    )
    guard = _guard_table(table)
    parts = [head, "BEGIN;\n", guard]
    # a failed row of a version no file has stops sqlx too; the clean set describes what it left
    parts.append(render(sql.SQL("DELETE FROM {t} WHERE NOT success;\n").format(t=t)))
    olds = sorted({int(v) for v in reverted if v.isdigit()})
    if olds:
        parts.append(_delete_versions(t, olds))
    for version, _domain in applied:
        if version not in (scripts or {}) or not version.isdigit():
            continue
        name, text = (scripts or {})[version]
        checksum = hashlib.sha384(text.encode("utf-8")).digest()
        parts.append(
            render(
                sql.SQL(
                    "INSERT INTO {t} (version, description, success, checksum, execution_time)\n"
                    "SELECT {v}, {d}, true, decode({c}, 'hex'), 0\n"
                    "WHERE NOT EXISTS (SELECT 1 FROM {t} WHERE version = {v});\n"
                ).format(
                    t=t,
                    v=sql.Literal(int(version)),
                    d=sql.Literal(sqlx_description(name)),
                    c=sql.Literal(checksum.hex()),
                )
            )
        )
    parts.append("COMMIT;\n")
    return "".join(parts)


def _delete_versions(table: sql.Composable, versions: Sequence[object]) -> str:
    """``DELETE`` of the history rows of ``versions`` (one statement, its line ended)."""
    return (
        render(
            sql.SQL("DELETE FROM {t} WHERE version IN ({vs});").format(
                t=table, vs=sql.SQL(", ").join(sql.Literal(v) for v in versions)
            )
        )
        + "\n"
    )


def _guard_table(table: str) -> str:
    """A DO block that stops the repair when ``table`` (the history table) is not in this database."""
    tl = sql.Literal(table)
    return do_block(
        sql.SQL(
            "IF to_regclass({tl}) IS NULL THEN\n"
            "  RAISE EXCEPTION 'pgconsolidate: % does not exist: is this the right database?', {tl};\nEND IF;"
        ).format(tl=tl)
    )


def prisma_migration_name(path: str) -> str:
    """The name Prisma records for a migration: its directory's (``20240101000000_init/migration.sql``
    -> ``20240101000000_init``)."""
    return path.split("/", 1)[0]


def _prisma(
    table: str,
    applied: list[tuple[str, str]],
    scripts: Mapping[str, tuple[str, str]] | None,
    replaced_files: Sequence[str],
) -> str:
    """Prisma: every row of a migration that is not a clean-set directory deleted, and each clean-set
    directory recorded as finished the way ``prisma migrate resolve --applied`` (a baseline) records it: a
    new UUID, the SHA-256 hex of the file's bytes, ``started_at`` = ``finished_at`` = now,
    ``applied_steps_count`` 0, no logs.

    Why delete: ``prisma migrate deploy`` ignores a finished row without a directory but stops on a failed
    one (P3009), and ``prisma migrate status`` (Prisma's diagnose) lists EVERY row without a directory,
    rolled back or not, as "applied to the database but missing locally". Marking the replaced rows rolled
    back would leave status unclean; only their absence makes it clean. They are kept in the backup
    ``apply`` takes first (``rollback`` restores them with the schema). A failed attempt of a migration no
    file has goes too: the clean set was proven against the schema as that attempt left it. A file whose
    text is not known cannot get its checksum: it is not recorded (the comment says so)."""
    t = qualified(table)
    olds = sorted({prisma_migration_name(p) for p in replaced_files if "/" in p})
    missing = [v for v, _ in applied if v not in (scripts or {})]
    known = scripts or {}
    names = [prisma_migration_name(known[v][0]) for v, _ in applied if v in known]
    note = (
        "Checksums: SHA-256 of each clean-set migration.sql's bytes, as Prisma computes them; edit a file\n"
        "and `prisma migrate status` reports it as modified after it was applied."
    )
    if missing:
        note += f"\nNot recorded (their text was not available): {', '.join(missing)}."
    head = comment_block(
        "pgconsolidate history repair for Prisma: run once on databases that already have the schema (after\n"
        f"the consolidation fix), instead of `prisma migrate deploy`. In {table}:\n"
        "* every row of a migration that is not a clean-set directory deleted: the rows of the\n"
        f"  {len(olds)} replaced migration(s), failed attempts and rows no file has (prisma migrate\n"
        "  status lists any row without a directory, rolled back or not, as missing locally; deploy stops\n"
        "  on a failed one); the backup apply takes first keeps them, and rollback restores them;\n"
        f"* the {len(names)} clean-set migration(s) recorded as applied, as\n"
        "  `prisma migrate resolve --applied <name>` records a baseline.\n"
        f"{note}\nIdempotent: a second run changes nothing."
    )
    parts = [head, "BEGIN;\n", _guard_table(table)]
    parts.append(render(sql.SQL("LOCK TABLE {t} IN SHARE ROW EXCLUSIVE MODE;\n").format(t=t)))
    parts.append("\n-- rows of migrations that are not clean-set directories (replaced, failed, unknown)\n")
    if names:  # without a recorded clean set only the replaced migrations' rows go
        gone = sql.SQL("migration_name NOT IN ({})").format(sql.SQL(", ").join(sql.Literal(n) for n in names))
    else:
        gone = sql.SQL("migration_name IN ({})").format(
            sql.SQL(", ").join(sql.Literal(n) for n in olds or [""])
        )
    parts.append(render(sql.SQL("DELETE FROM {t} WHERE {gone};\n").format(t=t, gone=gone)))
    parts.append("\n-- the clean set: recorded as applied\n")
    for version, _domain in applied:
        if version not in (scripts or {}):
            continue
        path, text = (scripts or {})[version]
        name = prisma_migration_name(path)
        checksum = hashlib.sha256(text.encode("utf-8")).hexdigest()
        parts.append(
            render(
                sql.SQL(
                    "INSERT INTO {t} (id, checksum, finished_at, migration_name, logs, rolled_back_at, "
                    "started_at, applied_steps_count)\n"
                    "SELECT pg_catalog.gen_random_uuid()::text, {c}, now(), {n}, NULL, NULL, now(), 0\n"
                    "WHERE NOT EXISTS (SELECT 1 FROM {t} WHERE migration_name = {n} "
                    "AND finished_at IS NOT NULL AND rolled_back_at IS NULL);\n"
                ).format(t=t, c=sql.Literal(checksum), n=sql.Literal(name))
            )
        )
    parts.append("COMMIT;\n")
    return "".join(parts)


def _diesel(table: str, applied: list[tuple[str, str]], reverted: list[str]) -> str:
    """Diesel: the replaced versions' rows deleted (what ``diesel migration revert`` does to a reverted
    migration's row; the backup taken by ``apply`` keeps them) and each clean-set version recorded with
    ``run_on`` now, as ``diesel migration run`` records it, so ``diesel migration run`` runs nothing and
    ``diesel migration list`` shows the clean set applied."""
    t = qualified(table)
    olds = sorted({v for v in reverted if v})
    head = comment_block(
        "pgconsolidate history repair for Diesel: run once on databases that already have the schema (after\n"
        f"the consolidation fix), instead of `diesel migration run`. In {table}: the rows of the\n"
        f"{len(olds)} replaced version(s) deleted (as `diesel migration revert` deletes a reverted one),\n"
        f"the {len(applied)} clean-set version(s) recorded as run (run_on = now).\n"
        "Idempotent: a second run changes nothing."
    )
    parts = [head, "BEGIN;\n", _guard_table(table)]
    if olds:
        parts.append(_delete_versions(t, olds))
    for version, _domain in applied:
        parts.append(
            render(
                sql.SQL(
                    "INSERT INTO {t} (version, run_on) SELECT {v}, CURRENT_TIMESTAMP\n"
                    "WHERE NOT EXISTS (SELECT 1 FROM {t} WHERE version = {v});\n"
                ).format(t=t, v=sql.Literal(version))
            )
        )
    parts.append("COMMIT;\n")
    return "".join(parts)
