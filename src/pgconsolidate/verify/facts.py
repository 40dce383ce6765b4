"""Read :class:`~pgconsolidate.plan.facts.DataFacts` from a database (I/O)."""

from __future__ import annotations

from psycopg import sql

from pgconsolidate.catalog.reader import _set_search_path, skipped_schemas
from pgconsolidate.db.connect import connection, load_sql
from pgconsolidate.plan.facts import DataFacts, FunctionFacts
from pgconsolidate.redact import redact_url

QUERIES = "pgconsolidate.verify.queries"


def read_facts(url: str) -> DataFacts:
    """Row counts, vector dimensions per column, function definitions and trigger users of ``url``."""
    params = {"skip_schemas": skipped_schemas(False)}
    with connection(url) as conn, conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        _set_search_path(conn)
        ext = conn.execute(
            "SELECT DISTINCT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE n.nspname NOT IN ('pg_catalog') ORDER BY 1"
        ).fetchall()
        funcs = [
            FunctionFacts(
                identity=r[0],
                definition=r[1] or "",
                security_definer=bool(r[2]),
                config=tuple(r[3] or ()),
                trigger_tables=tuple(r[4] or ()),
            )
            for r in conn.execute(load_sql(QUERIES, "function_facts.sql").encode(), params).fetchall()
        ]
        counts: list[tuple[str, int]] = []
        dims: list[tuple[str, tuple[tuple[int, int], ...]]] = []
        for schema, name, vcols in conn.execute(
            load_sql(QUERIES, "user_tables.sql").encode(), params
        ).fetchall():
            table = sql.Identifier(schema, name)
            row = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(table)).fetchone()
            counts.append((f"{schema}.{name}", int(row[0]) if row else 0))
            for col in vcols or ():
                q = sql.SQL(
                    "SELECT vector_dims({c}) AS d, count(*) FROM {t} WHERE {c} IS NOT NULL "
                    "GROUP BY 1 ORDER BY 1"
                ).format(c=sql.Identifier(col), t=table)
                found = tuple((int(d), int(n)) for d, n in conn.execute(q).fetchall())
                dims.append((f"{schema}.{name}.{col}", found))
    return DataFacts(
        source=redact_url(url),
        row_counts=tuple(counts),
        dimensions=tuple(dims),
        functions=tuple(funcs),
        extension_schemas=tuple(r[0] for r in ext),
    )
