"""What each file's text names, looked up once for the rules that skip the files naming nothing they seek.

``use-before-create`` looks only at files that name an object created in a later file, and
``missing-extension`` only at files that name a type, function or operator class of an extension. Both
tell from the words of the file's text, and splitting 10,000 files into words costs more than the rest
of both rules: :func:`file_mentions` does it once per context (the two rules run as one unit, see
``rules.parallel``), keeping of each file only the words that either rule looks for (its *vocabulary*:
the short names of the objects the directory creates, :func:`first_creations`, and
:data:`EXTENSION_WORDS`).

A *word* here is a run of ``[a-z0-9_]`` of the text lower-cased (ASCII texts only; ``$`` separates words,
so ``$$select`` holds ``select``): every unquoted identifier without ``$``, every quoted one of those
characters, and every match of ``\\bWORD\\b`` (the extension patterns) is such a run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet

from pgconsolidate.model.types import Action, ObjectKind
from pgconsolidate.rules.nodes import EXTENSION_CALLS, EXTENSION_TYPES
from pgconsolidate.rules.registry import RuleContext

#: (file position in ``ctx.files``, statement index)
Position = tuple[int, int]

#: What a creation of each kind is for ``use-before-create``: a relation, a type, a function, an extension.
CREATED_KIND = {
    ObjectKind.TABLE: "relation",
    ObjectKind.VIEW: "relation",
    ObjectKind.MATERIALIZED_VIEW: "relation",
    ObjectKind.SEQUENCE: "relation",
    ObjectKind.EXTENSION: "extension",
    ObjectKind.TYPE: "type",
    ObjectKind.ENUM: "type",
    ObjectKind.DOMAIN: "type",
    ObjectKind.FUNCTION: "function",
    ObjectKind.PROCEDURE: "function",
}

_WORD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"
#: ``bytes.translate`` table: ASCII letters lower-cased, digits and ``_`` kept, every other byte a space
_WORD_BYTES = bytes(
    (c | 0x20 if chr(c).isalpha() else c) if chr(c) in _WORD_CHARS else 32 for c in range(256)
)


def words(text: str) -> list[bytes]:
    """The words (runs of ``[a-z0-9_]``) of ``text.lower()``, as bytes, in order and repeated; ``text``
    must be ASCII. One translate and one split: several times faster than a regular expression."""
    return text.encode("ascii").translate(_WORD_BYTES).split()


def _word_set(names: Iterable[str]) -> frozenset[bytes]:
    return frozenset(w for name in names for w in words(name))


#: The words of the extensions' patterns of ``missing-extension``: the types of ``EXTENSION_TYPES``,
#: the words of the calls of ``EXTENSION_CALLS`` (``cron.schedule``: ``cron``, ``schedule``) and the
#: trigram operator classes.
EXTENSION_WORDS = _word_set([*EXTENSION_TYPES, *EXTENSION_CALLS, "gin_trgm_ops", "gist_trgm_ops"])


def first_creations(ctx: RuleContext) -> dict[tuple[str, str], Position]:
    """The first creation of every object (from the model's effects, no parse trees needed):
    (kind, id) → (file position, statement index), kind as :data:`CREATED_KIND` says, a function's id
    without its arguments. Conditional creations (in a DO block) do not count. Computed once per
    context."""
    return ctx.memo("first-creations", _first_creations, ctx)


def _first_creations(ctx: RuleContext) -> dict[tuple[str, str], Position]:
    first: dict[tuple[str, str], Position] = {}
    order = ctx.file_index()
    kinds = CREATED_KIND
    creates = (Action.CREATE, Action.CREATE_OR_REPLACE)
    kind_of, missing = kinds.get, len(order)
    for fe in ctx.model.effects:
        fi = order.get(fe.file, missing)
        for e in fe.effects:
            kind = kind_of(e.kind)  # first: most effects are of other kinds (columns, constraints, ...)
            if kind is None or e.action not in creates or e.conditional:
                continue
            key = (kind, e.id.split("(", 1)[0] if kind == "function" else e.id)
            if key not in first:
                first[key] = (fi, e.ref.statement_index)
    return first


def latest_creations(ctx: RuleContext) -> dict[str, Position]:
    """The last first creation (:func:`first_creations`) of any object by short name (lower-cased; an
    extension's types count as names of the extension): a statement can only use an object created
    after it if its text mentions one of these names after which it comes. Computed once per context."""
    return ctx.memo("latest-creations", _latest_creations, ctx)


def _latest_creations(ctx: RuleContext) -> dict[str, Position]:
    latest: dict[str, Position] = {}
    unseen = (-1, -1)
    for (kind, oid), pos in first_creations(ctx).items():
        if kind == "extension":
            for name in (
                *(t for t, ext in EXTENSION_TYPES.items() if ext == oid),
                oid.rpartition(".")[2].lower(),
            ):
                if pos > latest.get(name, unseen):
                    latest[name] = pos
            continue
        name = oid.rpartition(".")[2].lower()
        if pos > latest.get(name, unseen):
            latest[name] = pos
    return latest


def word_files(ctx: RuleContext) -> dict[bytes, int]:
    """The names of :func:`latest_creations` that are one word (all but those holding a ``$``, an
    upper-case letter, a blank or other punctuation), encoded, each with the file position of its last
    first creation. Computed once per context."""
    return ctx.memo("word-files", _word_files, ctx)


def _word_files(ctx: RuleContext) -> dict[bytes, int]:
    one_word = _ONE_WORD.fullmatch
    return {name.encode(): pos[0] for name, pos in latest_creations(ctx).items() if one_word(name)}


_ONE_WORD = re.compile(r"[a-z0-9_]+")


def vocabulary(ctx: RuleContext) -> frozenset[bytes]:
    """The words :func:`file_mentions` keeps: those of :func:`word_files` and :data:`EXTENSION_WORDS`."""
    return EXTENSION_WORDS.union(word_files(ctx))


def file_mentions(ctx: RuleContext) -> tuple[AbstractSet[bytes] | None, ...]:
    """For each file of ``ctx.files`` (same order), the words of its text that are in
    :func:`vocabulary`; None for a file whose text is not ASCII (its words are not split here: the rules
    read such a text themselves). Computed once per context."""
    return ctx.memo("file-mentions", _file_mentions, ctx)


def _file_mentions(ctx: RuleContext) -> tuple[AbstractSet[bytes] | None, ...]:
    texts = ctx.file_texts
    keep, table = vocabulary(ctx).intersection, _WORD_BYTES  # words(), inlined (called per file)
    return tuple(
        keep(text.encode().translate(table).split()) if (text := texts.get(fs.file, "")).isascii() else None
        for fs in ctx.files
    )
