"""Whether the connected role holds the needs: one query (``deploy/queries/rights_held.sql``) for all of
them, one by one only when PostgreSQL refuses the batch for a schema the role may not use."""

from __future__ import annotations

import json
from typing import Any

import psycopg
from psycopg import sql

from pgconsolidate.db.connect import load_sql, one_line
from pgconsolidate.deploy.rights.derive import ALL_PRIVILEGES
from pgconsolidate.deploy.rights.messages import message, unusable
from pgconsolidate.deploy.rights.model import Need
from pgconsolidate.errors import DatabaseError


def missing_right(conn: psycopg.Connection, needs: tuple[Need, ...]) -> str | None:
    """The first need the connected role does not hold, as a one-line message; ``None`` when all are
    held (or cannot be decided now)."""
    needs = _under_conditions_held(conn, needs)
    if not needs:
        return None
    query = load_sql("pgconsolidate.deploy.queries", "rights_held.sql").encode()
    try:
        with conn.transaction():  # a savepoint when the caller is in a transaction
            rows = conn.execute(query, _params(needs), prepare=False).fetchall()
    except psycopg.errors.InsufficientPrivilege:
        # a name in a schema the role may not use (no USAGE): the apply's own lookup of it fails alike;
        # find which need it is, one by one
        return _first_unusable(conn, query, needs)
    except psycopg.Error as exc:
        raise DatabaseError(f"checking the rights the apply needs: {one_line(exc)}") from None
    for need, (_, held, obj, role, noun) in zip(needs, rows, strict=True):
        if held is False:
            return message(need, obj, role, noun)
    return None


def _under_conditions_held(conn: psycopg.Connection, needs: tuple[Need, ...]) -> tuple[Need, ...]:
    """The needs without conditions, and those whose conditions (a DO block's IF on the catalog state)
    all hold now: each condition evaluated once, read only and rolled back; one that fails to evaluate
    counts as false (left to the apply)."""
    held: dict[Any, bool] = {}
    for need in needs:
        for when in need.when:
            if when not in held:
                held[when] = _evaluate(conn, when)
    return tuple(n for n in needs if all(held[w] for w in n.when))


def _evaluate(conn: psycopg.Connection, when: Any) -> bool:
    cond, regs = when
    query: sql.Composed = sql.SQL("SELECT ({})::boolean").format(sql.SQL(cond))
    if regs:
        columns = sql.SQL(", ").join(
            sql.SQL("{}({}) AS {}").format(sql.Identifier(fn), sql.Literal(lit), sql.Identifier(var))
            for var, fn, lit in regs
        )
        query = sql.SQL("SELECT ({})::boolean FROM (SELECT {}) AS pgc_vars").format(sql.SQL(cond), columns)
    try:
        with conn.transaction(force_rollback=True):
            row = conn.execute(query, prepare=False).fetchone()
    except psycopg.Error:
        return False
    return bool(row and row[0])


def _params(needs: tuple[Need, ...]) -> dict[str, list[str | None]]:
    return {
        "kinds": [n.kind for n in needs],
        "names": [n.name for n in needs],
        "details": [privilege_list(n) for n in needs],
        "parts": _parts_json(needs),
    }


def _parts_json(needs: tuple[Need, ...]) -> list[str | None]:
    """Each need's parts as a JSON array (a tuple shared by many needs is written once)."""
    done: dict[int, str] = {}
    out: list[str | None] = []
    for n in needs:
        key = id(n.parts)
        if key not in done:
            done[key] = json.dumps(list(n.parts))
        out.append(done[key])
    return out


def _first_unusable(conn: psycopg.Connection, query: bytes, needs: tuple[Need, ...]) -> str | None:
    """The first need whose check PostgreSQL refuses for lack of a privilege (``permission denied for
    schema``), or whose right is missing, one query each (only after the batch query was refused)."""
    for need in needs:
        try:
            with conn.transaction():
                row = conn.execute(query, _params((need,)), prepare=False).fetchone()
        except psycopg.errors.InsufficientPrivilege as exc:
            role = conn.execute("SELECT current_user::text").fetchone()
            return unusable(need, role[0] if role else "?", one_line(exc))
        except psycopg.Error as exc:
            raise DatabaseError(f"checking the rights the apply needs: {one_line(exc)}") from None
        if row is not None and row[1] is False:
            return message(need, row[2], row[3], row[4])
    return None


def privilege_list(need: Need) -> str | None:
    """What the query checks (any of them is enough) for a GRANT: ``P WITH GRANT OPTION`` (``ALL``: any
    of the object's privileges), for a REVOKE: any of the object's privileges (a column need: as it is)."""
    if need.kind.startswith("column"):
        return need.detail
    if need.kind.endswith("-revoke"):
        return ", ".join(ALL_PRIVILEGES[need.kind.removesuffix("-revoke")])
    if not need.kind.endswith("-grant") or need.detail is None:
        return need.detail
    target = need.kind.removesuffix("-grant")
    privileges = ALL_PRIVILEGES[target] if need.detail in ("ALL", "ALL PRIVILEGES") else (need.detail,)
    return ", ".join(f"{p} WITH GRANT OPTION" for p in privileges)
