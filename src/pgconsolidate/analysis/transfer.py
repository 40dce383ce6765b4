"""How a helper's results travel to this process: records as rows of field values, one list of rows per
record class, rebuilt here by one compiled loop per class.

A helper's results for a chunk of files are, per file, its :class:`FileStatements` and its effects:
hundreds of thousands of records for a large directory. Pickled as records, each costs a ``__reduce__``
call, memo entries and a constructor call on arrival. Here the numerous classes travel as rows
instead: :func:`encode` turns statements, effects and the effects' detail records (``ColumnDef``,
``FunctionDef``, ...) into tuples of field values with C ``attrgetter``\\ s, pickle writes the rows, and
:func:`decode` rebuilds the records in one generated loop per class (plain attribute stores into each
class's :func:`~pgconsolidate.statements.records.builder` twin, then the real class; no call per
record). An effect's detail travels as its class when it is such a record (its row is the next one in
that class's list), else as itself. Statements travel without their text (this process has every file's
text: the text is the same slice of the same SQL the helper split) and, unless parse trees are kept,
without their tree; a routine whose references are read later from its statement (``RoutineRefs``)
refers to it by position and is given this process's statement back. Whatever else a row holds (type
references, arguments, source references, ...) is pickled as usual (compact record pickles; see
:mod:`pgconsolidate.statements.records`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any

from pgconsolidate.model.types import Effect, FunctionDef, RoutineRefs
from pgconsolidate.statements.model import FileStatements, Statement
from pgconsolidate.statements.records import UNPICKLER, builder

#: One file's results: its statements and the effects of its statements.
Result = tuple[FileStatements, tuple[Effect, ...]]
#: A chunk's results as they travel: per file (file, statement rows, parse failures, file ignores,
#: effect count); every effect's row; every effect's detail (or its class); per detail class, its rows.
Encoded = tuple[
    list[tuple[str, list[tuple[Any, ...]], tuple[Any, ...], frozenset[str], int]],
    list[tuple[Any, ...]],
    list[Any],
    dict[type, list[tuple[Any, ...]]],
]

#: Statement fields that are not sent: the text (restored from the file's SQL) and the parse tree.
_NOT_SENT = ("text", "node")
_STATEMENT_SENT = tuple(f.name for f in dataclasses.fields(Statement) if f.name not in _NOT_SENT)
_EFFECT_SENT = tuple(f.name for f in dataclasses.fields(Effect) if f.name != "detail")

_statement_row = attrgetter(*_STATEMENT_SENT)
_statement_row_with_tree = attrgetter(*_STATEMENT_SENT, "node")
_effect_row = attrgetter(*_EFFECT_SENT)


class StatementAt:
    """Stands, while shipped, for the statement at ``position`` among a chunk's statements (in a
    :class:`RoutineRefs`' arguments)."""

    __slots__ = ("position",)

    def __init__(self, position: int) -> None:
        self.position = position

    def __reduce__(self) -> tuple[type, tuple[int]]:
        return (StatementAt, (self.position,))


def _row_getter(cls: type) -> Callable[[Any], tuple[Any, ...]] | None:
    """The row of a record of ``cls`` (every field, in order), or None when ``cls`` does not travel
    as rows (not a slotted record)."""
    if cls not in _GETTERS:
        names = tuple(f.name for f in dataclasses.fields(cls)) if UNPICKLER in cls.__dict__ else ()
        _GETTERS[cls] = attrgetter(*names) if len(names) > 1 else None
    return _GETTERS[cls]


_GETTERS: dict[type, Callable[[Any], tuple[Any, ...]] | None] = {}


def encode(results: Sequence[Result], *, keep_trees: bool) -> Encoded:
    """``results`` (a chunk's files, in order) as rows; parse trees only when ``keep_trees``. Spends
    ``results``: routines' references may be changed to refer to their statement by position."""
    row = _statement_row_with_tree if keep_trees else _statement_row
    files = []
    effect_rows: list[tuple[Any, ...]] = []
    details: list[Any] = []
    rows: dict[type, list[tuple[Any, ...]]] = {}
    positions: dict[int, int] = {}  # id(statement) -> its position in the chunk, when needed
    for fs, effs in results:
        files.append((fs.file, list(map(row, fs.statements)), fs.failures, fs.file_ignores, len(effs)))
        effect_rows += map(_effect_row, effs)
        for e in effs:
            detail = e.detail
            cls = detail.__class__
            getter = _GETTERS[cls] if cls in _GETTERS else _row_getter(cls)
            if getter is None:
                details.append(detail)
                continue
            if cls is FunctionDef:
                _refer_to_statement(detail.refs, results, positions)
            details.append(cls)
            if cls in rows:
                rows[cls].append(getter(detail))
            else:
                rows[cls] = [getter(detail)]
    return files, effect_rows, details, rows


def _refer_to_statement(refs: RoutineRefs, results: Sequence[Result], positions: dict[int, int]) -> None:
    """Make ``refs`` (not yet computed, from a statement of ``results``) refer to its statement by
    position, so the statement does not travel twice (it would also arrive as a second object)."""
    compute, args, value = refs.__getstate__()
    if value is not None or not args or args[0].__class__ is not Statement:
        return
    if not positions:
        n = 0
        for fs, _ in results:
            for st in fs.statements:
                positions[id(st)] = n
                n += 1
    at = positions.get(id(args[0]))
    if at is not None:
        refs.__setstate__((compute, (StatementAt(at), *args[1:]), value))


def decode(encoded: Encoded, sqls: Sequence[str], *, keep_trees: bool, no_tree: Any) -> list[Result]:
    """The results :func:`encode` turned into ``encoded``: ``sqls`` are the files' SQL (in the same
    order) that the helper split; statements without a tree get ``no_tree``."""
    files, effect_rows, details, rows = encoded
    statements = _STATEMENTS_WITH_TREE if keep_trees else _STATEMENTS
    built = {cls: _maker(cls)(cls_rows) for cls, cls_rows in rows.items()}
    effects = _EFFECTS(effect_rows, details, {cls: iter(objs).__next__ for cls, objs in built.items()})
    out: list[Result] = []
    chunk_statements: list[Statement] = []
    at = 0
    for (file, statement_rows, failures, ignores, count), sql in zip(files, sqls, strict=True):
        sts = statements(statement_rows, sql, no_tree)
        chunk_statements += sts
        out.append((FileStatements(file, tuple(sts), failures, ignores), tuple(effects[at : at + count])))
        at += count
    for fdef in built.get(FunctionDef, ()):
        compute, args, value = fdef.refs.__getstate__()
        if args and args[0].__class__ is StatementAt:
            fdef.refs.__setstate__((compute, (chunk_statements[args[0].position], *args[1:]), value))
    return out


def _compiled(
    cls: type, names: tuple[str, ...], extra: dict[str, str], params: str, also: str = ""
) -> Callable[..., Any]:
    """A compiled ``make(rows, <params>)`` returning the list of ``cls`` records whose fields ``names``
    are the rows' values in order and whose other fields are the expressions ``extra``, written over
    ``params`` and the row's values (``f_<name>``). ``also``: a second iterable zipped with the rows,
    whose items are named ``also``. Generated from field names only, like dataclasses' ``__init__``."""
    twin = builder(cls)
    values = ", ".join(f"f_{name}" for name in names) + ","
    header = f"for ({values}), {also} in zip(rows, {also}s):" if also else f"for {values} in rows:"
    stores = [f"        obj.{name} = f_{name}" for name in names]
    stores += [f"        obj.{name} = {expression}" for name, expression in extra.items()]
    source = (
        f"def make(rows{', ' + params if params else ''}):\n"
        "    out = []\n"
        "    append = out.append\n"
        f"    {header}\n"
        "        obj = new(twin)\n" + "\n".join(stores) + "\n"
        "        obj.__class__ = cls\n"
        "        append(obj)\n"
        "    return out\n"
    )
    namespace: dict[str, Any] = {"new": object.__new__, "twin": twin, "cls": cls, "type": type}
    exec(source, namespace)
    return namespace["make"]  # type: ignore[no-any-return]


def _maker(cls: type) -> Callable[[list[tuple[Any, ...]]], list[Any]]:
    """The compiled loop building records of ``cls`` from their rows (every field, in order)."""
    if cls not in _MAKERS:
        _MAKERS[cls] = _compiled(cls, tuple(f.name for f in dataclasses.fields(cls)), {}, "")
    return _MAKERS[cls]


_MAKERS: dict[type, Callable[[list[tuple[Any, ...]]], list[Any]]] = {}

_STATEMENTS = _compiled(
    Statement, _STATEMENT_SENT, {"text": "sql[f_start:f_end]", "node": "no_tree"}, "sql, no_tree"
)
_STATEMENTS_WITH_TREE = _compiled(
    Statement, (*_STATEMENT_SENT, "node"), {"text": "sql[f_start:f_end]"}, "sql, no_tree"
)
#: An effect's detail arrives as itself, or as its class: then it is the next record built of that class.
_EFFECTS = _compiled(
    Effect,
    _EFFECT_SENT,
    {"detail": "next_of[detail]() if detail.__class__ is type else detail"},
    "details, next_of",
    also="detail",
)
