"""``history_repair.sql``: mark the clean set applied and the replaced versions reverted (pure)."""

from __future__ import annotations

from psycopg import sql

from pgconsolidate.generate.render import comment_block, do_block, qualified, render


def generate_history_repair(
    table: str, applied: list[tuple[str, str]], reverted: list[str], *, tool: str = "supabase"
) -> str:
    """For a database that already has the schema: insert (version, name) rows of the clean set and
    delete the replaced versions, in one transaction (what ``supabase migration repair --status
    applied|reverted`` does, for every file at once). ``table`` is ``schema.table`` with a ``version``
    column (Supabase also has ``name``)."""
    tbl = qualified(table)
    head = comment_block(
        "pgconsolidate history repair: run once on databases that already have the schema (after the\n"
        f"consolidation fix). Marks the {len(applied)} clean-set files as applied and the "
        f"{len(reverted)} replaced\n"
        f"versions as reverted in {table}. Idempotent."
    )
    guard = do_block(
        sql.SQL(
            "IF to_regclass({t}) IS NULL THEN\n"
            "  RAISE EXCEPTION 'pgconsolidate: % does not exist: is this the right database?', {t};\nEND IF;"
        ).format(t=sql.Literal(table))
    )
    parts = [head, "BEGIN;\n", guard]
    if tool in ("flyway", "flyway-repeatable"):
        note = comment_block(
            "Flyway keeps checksums and installed ranks in its history: mark the clean set with\n"
            "`flyway baseline -baselineVersion=<last clean-set version>` (or `flyway repair`) instead."
        )
        return head + note
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
        q = sql.SQL("DELETE FROM {t} WHERE version IN ({vs});").format(
            t=tbl, vs=sql.SQL(", ").join(sql.Literal(v) for v in sorted(set(reverted)))
        )
        parts.append(render(q) + "\n")
    parts.append("COMMIT;\n")
    return "".join(parts)
