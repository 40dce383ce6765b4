"""Spell a plain constraint's definition exactly as ``pg_get_constraintdef(oid, true)`` does (pure).

The constraints query leaves to Python the primary keys, unique constraints and foreign keys that have
nothing but key columns (and, for a foreign key, the referenced table and its ON UPDATE / ON DELETE
actions): ``PRIMARY KEY (a, b)``, ``UNIQUE (a)``, ``FOREIGN KEY (a) REFERENCES t(id) ON DELETE
CASCADE``. Column names come quoted from the columns query; a column that was not read (a referenced
table in a schema that is left out) makes :func:`plain_constraint` return None, and the reader asks the
server.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

# What ``pg_get_constraintdef`` prints for pg_constraint.confupdtype / confdeltype ('a', NO ACTION: nothing).
_ACTIONS = {"a": None, "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}

Columns = Mapping[int, tuple[str, int, int]]  # attnum -> (quoted name, type, collation)


def _names(keys: Sequence[int] | None, columns: Columns) -> str | None:
    if not keys:
        return None
    names = []
    for attnum in keys:
        column = columns.get(attnum)
        if column is None:
            return None
        names.append(column[0])
    return ", ".join(names)


def plain_constraint(
    contype: str,
    keys: Sequence[int] | None,
    columns: Columns,
    ref_name: str | None = None,
    ref_keys: Sequence[int] | None = None,
    ref_columns: Columns | None = None,
    on_update: str = "a",
    on_delete: str = "a",
) -> str | None:
    """The definition of a plain primary key (``p``), unique constraint (``u``) or foreign key (``f``),
    or None when it cannot be spelled with certainty."""
    own = _names(keys, columns)
    if own is None:
        return None
    if contype == "p":
        return f"PRIMARY KEY ({own})"
    if contype == "u":
        return f"UNIQUE ({own})"
    if contype != "f" or ref_name is None or ref_columns is None:
        return None
    theirs = _names(ref_keys, ref_columns)
    if theirs is None or on_update not in _ACTIONS or on_delete not in _ACTIONS:
        return None
    text = f"FOREIGN KEY ({own}) REFERENCES {ref_name}({theirs})"
    if _ACTIONS[on_update]:
        text += f" ON UPDATE {_ACTIONS[on_update]}"
    if _ACTIONS[on_delete]:
        text += f" ON DELETE {_ACTIONS[on_delete]}"
    return text
