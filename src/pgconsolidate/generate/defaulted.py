"""Reference rows as the old files wrote them: the columns they never set stay at their defaults (pure).

The clean set's reference data is a dump of the rows the replayed chain holds (``pg_dump --column-inserts``):
every column of every row, with the values the scratch replay gave the columns the files left to their
defaults. A Supabase project's ``INSERT INTO storage.buckets (id, name, public) VALUES (...)`` came out as
``INSERT INTO storage.buckets (id, name, owner, public, created_at, updated_at, ...)`` with the replay's
``created_at``/``updated_at`` (``2026-11-25 08:49:27``) frozen into the clean set, where the old files let
each database stamp its own. :func:`columns_set` reads which columns the files set, and
:func:`leave_defaulted` takes the others out of the dumped rows, so they get their defaults (or what a
trigger gives them) when the clean set runs, as they did when the old files ran.

A column stays in the rows when anything may have set it: a column list of an ``INSERT``, ``COPY``,
``UPDATE`` or ``ON CONFLICT DO UPDATE`` naming it (or an ``INSERT``/``COPY`` without a column list, or a
``MERGE``: every column), an ``ADD COLUMN`` with a default (the rows then present got that value, which a
later ``SET DEFAULT`` does not change), a type change ``USING`` an expression, a rename (both names);
a table that a function, procedure, ``DO`` block or rule mentions by name, or the consolidation fix does,
keeps every column (what they write is not read here), as do the columns of its primary key and unique
indexes (``ON CONFLICT DO NOTHING`` makes the clean set's second run a no-op only if they are the same).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from pglast import parser

from pgconsolidate.generate.cleanset import DumpEntry
from pgconsolidate.sources.model import MigrationDir
from pgconsolidate.statements.split import split_sql

#: statements whose text may write into a table they name (bodies are not read here)
_BODIES = frozenset({"CreateFunctionStmt", "DoStmt", "RuleStmt"})


def _table(rel: dict[str, Any]) -> str:
    return f"{rel.get('schemaname', 'public')}.{rel.get('relname', '')}"


def _names(targets: Iterable[Any]) -> set[str]:
    out = set()
    for t in targets:
        res = t.get("ResTarget", {}) if isinstance(t, dict) else {}
        if res.get("name"):
            out.add(str(res["name"]))
    return out


def _string(node: Any) -> str:
    return str(node.get("String", {}).get("sval", "")) if isinstance(node, dict) else ""


def columns_set(mdir: MigrationDir, also: str = "") -> dict[str, frozenset[str] | None]:
    """Table (``schema.name``, as :func:`reference_tables` names them) -> the columns the forward
    statements of ``mdir`` set, None for every column (see the module docstring). ``also``: more SQL that
    may write rows (the consolidation fix): a table it names keeps every column."""
    named: dict[str, set[str]] = {}
    everything: set[str] = set()
    bodies: list[str] = [also] if also else []

    def add(table: str, cols: Iterable[str] | None) -> None:
        if cols is None:
            everything.add(table)
        else:
            named.setdefault(table, set()).update(cols)

    for f in mdir.files:
        if f.filename.direction == "down" or not f.forward_sql:
            continue
        for st in split_sql(f.path, f.forward_sql, first_line=f.span_line).statements:
            body, kind = st.body, st.kind
            if kind == "InsertStmt":
                table = _table(body.get("relation", {}))
                add(table, _names(body.get("cols", [])) or None)
                conflict = body.get("onConflictClause", {}).get(
                    "OnConflictClause", body.get("onConflictClause")
                )
                if isinstance(conflict, dict):
                    add(table, _names(conflict.get("targetList", [])))
            elif kind == "UpdateStmt":
                add(_table(body.get("relation", {})), _names(body.get("targetList", [])))
            elif kind == "CopyStmt" and body.get("is_from") and body.get("relation"):
                add(_table(body["relation"]), [_string(a) for a in body.get("attlist", [])] or None)
            elif kind == "MergeStmt":
                add(_table(body.get("relation", {})), None)
            elif kind == "AlterTableStmt":
                table = _table(body.get("relation", {}))
                for cmd in body.get("cmds", []):
                    c = cmd.get("AlterTableCmd", {})
                    sub = c.get("subtype")
                    if sub == "AT_AddColumn":
                        col = c.get("def", {}).get("ColumnDef", {})
                        if any(
                            k.get("Constraint", {}).get("contype") == "CONSTR_DEFAULT"
                            for k in col.get("constraints", [])
                        ):
                            add(table, [str(col.get("colname", ""))])
                    elif sub == "AT_AlterColumnType" and c.get("def", {}).get("ColumnDef", {}).get(
                        "raw_default"
                    ):
                        add(table, [str(c.get("name", ""))])
            elif kind == "RenameStmt" and body.get("renameType") == "OBJECT_COLUMN":
                add(
                    _table(body.get("relation", {})),
                    [str(body.get("subname", "")), str(body.get("newname", ""))],
                )
            elif kind in _BODIES:
                bodies.append(st.text)
    text = "\n".join(bodies)
    out: dict[str, frozenset[str] | None] = {}
    for table in named.keys() | everything:
        relname = table.split(".", 1)[1]
        mentioned = bool(text) and re.search(rf"(?<![\w$]){re.escape(relname)}(?![\w$])", text, re.I)
        out[table] = None if table in everything or mentioned else frozenset(named[table])
    return out


def _ident(text: str) -> str:
    """A column name as written in a dump (``"Name"`` -> ``Name``, ``name`` -> ``name``)."""
    return text[1:-1].replace('""', '"') if text.startswith('"') else text


def _items(tokens: list[Any], at: int) -> tuple[list[tuple[int, int]], int] | None:
    """The top-level items of the parenthesised list opening at ``tokens[at]``: (start, end) character
    spans, end exclusive, and the index of the closing parenthesis' token; None when it does not close.
    Commas inside parentheses or brackets (``ARRAY[1, 2]``, ``ROW(1, 2)``) do not separate items."""
    depth, start, last = 0, -1, -1
    items: list[tuple[int, int]] = []
    for i in range(at, len(tokens)):
        t = tokens[i]
        if t.name in ("ASCII_40", "ASCII_91"):
            depth += 1
            if depth == 1:
                continue
        elif t.name in ("ASCII_41", "ASCII_93"):
            depth -= 1
            if depth == 0:
                if start >= 0:
                    items.append((start, last))
                return items, i
        if depth == 1 and t.name == "ASCII_44":
            items.append((start, last))
            start = -1
            continue
        if start < 0:
            start = t.start
        last = t.end + 1
    return None


def without_columns(statement: str, keep: frozenset[str]) -> tuple[str, tuple[str, ...]]:
    """``statement`` (a dump's ``INSERT INTO t (cols) VALUES (...) ...``) without the columns not in
    ``keep`` and their values, and the columns taken out; unchanged (nothing taken out) when it is not of
    that shape, or when no column would remain."""
    try:
        tokens = list(parser.scan(statement))
    except parser.ParseError:
        return statement, ()
    first = next((i for i, t in enumerate(tokens) if t.name == "ASCII_40"), None)
    if first is None:
        return statement, ()
    cols = _items(tokens, first)
    if cols is None or cols[1] + 2 >= len(tokens) or tokens[cols[1] + 1].name != "VALUES":
        return statement, ()
    values = _items(tokens, cols[1] + 2)
    if values is None or len(values[0]) != len(cols[0]):
        return statement, ()
    names = [_ident(statement[s:e]) for s, e in cols[0]]
    kept = [i for i, name in enumerate(names) if name in keep]
    if len(kept) == len(names) or not kept:
        return statement, ()
    col_open, col_close = tokens[first].start, tokens[cols[1]].start
    val_open, val_close = tokens[cols[1] + 2].start, tokens[values[1]].start
    text = (
        statement[: col_open + 1]
        + ", ".join(statement[slice(*cols[0][i])] for i in kept)
        + statement[col_close : val_open + 1]
        + ", ".join(statement[slice(*values[0][i])] for i in kept)
        + statement[val_close:]
    )
    return text, tuple(name for name in names if name not in keep)


def leave_defaulted(
    entries: list[DumpEntry], keep: Mapping[str, frozenset[str] | None]
) -> tuple[list[DumpEntry], dict[str, tuple[str, ...]]]:
    """``entries`` (a data dump's) with each ``TABLE DATA`` of a table in ``keep`` rewritten to set only
    the columns ``keep`` gives it (None: every column), and, per table, the columns left out."""
    out: list[DumpEntry] = []
    left: dict[str, tuple[str, ...]] = {}
    for e in entries:
        table = f"{e.schema}.{e.name}"
        wanted = keep.get(table)
        if e.type != "TABLE DATA" or wanted is None:
            out.append(e)
            continue
        lines: list[str] = []
        gone: dict[str, None] = {}
        for s in parser.split(e.sql, with_parser=False):
            text, taken = without_columns(s, wanted)
            lines.append(text + ";")
            gone.update(dict.fromkeys(taken))
        if gone:
            left[table] = tuple(gone)
            note = f"{', '.join(gone)}: never set by the old files, left to their defaults (not the replay's)"
            e = replace(e, sql="\n".join(lines), note=note)
        out.append(e)
    return out, left
