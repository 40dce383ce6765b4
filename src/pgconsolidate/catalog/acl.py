"""Parse PostgreSQL ``aclitem`` text (``grantee=privileges/grantor``) into privilege names (pure).

Parsing the ACL in Python instead of ``aclexplode`` + ``GROUP BY`` in SQL keeps the grants query to one
row per object, which is most of what makes reading a large catalog fast. The catalog queries return each
ACL as one ``aclitem[]`` text (``{=X/postgres,postgres=X/postgres}``), which :func:`acl_items` splits:
most objects share a handful of ACLs, so one string per object (and one parse per distinct ACL) costs
less than an array decoded element by element for every object.
"""

from __future__ import annotations

from functools import lru_cache

from pgconsolidate.errors import DatabaseError

PRIVILEGES = {
    "r": "SELECT",
    "w": "UPDATE",
    "a": "INSERT",
    "d": "DELETE",
    "D": "TRUNCATE",
    "x": "REFERENCES",
    "t": "TRIGGER",
    "X": "EXECUTE",
    "U": "USAGE",
    "C": "CREATE",
    "c": "CONNECT",
    "T": "TEMPORARY",
    "s": "SET",
    "A": "ALTER SYSTEM",
    "m": "MAINTAIN",
}

PUBLIC = "PUBLIC"


def _grantee(item: str) -> tuple[str, int]:
    """The grantee name and the index of the ``=`` after it (names may be double-quoted)."""
    if item.startswith('"'):
        i, name = 1, []
        while i < len(item):
            ch = item[i]
            if ch == '"':
                if i + 1 < len(item) and item[i + 1] == '"':
                    name.append('"')
                    i += 2
                    continue
                return "".join(name), i + 1
            name.append(ch)
            i += 1
        raise DatabaseError(f"cannot parse ACL item {item!r}")
    eq = item.find("=")
    if eq < 0:
        raise DatabaseError(f"cannot parse ACL item {item!r}")
    return item[:eq], eq


@lru_cache(maxsize=4096)
def parse_aclitem(item: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """``'anon=arw*/postgres'`` -> ``('anon', ('INSERT', 'SELECT', 'UPDATE'), ('UPDATE',))``."""
    name, pos = _grantee(item)
    if pos >= len(item) or item[pos] != "=":
        raise DatabaseError(f"cannot parse ACL item {item!r}")
    slash = item.rfind("/")
    letters = item[pos + 1 : slash if slash > pos else len(item)]
    privileges: list[str] = []
    grantable: list[str] = []
    for i, ch in enumerate(letters):
        if ch == "*":
            continue
        priv = PRIVILEGES.get(ch)
        if priv is None:
            raise DatabaseError(f"unknown privilege {ch!r} in ACL item {item!r}")
        privileges.append(priv)
        if i + 1 < len(letters) and letters[i + 1] == "*":
            grantable.append(priv)
    return name or PUBLIC, tuple(sorted(privileges)), tuple(sorted(grantable))


@lru_cache(maxsize=4096)
def acl_items(text: str) -> tuple[str, ...]:
    """The elements of an array's text output (``{a,"b c"}`` -> ``('a', 'b c')``), as ``array_out``
    writes them: an element is double-quoted when it holds a delimiter, a brace, a quote, a backslash or
    white space (or is empty or NULL), and inside quotes ``"`` and ``\\`` are escaped with a backslash.
    An ACL never holds a NULL element or has bounds other than 1 (``[2:3]={...}`` is refused)."""
    if not (text.startswith("{") and text.endswith("}")):
        raise DatabaseError(f"cannot parse ACL {text!r}")
    body = text[1:-1]
    if '"' not in body:
        return tuple(body.split(",")) if body else ()
    items: list[str] = []
    i, n = 0, len(body)
    try:
        while True:
            if body[i] == '"':
                i += 1
                chars: list[str] = []
                while body[i] != '"':
                    if body[i] == "\\":
                        i += 1
                    chars.append(body[i])
                    i += 1
                items.append("".join(chars))
                i += 1
            else:
                end = body.find(",", i)
                end = n if end < 0 else end
                items.append(body[i:end])
                i = end
            if i == n:
                return tuple(items)
            if body[i] != ",":
                raise IndexError(i)
            i += 1
    except IndexError:
        raise DatabaseError(f"cannot parse ACL {text!r}") from None


def merge_acl(items: list[str] | tuple[str, ...]) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Grantee -> (privileges, grantable), merged over grantors (most objects share an ACL: cached)."""
    return dict(_merge(tuple(items)))


@lru_cache(maxsize=4096)
def _merge(items: tuple[str, ...]) -> tuple[tuple[str, tuple[tuple[str, ...], tuple[str, ...]]], ...]:
    return tuple(_merge_uncached(items).items())


def _merge_uncached(items: tuple[str, ...]) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    parsed = [parse_aclitem(item) for item in items]
    if len({grantee for grantee, _, _ in parsed}) == len(parsed):  # the usual case: one grantor each
        return {grantee: (privs, grantable) for grantee, privs, grantable in parsed}
    merged: dict[str, tuple[set[str], set[str]]] = {}
    for grantee, privs, grantable in parsed:
        p, g = merged.setdefault(grantee, (set(), set()))
        p.update(privs)
        g.update(grantable)
    return {k: (tuple(sorted(p)), tuple(sorted(g))) for k, (p, g) in merged.items()}
