"""Render ``psycopg.sql`` compositions without a connection, and small SQL building helpers (pure)."""

from __future__ import annotations

from psycopg import sql


def render(q: sql.Composable) -> str:
    """The SQL text of ``q`` (literals quoted the standard way; no connection needed)."""
    return q.as_string(None)


def qualified(identity: str) -> sql.Identifier:
    """``schema.name`` → a schema-qualified identifier."""
    schema, _, name = identity.partition(".")
    return sql.Identifier(schema, name) if name else sql.Identifier("public", schema)


def comment_block(text: str) -> str:
    """``text`` as ``--`` comment lines (each line prefixed, so nothing can escape the comment)."""
    return "\n".join(("-- " + ln).rstrip() for ln in text.splitlines()) + "\n"


def dollar_tag(body: str, base: str = "pgc") -> str:
    """A dollar-quote tag that does not occur in ``body``."""
    tag, n = f"${base}$", 0
    while tag in body:
        n += 1
        tag = f"${base}{n}$"
    return tag


def do_block(body: sql.Composable | str, declare: str = "") -> str:
    """An anonymous ``DO`` block around ``body`` (plpgsql statements), with a safe dollar-quote tag."""
    text = body if isinstance(body, str) else render(body)
    tag = dollar_tag(text + declare)
    decl = f"DECLARE\n{declare}" if declare else ""
    return f"DO {tag}\n{decl}BEGIN\n{text}\nEND\n{tag};\n"
