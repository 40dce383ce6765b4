"""How a helper's results travel to this process: records as flat lists of field values, one list per
record class, rebuilt here by one compiled loop per class.

A helper's results for a chunk of files are, per file, its :class:`FileStatements` and its effects:
hundreds of thousands of records for a large directory. Pickled as records, each costs a reduce call and
memo entries in the helper and a constructor call here. Instead :func:`encode` writes statements,
effects and the effects' detail records (``ColumnDef``, ``FunctionDef``, ...) as flat lists of field
values (one list per class: a record's fields in order, record after record), read by generated loops
of plain attribute reads; pickle writes the lists; :func:`decode` rebuilds the records with one
generated loop per class (plain attribute stores into each class's
:func:`~pgconsolidate.statements.records.builder` twin, then the real class; no call per record, no
tuple per record). An effect's detail travels as its class when it is such a record (its values are the
next ones in that class's list), else as itself. Statements travel without their text (this process
has every file's text: the text is the same slice of the same SQL the helper split) and, unless parse
trees are kept, without their tree; a routine whose references are read later from its statement
(``RoutineRefs``) refers to it by position and is given this process's statement back. Values that are
records themselves (type references, arguments, source references, ...) are pickled as records
(compact, see :mod:`pgconsolidate.statements.records`).

Measured with callgrind on 400 files of the benchmark corpus (``bench/analyze.py``): shipping (helper)
332M instructions before, 224M after; receiving (this process, on the critical path) 384M before,
~205M after (one-time compilation of the loops excluded).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from pgconsolidate.model.types import Effect, FunctionDef, RoutineRefs
from pgconsolidate.statements.model import FileStatements, Statement
from pgconsolidate.statements.records import UNPICKLER, builder

#: One file's results: its statements and the effects of its statements.
Result = tuple[FileStatements, tuple[Effect, ...]]
#: A chunk's results as they travel: per file (file, its statements' values, parse failures, file
#: ignores, effect count); every effect's values, each followed by its detail (or the detail's class);
#: per detail class, its records' values. Values are flat lists: a record's fields, in order, record
#: after record.
Encoded = tuple[
    list[tuple[str, list[Any], tuple[Any, ...], frozenset[str], int]],
    list[Any],
    dict[type, list[Any]],
]

#: Statement fields that are not sent: the text (restored from the file's SQL) and the parse tree.
_NOT_SENT = ("text", "node")
_STATEMENT_SENT = tuple(f.name for f in dataclasses.fields(Statement) if f.name not in _NOT_SENT)
_EFFECT_SENT = tuple(f.name for f in dataclasses.fields(Effect) if f.name != "detail")


class StatementAt:
    """Stands, while shipped, for the statement at ``position`` among a chunk's statements (in a
    :class:`RoutineRefs`' arguments)."""

    __slots__ = ("position",)

    def __init__(self, position: int) -> None:
        self.position = position

    def __reduce__(self) -> tuple[type, tuple[int]]:
        return (StatementAt, (self.position,))


def _pusher(cls: type) -> Callable[[Any, list[Any]], None] | None:
    """``push(record, values)`` appending the field values of a record of ``cls`` (every field, in order)
    to ``values``; None when ``cls`` does not travel as values (not a slotted record)."""
    if cls not in _PUSHERS:
        names = tuple(f.name for f in dataclasses.fields(cls)) if UNPICKLER in cls.__dict__ else ()
        _PUSHERS[cls] = _compiled_push(names) if names else None
    return _PUSHERS[cls]


def _compiled_push(names: Sequence[str]) -> Callable[[Any, list[Any]], None]:
    """``push(record, values)`` for records with fields ``names``: one tuple of plain attribute reads
    (specialised by the interpreter to slot reads, several times cheaper than ``attrgetter``)."""
    source = f"def push(obj, values):\n    values += ({''.join(f'obj.{n}, ' for n in names)})\n"
    namespace: dict[str, Any] = {}
    exec(source, namespace)  # generated from field names only
    return namespace["push"]  # type: ignore[no-any-return]


_PUSHERS: dict[type, Callable[[Any, list[Any]], None] | None] = {}


def _compiled_encoder() -> Callable[..., None]:
    """``encode_file(statements, effects, statement_values, effect_values, rows, spent)``: appends each
    statement's values, and each effect's values then its detail (or the detail's class, the detail's
    own values going to ``rows[class]``), as :data:`Encoded` says. ``spent(refs)`` is called with the
    references of each routine detail."""
    statement_values = "".join(f"st.{n}, " for n in _STATEMENT_SENT)
    effect_values = "".join(f"e.{n}, " for n in _EFFECT_SENT)
    source = (
        "def encode_file(statements, effects, svalues, evalues, rows, spent, with_tree):\n"
        "    if with_tree:\n"
        "        for st in statements:\n"
        f"            svalues += ({statement_values}st.node)\n"
        "    else:\n"
        "        for st in statements:\n"
        f"            svalues += ({statement_values})\n"
        "    for e in effects:\n"
        f"        evalues += ({effect_values})\n"
        "        detail = e.detail\n"
        "        cls = type(detail)\n"
        "        push = pushers[cls] if cls in pushers else pusher(cls)\n"
        "        if push is None:\n"
        "            if cls is type:\n"  # a class stands for a record: a class itself cannot travel
        "                raise TypeError(f'an effect detail that is a class: {detail!r}')\n"
        "            evalues.append(detail)\n"
        "            continue\n"
        "        if cls is routine:\n"
        "            spent(detail.refs)\n"
        "        evalues.append(cls)\n"
        "        if cls in rows:\n"
        "            push(detail, rows[cls])\n"
        "        else:\n"
        "            rows[cls] = values = []\n"
        "            push(detail, values)\n"
    )
    namespace: dict[str, Any] = {"pushers": _PUSHERS, "pusher": _pusher, "routine": FunctionDef}
    exec(source, namespace)  # generated from field names only
    return namespace["encode_file"]  # type: ignore[no-any-return]


_ENCODE_FILE = _compiled_encoder()


def encode(results: Sequence[Result], *, keep_trees: bool) -> Encoded:
    """``results`` (a chunk's files, in order) as values; parse trees only when ``keep_trees``. Spends
    ``results``: routines' references may be changed to refer to their statement by position."""
    files = []
    effects: list[Any] = []
    rows: dict[type, list[Any]] = {}
    positions: dict[int, int] = {}  # id(statement) -> its position in the chunk, when needed

    def spent(refs: RoutineRefs) -> None:
        _refer_to_statement(refs, results, positions)

    for fs, effs in results:
        statements: list[Any] = []
        _ENCODE_FILE(fs.statements, effs, statements, effects, rows, spent, keep_trees)
        files.append((fs.file, statements, fs.failures, fs.file_ignores, len(effs)))
    return files, effects, rows


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
    files, effect_values, rows = encoded
    statements = _STATEMENTS_WITH_TREE if keep_trees else _STATEMENTS
    built = {cls: _maker(cls)(values) for cls, values in rows.items()}
    effects = _EFFECTS(effect_values, {cls: iter(objs).__next__ for cls, objs in built.items()})
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
    """A compiled ``make(values, <params>)`` returning the list of ``cls`` records whose fields ``names``
    are the next ``len(names)`` items of the flat list ``values`` each, and whose other fields are the
    expressions ``extra``, written over ``params`` and the record's values (``f_<name>``). ``also``: one
    more item per record, named ``also``. Generated from field names only, like dataclasses' ``__init__``."""
    twin = builder(cls)
    targets = [f"f_{name}" for name in names] + ([also] if also else [])
    stores = [f"        obj.{name} = f_{name}" for name in names]
    stores += [f"        obj.{name} = {expression}" for name, expression in extra.items()]
    source = (
        f"def make(values{', ' + params if params else ''}):\n"
        "    out = []\n"
        "    append = out.append\n"
        "    it = iter(values)\n"
        # zip reuses its result tuple when the loop unpacks it at once: no tuple per record
        f"    for {', '.join(targets)}, in zip({', '.join(['it'] * len(targets))}):\n"
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
    {"detail": "next_of[detail]() if type(detail) is type else detail"},
    "next_of",
    also="detail",
)
