"""Object names in findings' messages as SQL would write them (pure).

Rules write identities into their messages as they are (``public.Customer_Dim``), which reads as the
table ``customer_dim``: PostgreSQL folds unquoted names to lower case. :func:`quoted_message` rewrites a
finding's message so that each name that needs quotes has them, as ``quote_ident`` (and ``compare``'s
text output) writes it: ``public."Customer_Dim"``, ``public."Sales_Fact"("TimeKey")``. Only messages
change: identities (``objects``, JSON keys) stay as they are. A finding whose objects are all plain
names (lower case letters, digits, ``_``, or a function's argument list) is left alone at the cost of
one regular-expression match per object, so directories without such names pay next to nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pgconsolidate.model.quoting import quote_ident

#: an identity that needs no quotes in any message (a policy's name with spaces is shown in the rules'
#: own quotes, so blanks do not open the rewrite): lower case names, then the end or a routine's "("
_PLAIN_ID = re.compile(r"[a-z0-9_. ]*(?:\(|\Z)")
#: ``plain_id(oid)`` is None when a name of ``oid`` may need quotes in a message (the rules' registry
#: looks at a finding's one object with it before it calls :func:`quoted_message`)
plain_id = _PLAIN_ID.match
#: a dotted name in a message (two or three parts), not inside a quoted name
_DOTTED = re.compile(r'(?<![\w$."])[A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*){1,2}(?![\w$"])')
#: a column list right after a relation's name: ``public.t(a, b)``
_COLUMNS = re.compile(r"\(([A-Za-z_][\w$]*(?:, [A-Za-z_][\w$]*)*)\)")


def needs_quoting(objects: tuple[str, ...]) -> bool:
    """Whether a name of one of ``objects`` may need quotes in a message: it holds a character other
    than lower case letters, digits, ``_``, ``.`` and blanks (before a routine's argument list)."""
    match = _PLAIN_ID.match
    return any(match(oid) is None for oid in objects)


def quoted_message(message: str, objects: tuple[str, ...], known: Callable[[str], bool]) -> str:
    """``message`` with each dotted name that is one of the model's objects (``known``: whether an
    identity is one) or a table of one of ``objects``, quoted where SQL needs it, and the column list
    right after such a relation's name too; ``message`` itself when no name of ``objects`` needs it."""
    if not needs_quoting(objects):
        return message
    prefixes: set[str] = set()
    columns_named: set[str] = set()  # the last names of the objects' columns (schema.table.column)
    for oid in objects:
        parts = oid.partition("(")[0].split(".")
        prefixes.update(".".join(parts[:n]) for n in range(2, len(parts) + 1))
        if len(parts) == 3 and "(" not in oid:
            columns_named.add(parts[2])
    out: list[str] = []
    pos = 0
    for m in _DOTTED.finditer(message, pos):
        if m.start() < pos:  # inside a column list already written
            continue
        token = m[0]
        if token not in prefixes and not known(token):
            continue
        shown = ".".join(quote_ident(part) for part in token.split("."))
        end = m.end()
        columns = _COLUMNS.match(message, end)
        if columns is not None:
            names = columns[1].split(", ")
            if all(f"{token}.{n}" in prefixes or known(f"{token}.{n}") for n in names):
                shown += "(" + ", ".join(quote_ident(n) for n in names) + ")"
                end = columns.end()
        out.append(message[pos : m.start()])
        out.append(shown)
        pos = end
    out.append(message[pos:])

    def column_list(m: re.Match[str]) -> str:
        names = m[1].split(", ")
        if not all(n in columns_named for n in names):
            return m[0]
        return "(" + ", ".join(quote_ident(n) for n in names) + ")"

    # a column list of the objects' columns on its own (``no index starting with (TimeKey)``)
    return _COLUMNS.sub(column_list, "".join(out)) if columns_named else "".join(out)
