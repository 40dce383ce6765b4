"""Rule ``use-before-create``: an object used before the file that creates it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from pglast import parser

from pgconsolidate.rules.finding import Location, Severity
from pgconsolidate.rules.mentions import (
    Position,
    file_mentions,
    first_creations,
    latest_creations,
    word_files,
)
from pgconsolidate.rules.nodes import (
    DEFAULT_SCHEMA,
    EXTENSION_TYPES,
    qualify,
    relation_id,
    strings,
    tree,
    type_name,
    walk,
)
from pgconsolidate.rules.nodes import body as tree_body
from pgconsolidate.rules.parse_error import statement_start
from pgconsolidate.rules.registry import Hit, RuleContext, rule
from pgconsolidate.statements.model import FileStatements, ParseFailure, Statement

_WORD = re.compile(r"[a-z_][a-z0-9_$]*")
_WORD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$"
_QUOTED = re.compile(r'"((?:[^"]|"")+)"')
# rows of data (INSERT ... VALUES) hold no object references worth the walk; seed files can be huge
_DATA = frozenset({"valuesLists"})


_CREATE_KINDS = frozenset(
    {
        "CreateStmt",
        "ViewStmt",
        "CreateTableAsStmt",
        "CreateExtensionStmt",
        "CreateEnumStmt",
        "CompositeTypeStmt",
        "CreateDomainStmt",
        "CreateFunctionStmt",
        "CreateSeqStmt",
    }
)


def _created(st: Statement) -> list[tuple[str, str]]:
    """(kind, id) of what ``st`` creates, for the first-creation index."""
    k = st.kind
    if k not in _CREATE_KINDS:
        return []
    b = tree_body(st)
    if k == "CreateStmt":
        return [("relation", relation_id(b.get("relation")))]
    if k == "ViewStmt":
        return [("relation", relation_id(b.get("view")))]
    if k == "CreateTableAsStmt":
        into = (b.get("into") or {}).get("IntoClause", {})
        return [("relation", relation_id(into.get("rel")))]
    if k == "CreateExtensionStmt":
        return [("extension", str(b.get("extname", "")))]
    if k == "CreateEnumStmt":
        return [("type", qualify(strings(b.get("typeName"))))]
    if k == "CompositeTypeStmt":
        return [("type", relation_id(b.get("typevar")))]
    if k == "CreateDomainStmt":
        return [("type", qualify(strings(b.get("domainname"))))]
    if k == "CreateFunctionStmt":
        return [("function", qualify(strings(b.get("funcname"))))]
    if k == "CreateSeqStmt":
        return [("relation", relation_id(b.get("sequence")))]
    return []


def _extension_schema(st: Statement) -> str:
    for o in tree_body(st).get("options") or ():
        d = o.get("DefElem", {})
        if d.get("defname") == "schema":
            arg = d.get("arg") or {}
            return str(arg.get("String", {}).get("sval", DEFAULT_SCHEMA))
    return DEFAULT_SCHEMA


def _sql_body_nodes(st: Statement) -> list[tuple[str, dict[str, Any]]]:
    """The nodes of a ``LANGUAGE sql`` function's string body (``AS $$ ... $$``): PostgreSQL parses and
    analyses it when the function is created (``check_function_bodies`` is on by default), so every table
    and function it names must exist then. Empty for other statements, other languages, a body that does
    not parse, and functions with polymorphic arguments (whose bodies PostgreSQL only parses)."""
    if st.kind != "CreateFunctionStmt":
        return []
    fields = tree_body(st)
    opts = {
        o["DefElem"].get("defname"): o["DefElem"].get("arg")
        for o in fields.get("options") or ()
        if isinstance(o, dict) and "DefElem" in o
    }
    language = opts.get("language") or {}
    body_list = (opts.get("as") or {}).get("List", {}).get("items")
    if strings([language]) != ["sql"] or not body_list:
        return []
    for p in fields.get("parameters") or ():
        arg_type = (p.get("FunctionParameter") or {}).get("argType") or {}
        if any(n.startswith("any") for n in strings(arg_type.get("names"))):
            return []
    text = "".join(strings(body_list))
    try:
        stmts = json.loads(parser.parse_sql_json(text)).get("stmts") or ()
    except (parser.ParseError, ValueError):
        return []
    return list(walk(stmts, _DATA))


def _uses(st: Statement) -> Iterator[tuple[str, str, str]]:
    """(kind, id, label) of the objects ``st`` uses (not the ones it creates), in a ``LANGUAGE sql``
    function's string body too."""
    own = {oid for _, oid in _created(st)}
    nodes = list(walk(tree(st), _DATA)) + _sql_body_nodes(st)
    ctes = {fields.get("ctename", "") for kind, fields in nodes if kind == "CommonTableExpr"}
    for kind, fields in nodes:
        if kind in ("RangeVar", "relation", "pktable", "table", "view", "rel") or (
            "relname" in fields and "inh" in fields
        ):
            if "relname" not in fields:
                continue
            rid = relation_id(fields)
            if rid in own or (not fields.get("schemaname") and fields["relname"] in ctes):
                continue
            yield "relation", rid, rid
        elif kind in ("TypeName", "typeName", "argType", "returnType") or (
            "names" in fields and "typemod" in fields
        ):
            names = strings(fields.get("names"))
            if not names or names[0] == "pg_catalog":
                continue
            base = names[-1]
            if base in EXTENSION_TYPES:
                yield "extension", EXTENSION_TYPES[base], base
            elif len(names) <= 2:
                yield "type", qualify(names), type_name(fields)
        elif kind == "FuncCall":
            names = strings(fields.get("funcname"))
            if names and names[0] != "pg_catalog":
                yield "function", qualify(names), ".".join(names)
    if st.kind == "CreateTrigStmt":
        yield (
            "function",
            qualify(strings(tree_body(st).get("funcname"))),
            ".".join(strings(tree_body(st).get("funcname"))),
        )


#: the head of a CREATE statement: its object kind and (possibly qualified, quoted) name
_CREATE_HEAD = re.compile(
    r"\s*create\s+(?:or\s+replace\s+)?(?:(?:global|local)\s+)?(?:(?:temporary|temp|unlogged)\s+)?"
    r"(?P<kind>table|materialized\s+view|recursive\s+view|view|sequence|type|domain|function|procedure"
    r"|extension)\s+(?:if\s+not\s+exists\s+)?"
    r'(?P<name>(?:"(?:[^"]|"")+"|[^\s."(]+)(?:\s*\.\s*(?:"(?:[^"]|"")+"|[^\s."(]+))?)',
    re.IGNORECASE,
)
_HEAD_KINDS = {"table": "relation", "view": "relation", "sequence": "relation", "type": "type"}
_HEAD_KINDS |= {"domain": "type", "function": "function", "procedure": "function", "extension": "extension"}
_NAME_PART = re.compile(r'"((?:[^"]|"")+)"|([^\s."(]+)')


def failed_creation(failure: ParseFailure) -> tuple[str, str] | None:
    """(kind, id) of what the statement that failed to parse would create (read from its text, which
    has no tree: ``CREATE TABLE IF NOT EXISTS "public"."customers" (...`` with a missing comma), in the
    ids of :func:`_created`; None when it is not a CREATE of such an object."""
    m = _CREATE_HEAD.match(failure.text)
    if m is None:
        return None
    kind = _HEAD_KINDS[m["kind"].split()[-1].lower()]
    parts = [q.replace('""', '"') if q else w.lower() for q, w in _NAME_PART.findall(m["name"])]
    return kind, parts[0] if kind == "extension" else qualify(parts)


def _failed_here(fs: FileStatements, key: tuple[str, str], st: Statement) -> ParseFailure | None:
    """The statement of ``fs`` before ``st`` that would create ``key`` but does not parse."""
    for failure in fs.failures:
        if failure.line <= st.line and failed_creation(failure) == key:
            return failure
    return None


def _statement_at(ctx: RuleContext, at: Position) -> Statement:
    """The statement at ``at`` (file position in ``ctx.files``, statement index)."""
    return next(st for st in ctx.files[at[0]].statements if st.index == at[1])


#: ``bytes.translate`` table: ASCII letters lower-cased, digits, ``_``, ``$`` kept, other bytes a space
_WORD_BYTES = bytes(
    (c | 0x20 if chr(c).isalpha() else c) if chr(c) in _WORD_CHARS else 32 for c in range(256)
)


def ascii_words(text: str) -> list[bytes]:
    """The runs of word characters of ``text.lower()`` (``text`` must be ASCII), as bytes, in order and
    repeated: one translate and split, several times faster than the ``_WORD`` regex scan (intersect
    them with a dict's keys, ``names.keys() & words``: one lookup per word, no set of them built).
    A run is the word ``_WORD`` finds in it, except when it starts with digits or ``$`` (``1e5``,
    ``$1``, ``$$select``): ``_WORD`` would find the rest of it, but PostgreSQL's lexer never reads the
    rest as a name (``trailing junk after numeric literal``; dollar-quoted bodies are not part of the
    statement's tree), so no reference that :func:`_uses` finds is missed."""
    return text.encode("ascii").translate(_WORD_BYTES).split()


def _mentions_later(
    text: str,
    latest: dict[str, Position],
    fi: int,
    latest_files: dict[bytes, int] | None = None,
    quoted_only: dict[str, Position] | None = None,
) -> bool:
    """True when ``text`` names an object whose first creation is in a file after position ``fi``
    (``latest_files``: the file positions of ``latest``, by name encoded, for ASCII text; ``quoted_only``:
    the names of ``latest`` that only a quoted identifier can spell, as ``_WORD`` finds every other one)."""
    if latest_files is not None and quoted_only is not None and text.isascii():
        named = latest_files.keys() & ascii_words(text)
        if named and max(map(latest_files.__getitem__, named)) > fi:
            return True
        return _quoted_later(text, quoted_only, fi)
    lower = text.lower()
    words = set(_WORD.findall(lower))
    if '"' in lower:
        words.update(q.replace('""', '"') for q in _QUOTED.findall(lower))
    return any(latest[w][0] > fi for w in words & latest.keys())


def _quoted_later(text: str, quoted_only: dict[str, Position], fi: int) -> bool:
    """True when ``text`` (ASCII) quotes a name of ``quoted_only`` whose first creation is in a file
    after position ``fi``."""
    if not quoted_only or '"' not in text:
        return False
    quoted = {q.replace('""', '"') for q in _QUOTED.findall(text.lower())}
    return any(quoted_only[w][0] > fi for w in quoted & quoted_only.keys())


def _not_words(names: list[str]) -> list[str]:
    """The names of ``names`` that ``_WORD`` does not match whole (only a quoted identifier spells
    them): one scan of them all, one per line, when no name holds a line break; else one match each."""
    joined = "\n".join(names)
    if joined.count("\n") != len(names) - 1:
        return [name for name in names if not _WORD.fullmatch(name)]
    return _NOT_WORD_LINE.findall(joined)


#: a whole line that is not one ``_WORD`` (:func:`_not_words`)
_NOT_WORD_LINE = re.compile(r"^(?![a-z_][a-z0-9_$]*$).*$", re.MULTILINE)


@rule(
    id="use-before-create",
    severity=Severity.ERROR,
    help="Move the CREATE (extension, type, table, function) into an earlier migration, or the statement "
    "that uses it into a later one; on a fresh database the files run in name order.",
)
def use_before_create(ctx: RuleContext) -> Iterator[Hit]:
    """A statement uses a type, extension, table, view or function that only a later file creates.

    The directory then fails on a fresh database (``type "vector" does not exist``, ``relation ... does
    not exist``) even though production works: there the object was created by hand or from the
    dashboard, or the files ran in another order than their names say. Only objects that the directory
    does create later are reported. The body of a ``LANGUAGE sql`` function is read too (PostgreSQL checks
    it at creation, ``check_function_bodies`` being on); PL/pgSQL bodies are not resolved at creation, so
    they are not read.
    """
    first = first_creations(ctx)
    latest = latest_creations(ctx)
    quoted_only = {name: latest[name] for name in _not_words(list(latest))}
    latest_files: dict[bytes, int] = {}  # every name of ``latest`` encoded: made when first needed
    texts = ctx.file_texts
    # each file's words among the names that are one word (split once for this rule and
    # missing-extension; None for a text that is not ASCII); when a name holds a "$" (not one word
    # there), every text is split here instead, "$" kept inside words
    dollar = any("$" in name for name in latest)
    mentions = file_mentions(ctx) if not dollar else (None,) * len(ctx.files)
    one_word = word_files(ctx)
    for fi, (fs, held) in enumerate(zip(ctx.files, mentions, strict=True)):
        # only objects first created in a later file are reported: look at the whole file once first
        text = texts.get(fs.file, "")
        if held is not None:
            named = one_word.keys() & held
            if not (named and max(map(one_word.__getitem__, named)) > fi) and not _quoted_later(
                text, quoted_only, fi
            ):
                continue
        if not latest_files:
            latest_files = {name.encode(): pos[0] for name, pos in latest.items()}
        if held is None and not _mentions_later(text, latest, fi, latest_files, quoted_only):
            continue
        for st in fs.statements:
            here = (fi, st.index)
            if not _mentions_later(st.text, latest, fi, latest_files, quoted_only):
                continue
            seen: set[tuple[str, str]] = set()
            for kind, oid, label in _uses(st):
                key = (kind, oid)
                if key in seen:
                    continue
                seen.add(key)
                created_at = first.get(key)
                if created_at is None or created_at <= here or created_at[0] == fi:
                    continue
                creator = _statement_at(ctx, created_at)
                where_created = Location(creator.file, creator.line, creator.column)
                if kind == "extension":
                    obj = f"{_extension_schema(creator)}.{label}"
                    what = f"type {label} from extension {oid}"
                else:
                    obj = oid
                    what = f"{kind} {oid}"
                failed = _failed_here(fs, key, st) if fs.failures else None
                if failed is not None:
                    # the file meant to create it first: say so (parse-error reports the statement)
                    mf = next(f for f in ctx.mdir.files if f.path == fs.file)
                    at = Location(fs.file, *statement_start(mf.forward_sql, mf.span_line, failed))
                    yield Hit(
                        f"uses {what}, whose CREATE in this file, at {at}, "
                        f"does not parse (parse-error); the first that does is later, at {where_created}: "
                        "fails on a fresh database",
                        Location(st.file, st.line, st.column),
                        (at, where_created),
                        (obj,),
                    )
                    continue
                yield Hit(
                    f"uses {what}, which is only created later, at {where_created}: "
                    "fails on a fresh database",
                    Location(st.file, st.line, st.column),
                    (where_created,),
                    (obj,),
                )
