"""Rule ``missing-extension``: an extension's types or functions are used, but no migration creates it."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator

from pglast import parser

from pgconsolidate.model.types import Action, ObjectKind
from pgconsolidate.rules.finding import Location, Severity
from pgconsolidate.rules.mentions import file_mentions, words
from pgconsolidate.rules.nodes import EXTENSION_CALLS, EXTENSION_TYPES, body, strings, tree, walk
from pgconsolidate.rules.registry import Hit, RuleContext, rule
from pgconsolidate.statements.model import Statement

# function calls (also inside function bodies) that belong to a well-known extension
_CALLS = EXTENSION_CALLS
_CALL_RE = re.compile(
    r"(?<![\w.])((?:net|cron|extensions)\.)?("
    + "|".join(sorted({k.split(".")[-1] for k in _CALLS}))
    + r")\s*\(",
    re.IGNORECASE,
)
# a name followed by "(": needed for a match of _CALL_RE, found much faster (case-sensitive, on the
# lower-cased text; exact for ASCII text, where IGNORECASE folds nothing more than lower() does)
_CALL_NAME_RE = re.compile(r"(?:" + "|".join(sorted({k.split(".")[-1] for k in _CALLS})) + r")\s*\(")
_CALL_WORDS = ("uuid_generate", "crypt", "gen_salt", "pgp_sym", "similarity", "http_", "cron.")
_CALL_WORDS_RE = re.compile("|".join(re.escape(w) for w in _CALL_WORDS))  # any of them, in one scan
#: The extensions whose calls each of ``_CALL_WORDS`` may start (a word of created extensions is not
#: looked for)
_CALL_WORD_EXTENSIONS = {w: frozenset(ext for key, ext in _CALLS.items() if w in key) for w in _CALL_WORDS}
# what follows a call word in a call: the rest of the name, blanks, "(" (``_CALL_RE`` needs it)
_CALL_REST_RE = re.compile(r"[\w.]*\s*\(")
_OPCLASS_RE = re.compile(r"\b(?:gin|gist)_trgm_ops\b", re.IGNORECASE)
_TYPE_RE = re.compile(r"\b(" + "|".join(sorted(EXTENSION_TYPES)) + r")\b", re.IGNORECASE)


def _tokens_of(word: str) -> frozenset[bytes]:
    """The words (:func:`pgconsolidate.rules.mentions.words`) of which a text holds one wherever a
    pattern that ``word`` prefilters matches: a type is a word itself, each trigram operator class one,
    a call word the word of each call's name holding it (``cron.``: ``cron``, ``http_``: ``http_get``,
    ``http_post``)."""
    if word in _CALL_WORD_EXTENSIONS:
        core = word.strip("._").encode()
        return frozenset(w for key in _CALLS if word in key for w in words(key) if core in w)
    if word == "_trgm_ops":
        return frozenset({b"gin_trgm_ops", b"gist_trgm_ops"})
    return frozenset(words(word))


#: What a file must hold (:func:`pgconsolidate.rules.mentions.file_mentions`) for each word of
#: :func:`statement_needs`'s prefilters to matter in it
_WORD_TOKENS = {w: _tokens_of(w) for w in (*_CALL_WORDS, "_trgm_ops", *EXTENSION_TYPES)}


def _call_key(m: re.Match[str]) -> str:
    """The key of :data:`_CALLS` a match of :data:`_CALL_RE` names: ``net.http_post``, ``cron.schedule``
    (those schemas are part of the name), else the bare name (``crypt``, also ``extensions.crypt``)."""
    schema = (m.group(1) or "").lower()
    name = m.group(2).lower()
    return f"{schema}{name}" if schema in ("net.", "cron.") else name


def statement_needs(
    st: Statement, created: set[str], missing_types: tuple[str, ...] | None = None
) -> Iterator[tuple[str, str]]:
    """(extension, what) pairs a statement needs, among the extensions not in ``created``.
    ``missing_types`` (the types of extensions not in ``created``) may be passed precomputed."""
    text = st.text
    lower = text.lower()
    maybe_calls = _CALL_WORDS_RE.search(lower) is not None and (
        not lower.isascii() or _CALL_NAME_RE.search(lower) is not None
    )
    calls = _CALL_RE.finditer(text) if maybe_calls else iter(())
    for m in calls:
        key = _call_key(m)
        if key in _CALLS:
            yield _CALLS[key], f"{key}()"
    if "_trgm_ops" in lower and _OPCLASS_RE.search(text):
        yield "pg_trgm", "trigram operator class"
    if missing_types is None:
        missing_types = tuple(t for t, ext in EXTENSION_TYPES.items() if ext not in created)
    found = any(t in lower for t in missing_types)
    mentioned = {EXTENSION_TYPES[m.lower()] for m in _TYPE_RE.findall(text)} if found else set()
    if mentioned - created:  # only then is the (costly) walk of the parse tree worth it
        for _key, fields in walk(tree(st), frozenset({"valuesLists"})):
            if "names" in fields and "typemod" in fields:
                names = strings(fields.get("names"))
                if names and names[-1] in EXTENSION_TYPES and names[0] != "pg_catalog":
                    yield EXTENSION_TYPES[names[-1]], f"type {names[-1]}"


def _sql_function(st: Statement) -> bool:
    """A CREATE FUNCTION/PROCEDURE in LANGUAGE sql: its body is checked when created
    (``check_function_bodies``), so a call in it fails the migration itself."""
    for opt in body(st).get("options") or ():
        el = opt.get("DefElem", {})
        if el.get("defname") == "language":
            return strings([el.get("arg")]) == ["sql"]
    return False


def call_is_deferred(st: Statement, what: str) -> bool:
    """True when every call ``what`` (``net.http_post()``) in the statement is inside a string that the
    statement does not run: a PL/pgSQL body, a scheduled job's text (``cron.schedule(..., $$...$$)``),
    a ``COMMENT ON ... IS`` text. The migration then runs on a fresh database; the call fails when what
    holds it runs."""
    if st.kind == "DoStmt" or (st.kind == "CreateFunctionStmt" and _sql_function(st)):
        return False
    text = st.text
    name = what.removesuffix("()")
    try:
        strings_at = [(t.start, t.end) for t in parser.scan(text) if t.name == "SCONST"]
    except parser.ParseError:  # a text the scanner refuses: say what is certain
        return False
    found, ascii = False, text.isascii()  # the scanner's offsets are in UTF-8 bytes
    for m in _CALL_RE.finditer(text):
        if _call_key(m) != name:
            continue
        found = True
        at = m.start() if ascii else len(text[: m.start()].encode())
        if not any(start <= at <= end for start, end in strings_at):
            return False
    return found


def may_need(text: str, missing_types: tuple[str, ...], lower: str | None = None) -> bool:
    """False when ``text`` (a whole file; ``lower``: the same, lower-cased, if at hand) has none of the
    words :func:`statement_needs` looks for."""
    if lower is None:
        lower = text.lower()
    return (
        any(w in lower for w in _CALL_WORDS) or "_trgm_ops" in lower or any(t in lower for t in missing_types)
    )


def _word_offsets(
    text: str, lower: str, missing_types: tuple[str, ...], present: Iterable[str] | None = None
) -> list[int] | None:
    """Sorted offsets in ``text`` (a whole file; ``lower``: the same, lower-cased) where a word
    :func:`statement_needs` looks for starts (overlapping ones too; a call word only where a call follows:
    the rest of a name, blanks and ``(``); None when the offsets cannot be trusted (lower-casing
    changed the text's length), and then every statement must be looked at. ``present``: the
    looked-for words that ``lower`` holds, when known (only they are searched)."""
    if len(lower) != len(text):
        return None
    offsets: list[int] = []
    for word in {*_CALL_WORDS, "_trgm_ops", *missing_types} if present is None else set(present):
        call = _CALL_REST_RE.match if word in _CALL_WORD_EXTENSIONS else None
        size = len(word)
        at = lower.find(word)
        while at >= 0:
            if call is None or call(lower, at + size):
                offsets.append(at)
            at = lower.find(word, at + 1)
    offsets.sort()
    return offsets


def _has_word(offsets: list[int] | None, st: Statement, size: int) -> bool:
    """True when a looked-for word starts inside the statement's text, or when that cannot be told."""
    if offsets is None or st.end > size:
        return True
    i = bisect_left(offsets, st.start)
    return i < len(offsets) and offsets[i] < st.end


# extensions a Supabase database has before any migration (on the default search_path, via extensions)
_SUPABASE_PREINSTALLED = frozenset({"uuid-ossp", "pgcrypto"})
_SUPABASE_MARKER = re.compile(
    r"\bauth\s*\.\s*(?:uid|role|jwt|email|users)\b|\bstorage\s*\.\s*(?:buckets|objects)\b", re.I
)


def _supabase_project(ctx: RuleContext) -> bool:
    """A Supabase directory whose files use the platform (auth.uid(), auth.users, storage buckets)."""
    return ctx.mdir.tool == "supabase" and any(_SUPABASE_MARKER.search(t) for t in ctx.file_texts.values())


@rule(
    id="missing-extension",
    severity=Severity.WARNING,
    help="Add `CREATE EXTENSION IF NOT EXISTS name WITH SCHEMA extensions;` to the first migration (before "
    "anything uses it), so a fresh database gets it too.",
)
def missing_extension(ctx: RuleContext) -> Iterator[Hit]:
    """Types, functions or operator classes of an extension are used, but no migration creates it.

    Extensions switched on from a dashboard (Supabase's pg_net, pg_cron, pgcrypto, ...) exist in
    production but not in the files: on a fresh database (a branch, CI, a new environment) the statement
    fails, or, inside a PL/pgSQL body, the function fails at its first call. Detected: the types of
    pgvector, citext, hstore, ltree and PostGIS; calls such as ``uuid_generate_v4()``, ``crypt()``,
    ``net.http_post()``, ``cron.schedule()``; trigram operator classes.
    """
    created = {
        s.id
        for s in ctx.of_kind(ObjectKind.EXTENSION, existing=False)
        if any(e.action == Action.CREATE for e in s.events)
    }
    uses: dict[str, list[tuple[Location, str, bool]]] = {}
    missing_types = tuple(t for t, ext in EXTENSION_TYPES.items() if ext not in created)
    texts = ctx.file_texts
    # the words of extensions that a migration creates need not be looked for (their uses are fine)
    calls = [w for w in _CALL_WORDS if _CALL_WORD_EXTENSIONS[w] - created]
    looked_for = tuple({*calls, *(("_trgm_ops",) if "pg_trgm" not in created else ()), *missing_types})
    if not looked_for:
        return
    # the words of each file, split once for this rule and use-before-create: a file holding none of
    # those of the looked-for words is skipped without a look at its text (an ASCII text: else None)
    mentions = file_mentions(ctx)
    wanted: dict[bytes, list[str]] = {}  # a word of the text → the looked-for words it says to look for
    for w in looked_for:
        for token in _WORD_TOKENS[w]:
            wanted.setdefault(token, []).append(w)
    for fs, held in zip(ctx.files, mentions, strict=True):
        text = texts.get(fs.file, "")
        if held is None:
            lower = text.lower()
            present = [w for w in looked_for if w in lower]
        elif hit := wanted.keys() & held:
            lower = text.lower()
            present = list({w for token in hit for w in wanted[token]})
        else:
            continue
        if not present:
            continue  # one look at the whole file instead of one per statement (what may_need says)
        # where the words looked for are in the file: only the statements holding one are looked at
        offsets = _word_offsets(text, lower, missing_types, present) if fs.file in texts else None
        size, count = len(text), len(offsets) if offsets is not None else 0
        if count == 0 and offsets is not None and (not fs.statements or fs.statements[-1].end <= size):
            continue  # only call words, none of them in a call: no statement to look at
        for st in fs.statements:
            if offsets is not None and st.end <= size:  # _has_word, inlined (called per statement)
                i = bisect_left(offsets, st.start)
                if i == count or offsets[i] >= st.end:
                    continue
            if st.kind == "CreateExtensionStmt":
                continue
            for ext, what in statement_needs(st, created, missing_types):
                if ext not in created:
                    later = what.endswith("()") and call_is_deferred(st, what)
                    uses.setdefault(ext, []).append((Location(st.file, st.line, st.column), what, later))
    for ext, found in sorted(uses.items()):
        if ext in _SUPABASE_PREINSTALLED and _supabase_project(ctx):
            continue  # every Supabase database (hosted, local, branch) has it in schema extensions
        first, what, _ = found[0]
        others = tuple(dict.fromkeys(loc for loc, _, _ in found[1:]))[:5]
        if all(later for _, _, later in found):
            outcome = (
                "on a fresh database the migrations run, but each call fails when its function or scheduled "
                "job runs"
            )
        else:
            outcome = "fails on a fresh database"
        yield Hit(
            f"uses {what} from extension {ext}, which no migration creates ({len(found)} use(s)): {outcome}",
            first,
            others,
            (ext,),
        )
