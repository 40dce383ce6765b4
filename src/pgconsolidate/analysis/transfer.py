"""How a helper's results travel to this process: records as flat lists of field values, one list per
record class, rebuilt here by one compiled loop per class.

A helper's results for a chunk of files are, per file, its :class:`FileStatements` and its effects:
hundreds of thousands of records for a large directory. Pickled as records, each costs a reduce call and
memo entries in the helper and a call here. Instead :func:`encode` writes statements, effects and the
effects' detail records (``ColumnDef``, ``FunctionDef``, ...) as flat lists of field values (one list per
class: a record's fields in order, record after record), read by generated loops of plain attribute
reads; pickle writes the lists (values only: strings, numbers, tuples, a few shared objects); :func:`decode`
rebuilds the records with one generated loop per class (plain attribute stores into each class's
:func:`~pgconsolidate.statements.records.blank_twin`, then the real class; no call per record, no tuple
per record). The records nested in those most often travel flat too:

- an effect's source (``SourceRef``, one per statement, shared by its effects) is a position in the
  chunk's table of sources (four values each), and arrives shared the same way;
- a routine's arguments (``ArgDef``) are a count, their values in the chunk's list of arguments;
- a routine's lazy references (``RoutineRefs``) are four values: the function computing them, the
  position of the statement it reads among the chunk's statements (-1: none; -2: the shared
  ``NO_REFS``), its other inputs and the computed value. The statement itself does not travel twice,
  and arrives as this process's statement.

An effect's detail travels as its class when it is such a record (its values are the next ones in that
class's list), else as itself. Statements travel without their text (this process has every file's
text: the text is the same slice of the same SQL the helper split) and, unless parse trees are kept,
without their tree. Records nested deeper (type references, ...) are pickled as records (compact, see
:mod:`pgconsolidate.statements.records`; the few distinct ones are shared through pickle's memo).

Measured on the whole benchmark corpus (``bench/analyze.py``, 10,000 files) cut into chunks as the
driver cuts them, CPU seconds summed over the chunks, best of 3 on a busy machine: with sources,
arguments and references pickled as records, encode 0.69 + pickle 0.88 (helper) and unpickle 0.71 +
decode 0.77 (this process), 44.9 MB; flat, encode 0.83 + pickle 0.58 (-11%) and unpickle 0.53 + decode
0.88 (-5%), 42.6 MB. A real run ships about half of the chunks.

``marshal`` instead of pickle was measured on the same half of the chunks (enum members and classes
replaced by numbers, records left out, so an upper bound of what it could save): dumps 0.18-0.23 s
against pickle's 0.20-0.23, loads 0.13-0.16 against 0.13-0.15 (version 4; version 2, without shared
references, loads slower and is 75% larger). The lists are mostly small strings and numbers, for which
both are one C loop with one memo/reference table: nothing to gain, so values stay pickled.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from itertools import islice
from typing import Any

from pgconsolidate.model.types import NO_REFS, ArgDef, Effect, FunctionDef, RoutineRefs, SourceRef
from pgconsolidate.statements.model import FileStatements, Statement
from pgconsolidate.statements.records import UNPICKLER, blank_twin

#: One file's results: its statements and the effects of its statements.
Result = tuple[FileStatements, tuple[Effect, ...]]
#: A chunk's results as they travel: per file (file, its statements' values, parse failures, file
#: ignores, effect count); every effect's values, each followed by its detail (or the detail's class);
#: per detail class, its records' values; the sources' values; the routines' arguments' values. Values
#: are flat lists: a record's fields, in order, record after record.
Encoded = tuple[
    list[tuple[str, list[Any], tuple[Any, ...], frozenset[str], int]],
    list[Any],
    dict[type, list[Any]],
    list[Any],
    list[Any],
]


def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


#: Statement fields that are not sent: the text (restored from the file's SQL) and the parse tree.
_NOT_SENT = ("text", "node")
_STATEMENT_SENT = tuple(n for n in _names(Statement) if n not in _NOT_SENT)
_EFFECT_SENT = tuple(n for n in _names(Effect) if n != "detail")
_SOURCE = _names(SourceRef)
_ARG = _names(ArgDef)
_ROUTINE = _names(FunctionDef)
#: A routine's lazy references travel as these four values (see the module's docstring).
_REFS_SENT = ("r_compute", "r_at", "r_args", "r_value")
#: ``r_at`` of the shared :data:`NO_REFS`, and of references that read no statement of the chunk.
_NO_REFS_AT, _NO_STATEMENT = -2, -1


def _pusher(cls: type) -> Callable[[Any, list[Any]], None] | None:
    """``push(record, values)`` appending the field values of a record of ``cls`` (every field, in order)
    to ``values``; None when ``cls`` does not travel as values (not a slotted record)."""
    if cls not in _PUSHERS:
        names = _names(cls) if UNPICKLER in cls.__dict__ else ()
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
    """``encode_file(statements, effects, svalues, evalues, rows, sources_at, source_values, routine,
    with_tree)``: appends each statement's values, and each effect's values (its source as a position in
    ``source_values``, via ``sources_at``: id of a source -> position) then its detail (or the detail's
    class, the detail's own values going to ``rows[class]``; a routine's through ``routine(detail)``), as
    :data:`Encoded` says."""
    statement_values = "".join(f"st.{n}, " for n in _STATEMENT_SENT)
    effect_values = "".join("at, " if n == "ref" else f"e.{n}, " for n in _EFFECT_SENT)
    source_values = "".join(f"ref.{n}, " for n in _SOURCE)
    source = (
        "def encode_file(statements, effects, svalues, evalues, rows, sources_at, source_values, routine,"
        " with_tree):\n"
        "    if with_tree:\n"
        "        for st in statements:\n"
        f"            svalues += ({statement_values}st.node)\n"
        "    else:\n"
        "        for st in statements:\n"
        f"            svalues += ({statement_values})\n"
        "    last = nothing\n"  # no source is this: the first effect's source is always checked
        "    at = -1\n"
        "    for e in effects:\n"
        "        ref = e.ref\n"
        "        if ref is not last:\n"  # a statement's effects share its source, one after another
        "            if ref.__class__ is not source_ref:\n"
        "                raise TypeError(f'an effect source that is not a SourceRef: {ref!r}')\n"
        "            key = id(ref)\n"  # the chunk's results hold every source meanwhile: ids stay unique
        "            if key in sources_at:\n"
        "                at = sources_at[key]\n"
        "            else:\n"
        "                at = sources_at[key] = len(sources_at)\n"
        f"                source_values += ({source_values})\n"
        "            last = ref\n"
        f"        evalues += ({effect_values})\n"
        "        detail = e.detail\n"
        "        cls = type(detail)\n"
        "        if cls is function_def:\n"
        "            routine(detail)\n"
        "            evalues.append(cls)\n"
        "            continue\n"
        "        push = pushers[cls] if cls in pushers else pusher(cls)\n"
        "        if push is None:\n"
        "            if cls is type:\n"  # a class stands for a record: a class itself cannot travel
        "                raise TypeError(f'an effect detail that is a class: {detail!r}')\n"
        "            evalues.append(detail)\n"
        "            continue\n"
        "        evalues.append(cls)\n"
        "        if cls in rows:\n"
        "            push(detail, rows[cls])\n"
        "        else:\n"
        "            rows[cls] = values = []\n"
        "            push(detail, values)\n"
    )
    namespace: dict[str, Any] = {
        "pushers": _PUSHERS,
        "pusher": _pusher,
        "function_def": FunctionDef,
        "source_ref": SourceRef,
        "nothing": object(),
    }
    exec(source, namespace)  # generated from field names only
    return namespace["encode_file"]  # type: ignore[no-any-return]


def _compiled_routine_push() -> Callable[..., None]:
    """``push(routine, values, arg_values, refs)``: a routine's values (its arguments as their count,
    their values appended to ``arg_values``; its references as the four values ``refs(references)``
    returns) appended to ``values``."""
    fields = []
    for n in _ROUTINE:
        fields.append("len(args), " if n == "args" else "*refs(obj.refs), " if n == "refs" else f"obj.{n}, ")
    arg_values = "".join(f"a.{n}, " for n in _ARG)
    source = (
        "def push(obj, values, arg_values, refs):\n"
        "    args = obj.args\n"
        "    for a in args:\n"
        f"        arg_values += ({arg_values})\n"
        f"    values += ({''.join(fields)})\n"
    )
    namespace: dict[str, Any] = {}
    exec(source, namespace)  # generated from field names only
    return namespace["push"]  # type: ignore[no-any-return]


_ENCODE_FILE = _compiled_encoder()
_PUSH_ROUTINE = _compiled_routine_push()


def encode(results: Sequence[Result], *, keep_trees: bool) -> Encoded:
    """``results`` (a chunk's files, in order) as values; parse trees only when ``keep_trees``. Raises
    TypeError on what cannot travel this way (the caller then computes the chunk itself)."""
    files = []
    effects: list[Any] = []
    rows: dict[type, list[Any]] = {}
    sources_at: dict[int, int] = {}
    source_values: list[Any] = []
    arg_values: list[Any] = []
    positions: dict[int, int] = {}  # id(statement) -> its position in the chunk, when needed

    def refs(value: RoutineRefs) -> tuple[Any, int, tuple[Any, ...], Any]:
        return _refs_values(value, results, positions)

    def routine(fdef: FunctionDef) -> None:
        values = rows.get(FunctionDef)
        if values is None:
            values = rows[FunctionDef] = []
        _PUSH_ROUTINE(fdef, values, arg_values, refs)

    for fs, effs in results:
        statements: list[Any] = []
        _ENCODE_FILE(
            fs.statements, effs, statements, effects, rows, sources_at, source_values, routine, keep_trees
        )
        files.append((fs.file, statements, fs.failures, fs.file_ignores, len(effs)))
    return files, effects, rows, source_values, arg_values


def _refs_values(
    value: RoutineRefs, results: Sequence[Result], positions: dict[int, int]
) -> tuple[Any, int, tuple[Any, ...], Any]:
    """``(compute, at, args, value)`` of a routine's references: ``at`` the position of the statement
    they read (their first input, when it is a statement of ``results``) among the chunk's statements,
    ``args`` then the other inputs; see :data:`_REFS_SENT`."""
    if value is NO_REFS:
        return None, _NO_REFS_AT, (), None
    compute, args, computed = value.__getstate__()
    if computed is None and args and args[0].__class__ is Statement:
        if not positions:
            n = 0
            for fs, _ in results:
                for st in fs.statements:
                    positions[id(st)] = n
                    n += 1
        at = positions.get(id(args[0]))
        if at is not None:
            return compute, at, args[1:], None
    return compute, _NO_STATEMENT, args, computed


def decode(encoded: Encoded, sqls: Sequence[str], *, keep_trees: bool, no_tree: Any) -> list[Result]:
    """The results :func:`encode` turned into ``encoded``: ``sqls`` are the files' SQL (in the same
    order) that the helper split; statements without a tree get ``no_tree``."""
    files, effect_values, rows, source_values, arg_values = encoded
    make_statements = _STATEMENTS_WITH_TREE if keep_trees else _STATEMENTS
    per_file: list[list[Statement]] = []
    chunk_statements: list[Statement] = []
    for (_, statement_rows, _, _, _), sql in zip(files, sqls, strict=True):
        sts = make_statements(statement_rows, sql, no_tree)
        per_file.append(sts)
        chunk_statements += sts
    built: dict[type, list[Any]] = {}
    for cls, values in rows.items():
        if cls is FunctionDef:
            args = iter(_maker(ArgDef)(arg_values))
            built[cls] = _ROUTINES(values, args, chunk_statements)
        else:
            built[cls] = _maker(cls)(values)
    sources = _maker(SourceRef)(source_values)
    effects = _EFFECTS(effect_values, {cls: iter(objs).__next__ for cls, objs in built.items()}, sources)
    out: list[Result] = []
    at = 0
    for (file, _, failures, ignores, count), sts in zip(files, per_file, strict=True):
        out.append((FileStatements(file, tuple(sts), failures, ignores), tuple(effects[at : at + count])))
        at += count
    return out


def _compiled(
    cls: type, targets: Sequence[str], lines: Sequence[str], params: str, namespace: dict[str, Any]
) -> Callable[..., Any]:
    """A compiled ``make(values, <params>)`` returning the list of ``cls`` records whose values are the
    next ``len(targets)`` items of the flat list ``values`` each (named ``targets``), stored by ``lines``
    (statements over ``obj``, ``params``, the targets and ``namespace``). Generated from field names
    only, like dataclasses' ``__init__``."""
    source = (
        f"def make(values{', ' + params if params else ''}):\n"
        "    out = []\n"
        "    append = out.append\n"
        "    it = iter(values)\n"
        # zip reuses its result tuple when the loop unpacks it at once: no tuple per record
        f"    for {', '.join(targets)}, in zip({', '.join(['it'] * len(targets))}):\n"
        "        obj = twin()\n"
        + "".join(f"        {line}\n" for line in lines)
        + "        obj.__class__ = cls\n"
        "        append(obj)\n"
        "    return out\n"
    )
    namespace = {**namespace, "twin": blank_twin(cls), "cls": cls, "type": type}
    exec(source, namespace)
    return namespace["make"]  # type: ignore[no-any-return]


def _stores(names: Sequence[str], instead: dict[str, str] | None = None) -> list[str]:
    """``obj.<name> = f_<name>`` for each of ``names``, or ``obj.<name> = <instead[name]>``."""
    instead = instead or {}
    return [f"obj.{n} = {instead.get(n, f'f_{n}')}" for n in names]


def _maker(cls: type) -> Callable[[list[Any]], list[Any]]:
    """The compiled loop building records of ``cls`` from their values (every field, in order)."""
    if cls not in _MAKERS:
        names = _names(cls)
        _MAKERS[cls] = _compiled(cls, [f"f_{n}" for n in names], _stores(names), "", {})
    return _MAKERS[cls]


_MAKERS: dict[type, Callable[[list[Any]], list[Any]]] = {}

_STATEMENTS = _compiled(
    Statement,
    [f"f_{n}" for n in _STATEMENT_SENT],
    _stores(_names(Statement), {"text": "sql[f_start:f_end]", "node": "no_tree"}),
    "sql, no_tree",
    {},
)
_STATEMENTS_WITH_TREE = _compiled(
    Statement,
    [f"f_{n}" for n in (*_STATEMENT_SENT, "node")],
    _stores(_names(Statement), {"text": "sql[f_start:f_end]"}),
    "sql, no_tree",
    {},
)
#: An effect's source is a position in ``sources``; its detail arrives as itself, or as its class: then
#: it is the next record built of that class.
_EFFECTS = _compiled(
    Effect,
    [f"f_{n}" for n in (*_EFFECT_SENT, "detail")],
    _stores(
        _names(Effect),
        {"ref": "sources[f_ref]", "detail": "next_of[f_detail]() if type(f_detail) is type else f_detail"},
    ),
    "next_of, sources",
    {},
)
#: Routines: arguments are the next ``count`` of ``args``; references rebuilt from their four values.
_ROUTINES = _compiled(
    FunctionDef,
    [t for n in _ROUTINE for t in (_REFS_SENT if n == "refs" else [f"f_{n}"])],
    [
        *_stores(
            [n for n in _ROUTINE if n != "refs"],
            {"args": "tuple(islice(args, f_args)) if f_args else ()"},
        ),
        "if r_at == no_refs_at:",
        "    obj.refs = no_refs",
        "else:",
        "    refs = new(routine_refs)",
        "    refs._compute = r_compute",
        "    refs._args = (statements[r_at], *r_args) if r_at >= 0 else r_args",
        "    refs._value = r_value",
        "    obj.refs = refs",
    ],
    "args, statements",
    {
        "islice": islice,
        "new": object.__new__,
        "routine_refs": RoutineRefs,
        "no_refs": NO_REFS,
        "no_refs_at": _NO_REFS_AT,
    },
)
