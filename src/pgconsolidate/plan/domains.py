"""The domains of the clean set, derived from the project's own objects (pure).

The clean set is one file per domain. The domains come from the final schema, not from a fixed layout:

* ``extensions`` first (extensions and schemas) and ``security_policies`` last (policies, grants, ACLs,
  default privileges, row security);
* the project's tables grouped into *families*: every table of a schema other than ``public`` belongs to
  the family of its schema; a ``public`` table belongs to the family of the first word of its name, with
  singular and plural folded (``memories``, ``memory_links`` and ``memory_tags`` are the family
  ``memory``; a first word shorter than 3 letters, as in ``ai_memories``, gives way to the second);
* a family with a single table and fewer than two functions or views named after it is no domain of its
  own: its objects go to the fallback domain ``initial_schema`` (pattern ``*``, which also takes every
  type and domain, so that types come before the tables that use them);
* a small project (at most :data:`SMALL_TABLES` tables or :data:`SMALL_FAMILIES` families) gets only
  ``extensions``, ``initial_schema`` and ``security_policies``;
* a family's patterns are schema-qualified (``public.memory*``, ``public.*_memory*``, ``billing.*``), so
  they catch its tables, sequences, triggers and the functions and views named after it, and nothing of
  another schema;
* a one-table family whose table references a domain's table, their names sharing a prefix
  (``agentlogs`` → ``agent``), joins that domain instead of the fallback;
* families are ordered so that foreign keys point to an earlier family (a cycle is broken at the family
  with the fewest unresolved references).

A pattern that places an object in the wrong family only moves it between files: the clean set moves an
entry to a later domain when it names an object placed later (see
:func:`pgconsolidate.generate.cleanset.assign_domains`), so every file only needs what earlier files
created. The plan TOML is editable: its ``[[domain]]`` tables are read back as written.
"""

from __future__ import annotations

import fnmatch
import re
from collections import defaultdict
from dataclasses import dataclass, field

from pgconsolidate.catalog.model import Snapshot
from pgconsolidate.catalog.schemas import MANAGED_SCHEMAS, SYSTEM_SCHEMAS
from pgconsolidate.plan.model import DEFAULT_DOMAINS, Domain

SMALL_TABLES = 6
SMALL_FAMILIES = 3
EXTENSIONS, FALLBACK, SECURITY = DEFAULT_DOMAINS
#: schemas whose objects are the platform's or PostgreSQL's, never a family of the project
NOT_PROJECT = frozenset(SYSTEM_SCHEMAS + MANAGED_SCHEMAS)
_FK_REF = re.compile(r'REFERENCES\s+((?:"(?:[^"]|"")*"|[^\s("])+)')
_INFIX_MIN = 4  # a word this long is also matched inside a name (``search_memories``)


def singular(word: str) -> str:
    """``word`` (lower case) in the singular, as far as a plain suffix rule can tell: ``memories`` →
    ``memory``, ``boxes`` → ``box``, ``orders`` → ``order``; ``status``, ``address``, ``analysis`` stay."""
    w = word.lower()
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("sses", "xes", "ches", "shes", "zes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def _split(identity: str) -> tuple[str, str]:
    """``schema.name`` → (schema, name), quotes removed."""
    m = re.fullmatch(r'("(?:[^"]|"")+"|[^.]+)\.(.+)', identity)
    if not m:
        return "public", identity.strip('"')
    return m.group(1).strip('"').replace('""', '"'), m.group(2).strip('"').replace('""', '"')


def _first_word(name: str) -> str:
    """The word of ``name`` its family is named after (the first, or the second when the first is a
    short prefix such as ``ai_`` or ``tb_``)."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", name) if w]
    if not words:
        return ""
    if len(words[0]) < 3 and len(words) > 1:
        return words[1]
    return words[0]


def _glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def _safe(name: str) -> str:
    """A file-name-safe domain name (lower-case letters, digits and ``_``)."""
    return re.sub(r"_+", "_", re.sub(r"[^a-z0-9_]", "_", name.lower())).strip("_")


@dataclass
class _Family:
    key: str  # the stem (public) or the schema
    schema: str
    whole_schema: bool
    tables: list[str] = field(default_factory=list)
    words: set[str] = field(default_factory=set)  # first words as written in the table names

    def patterns(self) -> tuple[str, ...]:
        if self.whole_schema:
            return (f"{_glob_escape(self.schema)}.*",)
        q = _glob_escape(self.schema)
        forms = self.words | {self.key}
        forms = {f for f in forms if not any(g != f and f.startswith(g) for g in forms)}
        out = []
        for f in sorted(forms):
            out.append(f"{q}.{_glob_escape(f)}*")
            if len(f) >= _INFIX_MIN:
                out.append(f"{q}.*_{_glob_escape(f)}*")
        # a table the word patterns miss (``tb_x``: short words are not matched inside names) by its name
        for t in sorted(self.tables):
            name = _split(t)[1]
            if not any(fnmatch.fnmatchcase(f"{self.schema}.{name}", p) for p in out):
                out.append(f"{q}.{_glob_escape(name)}")
        return tuple(dict.fromkeys(out))


def _families(snap: Snapshot, dropped: frozenset[str]) -> dict[str, _Family]:
    fams: dict[str, _Family] = {}
    for t in snap.tables:
        schema, name = _split(t.identity)
        if schema in NOT_PROJECT or schema.startswith("pg_") or t.partition_of or t.identity in dropped:
            continue
        if schema != "public":
            fam = fams.setdefault(f"schema:{schema}", _Family(schema, schema, True))
        else:
            word = _first_word(name)
            if not word:
                continue
            stem = singular(word)
            fam = fams.setdefault(f"word:{stem}", _Family(stem, schema, False))
            fam.words.add(word)
        fam.tables.append(t.identity)
    return fams


def _named_objects(snap: Snapshot, fam: _Family) -> int:
    """How many functions and views of the family's schema are named after it."""
    pats = [p.split(".", 1)[1] for p in fam.patterns()]
    n = 0
    for ident in [f.identity.split("(")[0] for f in snap.functions] + [v.identity for v in snap.views]:
        schema, name = _split(ident)
        if schema == fam.schema and any(fnmatch.fnmatchcase(name, p) for p in pats):
            n += 1
    return n


def _references(snap: Snapshot) -> list[tuple[str, str]]:
    """(table, referenced table) of every foreign key."""
    out = []
    for c in snap.constraints:
        if c.contype != "foreign key":
            continue
        m = _FK_REF.search(c.definition)
        if m:
            schema, name = _split(m.group(1))
            out.append((c.table, f"{schema}.{name}"))
    return out


def _order(fams: list[_Family], refs: list[tuple[str, str]]) -> list[_Family]:
    """``fams`` so that most foreign keys point to an earlier family."""
    of = {_split(t): f.key + "\0" + f.schema for f in fams for t in f.tables}
    by_id = {f.key + "\0" + f.schema: f for f in fams}
    needs: dict[str, set[str]] = defaultdict(set)
    for table, ref in refs:
        a, b = of.get(_split(table)), of.get(_split(ref))
        if a and b and a != b:
            needs[a].add(b)
    done: list[str] = []
    left = sorted(by_id)
    while left:
        ready = [k for k in left if not (needs[k] - set(done))]
        pick = (
            ready[0]
            if ready
            else min(left, key=lambda k: (len(needs[k] - set(done)), -len(by_id[k].tables), k))
        )
        done.append(pick)
        left.remove(pick)
    return [by_id[k] for k in done]


def _merge_along_foreign_keys(
    fams: list[_Family], kept: list[_Family], refs: list[tuple[str, str]]
) -> list[_Family]:
    """A family too small to be a domain of its own (one table) joins the domain of a family its table
    references when their names share a prefix (``agentlogs`` → ``agent``, ``chat_messages`` →
    ``chatbot``), so that the table's file holds it with the tables it references; otherwise it stays in
    the fallback domain. Returns ``kept`` with those tables (and their words) added."""
    of = {_split(t): f for f in kept for t in f.tables}
    own = {id(f) for f in kept}
    for f in fams:
        if id(f) in own or f.whole_schema or len(f.tables) != 1:
            continue
        targets = {
            id(g): g
            for table, ref in refs
            if _split(table) == _split(f.tables[0]) and (g := of.get(_split(ref))) is not None
        }
        shared = [
            g
            for g in targets.values()
            if g.schema == f.schema
            and min(len(f.key), len(g.key)) >= 3
            and (f.key.startswith(g.key) or g.key.startswith(f.key))
        ]
        if len(shared) == 1:
            shared[0].tables.append(f.tables[0])
            shared[0].words |= f.words
    return kept


def _unique(name: str, taken: set[str]) -> str:
    base = name or "objects"
    out, n = base, 2
    while out in taken:
        out, n = f"{base}_{n}", n + 1
    taken.add(out)
    return out


def derive_domains(snap: Snapshot, dropped: frozenset[str] = frozenset()) -> tuple[Domain, ...]:
    """The clean set's domains for the final schema ``snap`` (``dropped``: tables the plan merges away)."""
    fams = _families(snap, dropped)
    n_tables = sum(len(f.tables) for f in fams.values())
    if n_tables <= SMALL_TABLES or len(fams) <= SMALL_FAMILIES:
        return DEFAULT_DOMAINS
    refs = _references(snap)
    kept = [f for f in fams.values() if len(f.tables) >= 2 or _named_objects(snap, f) >= 2]
    kept = _merge_along_foreign_keys(list(fams.values()), kept, refs)
    taken = {EXTENSIONS.name, FALLBACK.name, SECURITY.name}
    out = [EXTENSIONS, FALLBACK]
    for f in _order(kept, refs):
        out.append(Domain(_unique(_safe(f.key), taken), patterns=f.patterns()))
    out.append(SECURITY)
    return tuple(out)
