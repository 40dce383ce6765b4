"""How a merge can give a colliding row a new key (pure): the key's columns and the way to renew one.

A merge joins source and target rows on the plan's ``key`` (one column, or several separated by commas
for a composite key). With ``on_collision = "keep-both"`` the incoming colliding row keeps its content and
gets a new value in ONE key column, the *renewed* column, chosen so that the new key is honest:

* ``identity``: the column is an identity column: the next value of its sequence (moved past every key
  of both tables first; ``OVERRIDING SYSTEM VALUE`` lets ``GENERATED ALWAYS`` take explicit values);
* ``default``: the column's own default makes fresh values (``nextval(...)`` of a serial / hand-made
  sequence, ``gen_random_uuid()``, ``uuid_generate_v4()``, anything random): it is evaluated per row;
* ``uuid``: a uuid column without such a default: ``gen_random_uuid()``;
* ``number``: an integer-like column without a sequence: above the maximum of both tables;
* ``text``: a text-like column (text, varchar(n), char(n), citext): the old key with a random suffix,
  cut so that it fits the column's length.

The fix chooses again at run time from the catalog (the database may differ from the plan's snapshot), and
a new key that is already taken (a random suffix of a short column can repeat) is made again until every
new key is free.

A composite key is renewed in its one column that has a generating default (identity, sequence, uuid);
a composite key without one (a natural key made of foreign keys, for example) and a single key of a type
no new value can be made for (a date, an enum) cannot be kept twice: :func:`renewal` says why, and the
plan must choose ``prefer-target`` (the colliding source rows are kept in ``<source>_merge_unmerged``) or
``fail``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pgconsolidate.catalog.model import Column

#: Defaults that produce a fresh value on every call.
_GENERATING = re.compile(r"\b(nextval|gen_random_uuid|uuid_generate_v[14]\w*|uuid_generate_v7|random)\s*\(")
_LENGTH = re.compile(r"^(?:character varying|varchar|character|char|bpchar)\((\d+)\)$")
_INTEGER = re.compile(r"^(smallint|integer|bigint|numeric|decimal)\b")
_TEXT = re.compile(r"^(text|character varying|varchar|character|char|bpchar|citext|(?:\w+\.)?citext)\b")


def key_columns(key: str) -> tuple[str, ...]:
    """The columns of a plan's ``key`` (``"id"`` or ``"tenant_id, id"``)."""
    return tuple(c.strip().strip('"') for c in key.split(",") if c.strip())


def generating_default(col: Column) -> bool:
    """Whether ``col`` has a default that makes a new value per row (identity columns included)."""
    if col.identity_kind is not None:
        return True
    return col.generated is None and col.default is not None and bool(_GENERATING.search(col.default))


def text_length(type_text: str) -> int | None:
    """The declared length of ``character varying(n)`` / ``character(n)``, None when unlimited."""
    m = _LENGTH.match(type_text.strip().lower())
    return int(m.group(1)) if m else None


@dataclass(frozen=True)
class Renewal:
    """How keep-both makes a new key: ``column`` gets a new value made ``how`` (see the module)."""

    column: str
    how: str  # identity, default, uuid, number, text
    type: str  # the column's format_type
    length: int | None = None  # for text: the declared length


def renewal(key: str, columns: dict[str, Column]) -> Renewal | str:
    """The :class:`Renewal` of the target table's ``key`` (``columns``: the target's columns by name),
    or why a new key cannot be made honestly."""
    cols = key_columns(key)
    missing = [c for c in cols if c not in columns]
    if missing:
        return f"the target has no column {', '.join(missing)}"
    generating = [c for c in cols if generating_default(columns[c])]
    if len(cols) > 1:
        if not generating:
            return (
                f"the composite key ({', '.join(cols)}) has no column with a generating default "
                "(identity, sequence or uuid): it is a natural key and a new one would be made up"
            )
        chosen = generating[0]
    else:
        chosen = cols[0]
    col = columns[chosen]
    if col.generated is not None:
        return f"{chosen} is a generated column: its value cannot be chosen"
    t = col.type.strip().lower()
    fallback = type_fallback(t)
    if col.identity_kind is not None:
        return Renewal(chosen, "identity", col.type)
    sequence_on_text = "nextval" in (col.default or "") and fallback != "number"
    if generating_default(col) and not sequence_on_text:
        # (a sequence behind a text key, 'ORD-' || nextval(...), cannot be moved past the keys: the
        # text fallback is used instead)
        return Renewal(chosen, "default", col.type, text_length(t))
    if fallback == "text":
        n = text_length(t)
        if n is not None and n < 4:
            return f"{chosen} is {col.type}: too short for a distinguishable new key"
        return Renewal(chosen, "text", col.type, n)
    if fallback is not None:
        return Renewal(chosen, fallback, col.type)
    return f"{chosen} is {col.type}, which has no default that makes new values and no natural successor"


def type_fallback(type_text: str) -> str | None:
    """How a new value of a column of ``type_text`` is made without its default: ``uuid``, ``number``
    (above every key), ``text`` (a random suffix), None when the type has no such way."""
    t = type_text.strip().lower()
    if t.endswith("[]"):
        return None
    if t == "uuid":
        return "uuid"
    if _INTEGER.match(t):
        return "number"
    if _TEXT.match(t):
        return "text"
    return None
