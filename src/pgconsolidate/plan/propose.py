"""Propose a plan from what the migrations produce and, when given, what the live database holds (pure).

Inputs: the directory (file hashes, statements), the catalog snapshot and data facts of the replayed
chain and, optionally, of the live database. The live database wins where they disagree: its tables are
the ones merged, its data decides canonical dimensions, its function bodies are the ones kept.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, replace

from psycopg import sql

from pgconsolidate.catalog.model import Column, Snapshot
from pgconsolidate.catalog.normalize import body_hash
from pgconsolidate.model.types import Action, Analysis, FunctionDef, GrantDef, ObjectKind
from pgconsolidate.plan.check import compatible, key_references, type_category
from pgconsolidate.plan.domains import derive_domains
from pgconsolidate.plan.facts import DataFacts
from pgconsolidate.plan.files_only import files_only_objects
from pgconsolidate.plan.keys import Renewal, renewal
from pgconsolidate.plan.model import (
    ColumnMap,
    Definer,
    Embedding,
    FunctionChoice,
    IndexChoice,
    Merge,
    NotMerged,
    Plan,
    Settings,
    SourceFile,
)
from pgconsolidate.rules.registry import RuleContext
from pgconsolidate.rules.similarity import (
    column_weights,
    family_related,
    name_similarity,
    names_related,
    similar_pair,
    table_similarity,
)
from pgconsolidate.rules.variant_files import variant_files
from pgconsolidate.sources.model import MigrationDir
from pgconsolidate.statements.model import FileStatements
from pgconsolidate.statements.split import split_sql

_FK = re.compile(r"FOREIGN KEY \((?P<cols>[^)]*)\) REFERENCES (?P<ref>[^\s(]+)\((?P<rcols>[^)]*)\)")
_IDX_COLS = re.compile(r"USING (?P<method>\w+) \((?P<cols>.*)\)(?: WHERE .*)?$")
_VEC = re.compile(r"^(vector|halfvec)(?:\((\d+)\))?$")
_HISTORY_FIXED = r"\b{col}\s+(?:extensions\.)?(?:vector|halfvec)\((\d+)\)"

MANAGED = ("auth", "storage", "realtime", "supabase_functions", "extensions", "vault", "net", "cron")


def qualify(name: str) -> str:
    name = name.replace('"', "")
    return name if "." in name else f"public.{name}"


def split_names(text: str) -> list[str]:
    return [c.strip().strip('"') for c in text.split(",") if c.strip()]


def foreign_keys(snap: Snapshot, table: str) -> list[tuple[list[str], str, list[str]]]:
    """(columns, referenced table, referenced columns) of ``table``'s foreign keys."""
    out = []
    for c in snap.constraints:
        if c.table == table and c.contype == "foreign key":
            m = _FK.search(c.definition)
            if m:
                out.append((split_names(m["cols"]), qualify(m["ref"]), split_names(m["rcols"])))
    return out


def index_leading(definition: str) -> tuple[str, list[str], bool]:
    """(method, plain leading columns, partial) of an index definition; expressions yield ``"(expr)"``."""
    m = _IDX_COLS.search(definition)
    if not m:
        return "", [], False
    cols = []
    depth = 0
    cur = ""
    for ch in m["cols"]:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            cols.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        cols.append(cur.strip())
    plain = [c.split(" ")[0].strip('"') if not c.startswith("(") else "(expr)" for c in cols]
    return m["method"], plain, " WHERE " in definition


def _columns(snap: Snapshot, table: str) -> dict[str, Column]:
    return {c.identity.rsplit(".", 1)[1]: c for c in snap.columns if c.table == table}


def _incoming_fks(snap: Snapshot, table: str) -> int:
    n = 0
    for t in {c.table for c in snap.constraints}:
        n += sum(1 for _, ref, _ in foreign_keys(snap, t) if ref == table)
    return n


def _ident(name: str) -> str:
    """``name`` quoted as an SQL identifier (for expressions proposed in the plan)."""
    return sql.Identifier(name).as_string(None)


def _fk_path_expr(snap: Snapshot, source: str, target: str, tcol: str) -> str | None:
    """An expression filling ``target.tcol`` (a foreign key) through one hop from a source foreign key."""
    want = [(ref, rcols) for cols, ref, rcols in foreign_keys(snap, target) if cols == [tcol]]
    if not want:
        return None
    ref, rcols = want[0]
    for cols, mid, mcols in foreign_keys(snap, source):
        if len(cols) != 1:
            continue
        for mcols2, ref2, rcols2 in foreign_keys(snap, mid):
            if ref2 == ref and rcols2 == rcols and len(mcols2) == 1:
                ms, mn = mid.split(".", 1)
                return (
                    f"(SELECT fk.{_ident(mcols2[0])} FROM {_ident(ms)}.{_ident(mn)} fk "
                    f"WHERE fk.{_ident(mcols[0])} = s.{_ident(cols[0])})"
                )
    return None


def _linking_key(snap: Snapshot, a: str, b: str) -> str | None:
    """A foreign key of ``a`` that references ``b`` or of ``b`` that references ``a``, as
    ``table(columns) -> table``; None when neither references the other."""
    for child, parent in ((a, b), (b, a)):
        for cols, ref, _ in foreign_keys(snap, child):
            if ref == parent:
                return f"{child}({', '.join(cols)}) -> {parent}"
    return None


def _fk_columns(snap: Snapshot, table: str) -> set[str]:
    return {c for cols, _, _ in foreign_keys(snap, table) for c in cols}


def _crossed_references(
    snap: Snapshot, source: str, target: str, keys: list[str], mapping: list[ColumnMap]
) -> str | None:
    """Why moving ``source``'s rows into ``target`` would break a foreign key: a column copied into the
    target (a key column, or one mapped from a source column) references one table in the target and
    another in the source, so the copied values point at rows the target's key cannot find (drizzle's
    ``Vote_v2.messageId`` -> ``Message_v2`` beside ``Vote.messageId`` -> ``Message``: every moved row
    failed the fix's INSERT). A source column referencing its own table is fine (the rows move along).
    None when no copied column crosses."""
    src = {c: ref for cols, ref, _ in foreign_keys(snap, source) for c in cols}
    tgt = {c: ref for cols, ref, _ in foreign_keys(snap, target) for c in cols}
    copied = [(k, k) for k in keys] + [(m.source, m.target) for m in mapping if m.source]
    for scol, tcol in copied:
        rs, rt = src.get(scol), tgt.get(tcol)
        if rs is None or rt is None or rs == rt or (rs == source and rt == target):
            continue
        return (
            f"their rows point at different tables: {target}({tcol}) references {rt}, "
            f"{source}({scol}) references {rs}; moved rows would fail {target}'s foreign key (merge {rs} "
            f"into {rt} first, or plan this pair by hand)"
        )
    return None


_RENEWAL_TEXT = {
    "identity": "the next value of its identity sequence (moved past every key of both tables first)",
    "default": "the column's own default, evaluated per row (its sequence, if any, moved past every key)",
    "uuid": "gen_random_uuid()",
    "number": "numbers above the largest key of both tables",
    "text": "the old key with a random suffix, cut to fit the column",
}


def _primary_key(snap: Snapshot, table: str) -> list[str]:
    """The columns of ``table``'s primary key (``["id"]`` when it has none)."""
    pk = [
        m["cols"]
        for c in snap.constraints
        if c.table == table
        and c.contype == "primary key"
        and (m := re.match(r"PRIMARY KEY \((?P<cols>[^)]*)\)", c.definition))
    ]
    return split_names(pk[0]) if pk else ["id"]


def _key_mismatch(snap: Snapshot, source: str, target: str, keys: list[str]) -> str | None:
    """Why ``source``'s rows cannot be matched to ``target``'s on ``target``'s key, or None."""
    scols, tcols = _columns(snap, source), _columns(snap, target)
    has_pk = any(c.table == target and c.contype == "primary key" for c in snap.constraints)
    for k in keys:
        if k not in tcols:
            return f"{target} has no primary key and no id column to match rows on"
        if k not in scols:
            what = "primary key" if has_pk else "id column"
            return f"key mismatch: {source} has no column {k} ({target}'s {what} is {', '.join(keys)})"
        if not compatible(scols[k].type, tcols[k].type):
            return (
                f"key mismatch: {source}.{k} is {scols[k].type}, {target}.{k} is {tcols[k].type}: the keys "
                "cannot be compared (map them through an expression if they correspond)"
            )
    return None


UNRELATED_NAMES = "names unrelated: merge by hand if they hold the same thing"


def _access_differs(snap: Snapshot, source: str, target: str) -> str | None:
    """Why merging ``source`` into ``target`` would change who may read and write its rows, else None:
    one table has row level security and the other does not (``private_items`` with owner-only policies
    next to ``items`` without RLS: a merge would hand every private row to the API roles)."""
    tables = {t.identity: t for t in snap.tables if t.identity in (source, target)}
    s, t = tables.get(source), tables.get(target)
    if s is None or t is None or s.rls_enabled == t.rls_enabled:
        return None

    def said(table: str, on: bool) -> str:
        n = sum(1 for p in snap.policies if p.table == table)
        return (
            f"{table} has row level security ({n} polic{'y' if n == 1 else 'ies'})"
            if on
            else (f"{table} has none")
        )

    return (
        f"access differs: {said(source, s.rls_enabled)}, {said(target, t.rls_enabled)}; moving the rows "
        "would change who may read and write them through the API: merge by hand (the draft) if that is "
        "meant, after giving both tables the same policies"
    )


def related_names(a: str, b: str) -> bool:
    """Whether two table names (unqualified) say the tables may hold the same thing: alike words
    (``memories``/``ai_memories``, ``notes``/``notes_v2``, ``client``/``clients``). ``articles`` and
    ``resources`` are not: columns alone never make a merge of two differently named entities."""
    return name_similarity(a, b) >= 0.5 or names_related(a, b) is not None


def identical_copy(snap: Snapshot, a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are copies: the same columns (names and types) and the same primary key."""
    ca, cb = _columns(snap, a), _columns(snap, b)
    return (
        {(n, c.type) for n, c in ca.items()} == {(n, c.type) for n, c in cb.items()}
        and _primary_key(snap, a) == _primary_key(snap, b)
        and all(any(c.table == t and c.contype == "primary key" for c in snap.constraints) for t in (a, b))
    )


def propose_merges(snap: Snapshot, facts: DataFacts | None, threshold: float = 0.6) -> list[Merge]:
    """Merges of near-identical tables (see :func:`merge_proposals`)."""
    return merge_proposals(snap, facts, threshold)[0]


def merge_proposals(
    snap: Snapshot,
    facts: DataFacts | None,
    threshold: float = 0.6,
    reported: tuple[tuple[str, str], ...] = (),
    origin: str = "the schema",
) -> tuple[list[Merge], list[NotMerged]]:
    """Merges of near-identical tables (the ``similar-tables`` verdict,
    :func:`~pgconsolidate.rules.similarity.similar_pair`: score ≥ ``threshold`` and related names, or
    ≥ 0.8, for tables of 4 columns or more; near-copies with related names at any size), into the table
    more rows and foreign keys point at; and every similar pair NOT proposed, with the reason. A pair
    whose names are unrelated (:func:`related_names`) is proposed only when it is an
    :func:`identical_copy`; otherwise it is listed with :data:`UNRELATED_NAMES` and its draft.
    ``reported``: the pairs ``analyze`` reports (from the files' model); each is explained when the
    catalog does not make it a merge; ``origin`` names ``snap`` in the reasons ("the live database")."""
    # partitions are their parent's storage, never merged on their own
    kept = {t.identity: t for t in snap.tables if not t.identity.startswith(MANAGED) and not t.partition_of}
    tables = list(kept)
    cols_of = {t: [(n, c.type) for n, c in _columns(snap, t).items()] for t in tables}
    pairs: list[tuple[float, str, str]] = []
    skipped: list[NotMerged] = []
    weights = column_weights([n for n, _ in cols_of[t]] for t in tables)

    def weight(t: str) -> tuple[int, int, int]:
        return (_incoming_fks(snap, t), (facts.rows(t) or 0) if facts else 0, -len(t))

    def skip(a: str, b: str, score: float | None, reason: str, *, in_snapshot: bool = True) -> None:
        if in_snapshot:
            target, source = (a, b) if weight(a) >= weight(b) else (b, a)
            key = ", ".join(_primary_key(snap, target))
        else:  # a table the proposal does not merge from here: no [[merge]] to start from
            target, source, key = a, b, ""
        skipped.append(NotMerged(source, target, score, reason, key))

    for i, a in enumerate(tables):
        for b in tables[i + 1 :]:
            na, nb = a.split(".")[1], b.split(".")[1]
            if family_related(a, kept[a].inherits, b, kept[b].inherits):
                continue
            large = len(cols_of[a]) >= 4 and len(cols_of[b]) >= 4
            if not large and not names_related(na, nb):
                continue
            # judged as ``similar-tables`` judges them: columns weigh by their rarity among the tables,
            # and a pair with related names is also scored with every column counting fully
            sim = table_similarity(cols_of[a], cols_of[b], weights=weights)
            alike = similar_pair(sim, na, nb, threshold=threshold, large=large, weights=weights)
            if names_related(na, nb):
                plain = table_similarity(cols_of[a], cols_of[b])
                if similar_pair(plain, na, nb, threshold=threshold, large=large, weights=weights) and (
                    not alike or plain.score > sim.score
                ):
                    sim, alike = plain, "plain"
            if not alike:
                continue
            if a.split(".")[0] != b.split(".")[0]:
                skip(
                    a,
                    b,
                    sim.score,
                    "they are in different schemas: the plan does not move rows across schemas on its own",
                )
                continue
            if linked := _linking_key(snap, a, b):
                skip(
                    a,
                    b,
                    sim.score,
                    f"a foreign key links them ({linked}): the rows of one belong to rows of the other "
                    "(parent and child), they are not the same kind of rows",
                )
                continue
            pairs.append((sim.score, a, b))
    merges: list[Merge] = []
    used: dict[str, Merge] = {}
    for score, a, b in sorted(pairs, reverse=True):
        if a in used or b in used:
            taken = used[a] if a in used else used[b]
            skip(
                a,
                b,
                score,
                f"{a if a in used else b} is already merged ({taken.source} -> {taken.target}, a closer "
                "pair); a table takes part in one merge per plan: consolidate, then plan again",
            )
            continue
        target, source = (a, b) if weight(a) >= weight(b) else (b, a)
        scols, tcols = _columns(snap, source), _columns(snap, target)
        keys = _primary_key(snap, target)
        mismatch = _key_mismatch(snap, source, target, keys)
        if mismatch is not None:
            skip(a, b, score, mismatch)
            continue
        key = ", ".join(keys)
        renew = renewal(key, tcols)
        if isinstance(renew, Renewal) and (own := key_references((snap,), target, renew.column)):
            renew = f"{target}.{renew.column} is also a foreign key ({', '.join(own)})"
        strategy = "keep-both" if isinstance(renew, Renewal) else "prefer-target"
        sim = table_similarity(cols_of[source], cols_of[target])
        fk_targets = _fk_columns(snap, target)
        mapping: list[ColumnMap] = []
        notes: list[str] = []
        mapped: set[str] = set(keys)
        unfilled: list[str] = []
        for pair in sim.pairs:
            if pair.left in keys or pair.right in keys or tcols[pair.right].generated:
                continue
            scol, tcol = scols[pair.left], tcols[pair.right]
            vec = type_category(scol.type) == "vector" == type_category(tcol.type)
            if not (vec or compatible(scol.type, tcol.type)):
                notes.append(
                    f"{pair.left} ({scol.type}) not mapped to {pair.right} ({tcol.type}): types differ"
                )
                continue
            if not pair.exact and pair.right in fk_targets:
                notes.append(
                    f"{pair.left} looks like {pair.right}, but {pair.right} is a foreign key: "
                    "its values might "
                    "not exist there, so it is not mapped (map it by hand if they do)"
                )
                continue
            mapping.append(ColumnMap(pair.right, source=pair.left))
            mapped.add(pair.right)
            if not pair.exact:
                notes.append(f"{pair.left} -> {pair.right} (similar name)")
        for name, col in tcols.items():
            if name in mapped or col.generated or col.identity_kind:
                continue
            if col.not_null and col.default is None:
                expr = _fk_path_expr(snap, source, target, name)
                if expr:
                    mapping.append(ColumnMap(name, expr=expr))
                    notes.append(f"{name} filled through foreign keys: {expr}")
                else:
                    unfilled.append(name)
        used_sources = {c.source for c in mapping if c.source} | set(keys)
        unmapped = sorted(set(scols) - used_sources)
        reason = (
            f"{source} and {target} hold the same kind of rows (similarity {score:.2f}: "
            f"{sim.mapping_text()}); {target} is canonical (more references / rows). Key: {key}."
        )
        if isinstance(renew, Renewal):
            reason += f"\nColliding source rows get a new {renew.column}: {_RENEWAL_TEXT[renew.how]}."
        else:
            reason += (
                f"\non_collision = prefer-target: keep-both cannot make a new key ({renew}); colliding "
                f"source rows are kept in {source}_merge_unmerged, not inserted."
            )
        if notes:
            reason += "\nMappings: " + "; ".join(notes) + "."
        if unmapped:
            reason += (
                "\nSource columns without a target column (their values are kept as jsonb in "
                f"{target}_merge_origin.extra): {', '.join(unmapped)}."
            )
        if facts and facts.rows(source) is not None:
            reason += f"\nLive rows: {facts.rows(source)} in {source}, {facts.rows(target)} in {target}."
        key_type = ", ".join(scols[k].type for k in keys)
        merge = Merge(source, target, key, key_type, strategy, True, tuple(mapping), reason)
        if unfilled:
            cols = ", ".join(f"{target}.{c}" for c in unfilled)
            skipped.append(
                NotMerged(
                    source,
                    target,
                    score,
                    f"rows would be lost: {cols} is NOT NULL without a default and nothing in {source} fills "
                    "it, so no source row could be inserted; the draft [[merge]] in the plan maps the rest: "
                    "give it a source column or an expr",
                    key,
                    draft=merge,
                )
            )
            continue
        if (crossed := _crossed_references(snap, source, target, keys, mapping)) is not None:
            skipped.append(NotMerged(source, target, score, crossed, key, draft=merge))
            continue
        if (access := _access_differs(snap, source, target)) is not None:
            # private rows moved into a table the API reads without row level security (or back)
            skipped.append(NotMerged(source, target, score, access, key, draft=merge))
            continue
        if not related_names(a.split(".")[1], b.split(".")[1]) and not identical_copy(snap, a, b):
            # alike columns, different entities (articles / resources): a merge the user must choose
            skipped.append(NotMerged(source, target, score, UNRELATED_NAMES, key, draft=merge))
            continue
        merges.append(merge)
        used.update({source: merge, target: merge})
    explained = {frozenset((m.source, m.target)) for m in merges} | {n.pair for n in skipped}
    known = set(tables)
    every = {t.identity: t for t in snap.tables}
    for a, b in reported:
        if frozenset((a, b)) in explained:
            continue
        explained.add(frozenset((a, b)))
        managed = [t for t in (a, b) if t.startswith(MANAGED)]
        parts = [t for t in (a, b) if t in every and every[t].partition_of]
        missing = [t for t in (a, b) if t not in known and t not in parts]
        if managed or parts:
            parent = (every[parts[0]].partition_of or "").split(" ")[0] if parts else ""
            why = (
                f"{', '.join(managed)} is in a schema the platform manages: its rows are not merged"
                if managed
                else f"{', '.join(parts)} is a partition of {parent}: its rows are its parent's, and "
                "partitions are never merged on their own"
            )
            skip(a, b, None, why, in_snapshot=False)
            continue
        if not missing and family_related(a, kept[a].inherits, b, kept[b].inherits):
            skip(a, b, None, "one inherits the other (or both the same parent): one family, not twins")
            continue
        if missing:
            present = [t for t in (a, b) if t in known]
            target = present[0] if present else a
            source = b if target == a else a
            skipped.append(
                NotMerged(
                    source,
                    target,
                    None,
                    f"{', '.join(missing)} is not in {origin}, which the plan is made from: nothing is "
                    "planned for it (see the NOTE lines, if any)",
                    key="",
                )
            )
            continue
        sim = table_similarity(cols_of[a], cols_of[b])
        skip(
            a,
            b,
            sim.score,
            "analyze reports them similar from the files, but their columns in the schema the plan was "
            f"made from are less alike (similarity {sim.score:.2f}: {sim.mapping_text()})",
        )
    return merges, [replace(n, reported=n.pair in {frozenset(p) for p in reported}) for n in skipped]


def _history_dimension(mdir: MigrationDir, table: str, column: str) -> int | None:
    name = table.split(".")[1]
    pattern = re.compile(_HISTORY_FIXED.format(col=re.escape(column)), re.IGNORECASE)
    seen: Counter[int] = Counter()
    for f in mdir.files:
        text = f.forward_sql
        if name not in text:
            continue
        for m in pattern.finditer(text):
            seen[int(m.group(1))] += 1
    return seen.most_common(1)[0][0] if seen else None


def propose_embeddings(
    mdir: MigrationDir, snap: Snapshot, facts: DataFacts | None, merges: list[Merge]
) -> list[Embedding]:
    out: dict[str, Embedding] = {}
    dropped = {m.source for m in merges}
    for col in snap.columns:
        m = _VEC.match(col.type)
        if not m or col.table.startswith(MANAGED):
            continue
        cname = col.identity.rsplit(".", 1)[1]
        counts = facts.dims(col.identity) if facts else ()
        if m.group(2):
            continue  # fixed dimension: nothing else can be stored
        if counts:
            dim = max(counts, key=lambda dn: (dn[1], -dn[0]))[0]
            why = f"most values in the live database have {dim} dimensions"
        else:
            found = _history_dimension(mdir, col.table, cname)
            if found is None:
                continue
            dim, why = found, f"the migrations declared vector({found}) for it before"
        moves = tuple(sorted(d for d, _ in counts if d != dim))
        reason = f"{col.identity} is a dimensionless {m.group(1)}; canonical {dim}: {why}."
        if moves:
            reason += " Values of other dimensions move to " + ", ".join(f"{cname}_{d}" for d in moves) + "."
        if col.table in dropped:
            reason += " (merge source: converted before its rows are merged)"
        out[col.identity] = Embedding(col.table, cname, dim, m.group(1), "move", moves, counts, reason)

    # merged tables share canonical dimension and side columns (fixed dimensions included: a vector(768)
    # source merged into a vector(1536) target moves its values to the target's embedding_768)
    def fixed(ident: str) -> tuple[str, int | None]:
        ctype = next((x.type for x in snap.columns if x.identity == ident), "")
        vm = _VEC.match(ctype)
        return (vm.group(1) if vm else "vector"), (int(vm.group(2)) if vm and vm.group(2) else None)

    for mg in merges:
        for c in mg.columns:
            if c.source is None:
                continue
            tid, sid = f"{mg.target}.{c.target}", f"{mg.source}.{c.source}"
            (ttype, tfix), (stype, sfix) = fixed(tid), fixed(sid)
            if type_category(ttype) != "vector" or not _VEC.match(
                next((x.type for x in snap.columns if x.identity == tid), "")
            ):
                continue
            te, se = out.get(tid), out.get(sid)
            dims = [d for d in (te.dimension if te else None, tfix, se.dimension if se else None, sfix) if d]
            if not dims:
                continue
            dim = dims[0]
            moves = tuple(
                sorted(
                    {
                        *(te.move_dimensions if te else ()),
                        *(se.move_dimensions if se else ()),
                        tfix or dim,
                        sfix or dim,
                    }
                    - {dim}
                )
            )
            if te is None and se is None and not moves:
                continue
            for ident, e, table, colname, typ, fix_dim in (
                (tid, te, mg.target, c.target, ttype, tfix),
                (sid, se, mg.source, c.source, stype, sfix),
            ):
                if e is not None:
                    out[ident] = Embedding(
                        e.table, e.column, dim, e.type_name, e.other, moves, e.counts, e.reason
                    )
                elif fix_dim != dim or moves:
                    why = (
                        f"merged with {mg.target if table == mg.source else mg.source}: same "
                        "canonical dimension"
                    )
                    if fix_dim and fix_dim != dim:
                        why += f"; its {typ}({fix_dim}) values move to {colname}_{fix_dim}"
                    out[ident] = Embedding(table, colname, dim, typ, "move", moves, (), why)
    return list(out.values())


def _split(mdir: MigrationDir) -> tuple[FileStatements, ...]:
    return tuple(split_sql(f.path, f.forward_sql, first_line=f.span_line) for f in mdir.files)


def _create_function_order(files: tuple[FileStatements, ...]) -> dict[str, list[tuple[int, str, int]]]:
    """name -> [(order, file, number of input args)] for every CREATE FUNCTION in the files."""
    out: dict[str, list[tuple[int, str, int]]] = {}
    order = 0
    for fs in files:
        for st in fs.statements:
            if st.kind != "CreateFunctionStmt":
                continue
            names = [n["String"]["sval"] for n in st.body.get("funcname", [])]
            name = ".".join(names) if len(names) > 1 else f"public.{names[0]}"
            params = [p["FunctionParameter"] for p in st.body.get("parameters", [])]
            n_in = sum(
                1
                for p in params
                if p.get("mode", "FUNC_PARAM_IN")
                in ("FUNC_PARAM_IN", "FUNC_PARAM_INOUT", "FUNC_PARAM_VARIADIC", "FUNC_PARAM_DEFAULT")
            )
            order += 1
            out.setdefault(name, []).append((order, fs.file, n_in))
    return out


def variant_groups(
    mdir: MigrationDir, files: tuple[FileStatements, ...], analysis: Analysis | None = None
) -> tuple[RuleContext, list[list[str]]]:
    """Groups of variant files, each in applied order: files the ``variant-files`` rule finds redefining
    largely the same objects as an earlier file (whatever their names), joined transitively. Returns the
    rule context too (its object model is reused for the definitions). ``analysis``: the directory's
    object model when the caller has built it (else the context builds it from ``files``)."""
    if analysis is not None:
        ctx = RuleContext(mdir=mdir, files=analysis.files, analysis=analysis)
    else:
        ctx = RuleContext(mdir=mdir, files=files)
    parent: dict[str, str] = {}

    def root(p: str) -> str:
        while parent.get(p, p) != p:
            p = parent[p]
        return p

    for hit in variant_files(ctx):
        later, base = hit.location.file, hit.related[0].file if hit.related else ""
        if base:
            parent.setdefault(later, later)
            parent.setdefault(base, base)
            parent[root(later)] = root(base)
    order = {f.path: i for i, f in enumerate(mdir.files)}
    groups: dict[str, list[str]] = {}
    for p in sorted(parent, key=lambda x: order.get(x, 0)):
        groups.setdefault(root(p), []).append(p)
    return ctx, [g for g in groups.values() if len(g) > 1]


def function_definitions(ctx: RuleContext) -> dict[str, list[tuple[str, str]]]:
    """Routine identity -> [(file, body hash)] of every file that creates or replaces it, in applied
    order (a file's last definition); the hash is the catalog's (:func:`catalog.normalize.body_hash`),
    so it compares with a live database's ``Function.body_hash``."""
    out: dict[str, list[tuple[str, str]]] = {}
    for state in ctx.schema.objects.values():
        if state.kind not in (ObjectKind.FUNCTION, ObjectKind.PROCEDURE):
            continue
        per_file: dict[str, str] = {}
        for e in state.events:
            if e.action in (Action.CREATE, Action.CREATE_OR_REPLACE) and isinstance(e.detail, FunctionDef):
                per_file.pop(e.ref.file, None)
                per_file[e.ref.file] = body_hash(e.detail.body)
        if per_file:
            out[state.id] = list(per_file.items())
    return out


def _args(identity: str) -> list[str]:
    inner = identity[identity.index("(") + 1 : -1]
    return [a.strip() for a in inner.split(",")] if inner.strip() else []


@dataclass(frozen=True)
class _Variant:
    identity: str
    files: tuple[str, ...]  # the variant files defining it, applied order
    kept_file: str | None  # None: the live body is in none of them
    reason: str


def _choose_variant(
    ident: str,
    entries: list[tuple[str, str]],
    live_hash: dict[str, str] | None,
) -> _Variant:
    """Which variant file's definition of ``ident`` is kept: the one whose body the live database runs
    (compared by the catalog's normalised body hash), else the last applied."""
    files = tuple(p for p, _ in entries)
    if live_hash is not None and ident in live_hash:
        matching = [p for p, h in entries if h == live_hash[ident]]
        if matching:
            kept = matching[-1]
            return _Variant(
                ident,
                files,
                kept,
                f"{ident} is defined by the variant files {', '.join(files)}; the live database runs the "
                f"body of {kept} (same normalised body), so {kept} is kept",
            )
        return _Variant(
            ident,
            files,
            None,
            f"{ident} is defined by the variant files {', '.join(files)}; the live database runs a body "
            "none of them has: the live body is kept",
        )
    return _Variant(
        ident,
        files,
        files[-1],
        f"{ident} is defined by the variant files {', '.join(files)}; "
        + ("it does not exist in the live database; " if live_hash is not None else "")
        + f"the last applied ({files[-1]}) is kept, as in the chain",
    )


def propose_functions(
    mdir: MigrationDir, chain: Snapshot, live: Snapshot | None, analysis: Analysis | None = None
) -> list[FunctionChoice]:
    """One choice per function with variants or ambiguous overloads.

    Variants: the files the ``variant-files`` rule groups (or that share a version) and that each define
    the function; the kept one is the file whose body the live database runs, else the last applied; the
    others are listed in ``disable_files``. Ambiguous overloads: all are kept, exactly as the live (else
    the replayed) database has them, and the plan says so (the user may list some in ``drop``). A body
    changed by hand in the live database is kept from there."""
    state = live or chain
    files = _split(mdir)
    creates = _create_function_order(files)
    ctx, groups = variant_groups(mdir, files, analysis)
    by_version: dict[str, list[str]] = {}
    for f in mdir.files:
        by_version.setdefault(f.version, []).append(f.path)
    groups += [g for g in by_version.values() if len(g) > 1 and not any(set(g) <= set(x) for x in groups)]
    group_of: dict[str, int] = {}
    for i, g in enumerate(groups):
        for p in g:
            group_of.setdefault(p, i)
    defs = function_definitions(ctx)
    live_hash = {f.identity: f.body_hash for f in live.functions} if live is not None else None
    by_name: dict[str, list[str]] = {}
    for fn in state.functions:
        by_name.setdefault(fn.identity.split("(")[0], []).append(fn.identity)
    chain_hash = {f.identity: f.body_hash for f in chain.functions}
    out: list[FunctionChoice] = []
    for name, idents in sorted(by_name.items()):
        ambiguous: list[tuple[str, str]] = []
        args_of = {i: _args(i) for i in idents}
        args_text = {f.identity: f.arguments for f in state.functions}
        for a in idents:
            for b in idents:
                la, lb = args_of[a], args_of[b]
                if a != b and len(lb) > len(la) and lb[: len(la)] == la:
                    extra = len(lb) - len(la)
                    if args_text.get(b, "").count(" DEFAULT ") >= extra:
                        ambiguous.append((a, b))
        live_differs = [
            i
            for i in idents
            if live_hash is not None and i in chain_hash and chain_hash[i] != live_hash.get(i, chain_hash[i])
        ]
        variants: list[_Variant] = []
        for ident in idents:
            in_groups: dict[int, list[tuple[str, str]]] = {}
            for p, h in defs.get(ident, []):
                if p in group_of:
                    in_groups.setdefault(group_of[p], []).append((p, h))
            for entries in in_groups.values():
                if len(entries) >= 2:
                    variants.append(_choose_variant(ident, entries, live_hash))
        if not ambiguous and not live_differs and not variants:
            continue
        drop: list[str] = []
        keep = idents[0]
        reasons: list[str] = []
        if ambiguous:
            last = max(creates.get(name, [(0, "", len(args_of[idents[0]]))]))
            group = sorted({x for pair in ambiguous for x in pair})
            keep = next((g for g in group if len(args_of[g]) == last[2]), group[-1])
            where = "live" if live is not None else "replayed"
            reasons.append(
                f"overloads {', '.join(group)} make calls that omit defaulted arguments ambiguous; the "
                f"{where} database has all of them, so all are kept as they are (nothing is dropped: a call "
                f"that works today works after the consolidation). To resolve the ambiguity, list the "
                f"unwanted ones in `drop` (dropped by exact signature); {keep} is the last one created "
                f"({last[1]})"
            )
        elif variants:
            keep = variants[0].identity
        elif live_differs:
            keep = live_differs[0]
        else:
            keep = idents[-1]
        disable: list[str] = []
        for v in variants:
            reasons.append(v.reason)
            kept = v.kept_file or v.files[-1]
            disable += [p for p in v.files if p != kept and p not in disable]
        explained = {v.identity for v in variants}
        if [i for i in live_differs if i not in explained]:
            reasons.append(
                f"the live database runs a different body for "
                f"{', '.join(i for i in live_differs if i not in explained)} than the last applied file; "
                "the live body is kept"
            )
        keep_from = "live" if live_differs else "chain"
        out.append(
            FunctionChoice(name, keep, keep_from, tuple(drop), tuple(disable), "; ".join(reasons) + ".")
        )
    return out


def _rls_tables_without_policy(snap: Snapshot) -> list[str]:
    with_policy = {p.table for p in snap.policies}
    return [t.identity for t in snap.tables if t.rls_enabled and t.identity not in with_policy]


#: a table or view of a platform schema the API roles cannot read (``auth.users``), named in a function's
#: definition; not a call (``auth.uid()``)
_PLATFORM_TABLE = re.compile(
    r'\b(auth|vault|cron|supabase_functions)"?\s*\.\s*"?([A-Za-z_][\w$]*)\b(?!"?\s*\()', re.IGNORECASE
)


def _platform_tables(definition: str) -> list[str]:
    """The platform tables a function's definition reads or writes (as ``schema.name``, sorted)."""
    return sorted({f"{m[1].lower()}.{m[2].lower()}" for m in _PLATFORM_TABLE.finditer(definition)})


def _writes_without_policy(snap: Snapshot, definition: str) -> list[str]:
    """``table (COMMAND)`` for each write of ``definition`` (INSERT INTO / UPDATE / DELETE FROM) to a table
    with RLS enabled whose permissive policies allow no such command: only a definer can write it."""
    allowed: dict[str, set[str]] = {}
    for p in snap.policies:
        if p.permissive:
            allowed.setdefault(p.table, set()).add(p.command.upper())
    out: list[str] = []
    for t in snap.tables:
        if not t.rls_enabled or "ALL" in allowed.get(t.identity, set()):
            continue
        schema, name = t.identity.split(".", 1)
        ref = rf'(?:"?{re.escape(schema)}"?\s*\.\s*)?"?{re.escape(name)}"?(?![\w$.])'
        for command, verb in (
            ("INSERT", r"insert\s+into"),
            ("UPDATE", r"update(?:\s+only)?"),
            ("DELETE", r"delete\s+from(?:\s+only)?"),
        ):
            if command not in allowed.get(t.identity, set()) and re.search(
                rf"\b{verb}\s+{ref}", definition, re.IGNORECASE
            ):
                out.append(f"{t.identity} ({command})")
    return out


def _rls_reads(snap: Snapshot, definition: str) -> list[str]:
    """``table: SELECT only where POLICY, ...`` for each table with RLS enabled that ``definition`` reads
    (FROM / JOIN) and whose permissive SELECT policies do not show every row (``USING (true)``)."""
    shown: dict[str, list[str]] = {}
    for p in snap.policies:
        if p.permissive and p.command.upper() in ("SELECT", "ALL"):
            name = p.identity[len(p.table) + 1 :] if p.identity.startswith(p.table + ".") else p.identity
            shown.setdefault(p.table, []).append(name if p.using != "true" else "")
    out: list[str] = []
    for t in snap.tables:
        if not t.rls_enabled or "" in shown.get(t.identity, []):
            continue
        schema, name = t.identity.split(".", 1)
        ref = rf'(?:"?{re.escape(schema)}"?\s*\.\s*)?"?{re.escape(name)}"?(?![\w$.])'
        if re.search(rf"\b(?:from|join)\s+{ref}", definition, re.IGNORECASE):
            names = shown.get(t.identity, [])
            out.append(
                f"{t.identity}: rows shown by policy {', '.join(repr(n) for n in names[:3])}"
                if names
                else f"{t.identity}: no SELECT policy, no row"
            )
    return out


def _reads_without_privilege(snap: Snapshot, function: str, definition: str) -> tuple[str, list[str]]:
    """(role, relations): the tables and views ``definition`` reads (FROM / JOIN) on which ``authenticated``,
    which may EXECUTE ``function`` (a direct grant: the plan revokes PUBLIC and anon), holds no SELECT,
    itself or through PUBLIC (a decryption RPC over a view whose SELECT the migrations revoked from the API
    roles): as an invoker the function fails with "permission denied". Empty when that role may not
    execute it."""
    role = "authenticated"
    callers = {g.grantee for g in snap.grants if g.object_kind == "function" and g.object == function}
    if role not in callers:
        return role, []
    readable = {
        g.object
        for g in snap.grants
        if g.object_kind == "table" and g.grantee in (role, "PUBLIC") and "SELECT" in g.privileges
    }
    out: list[str] = []
    for rel in sorted({t.identity for t in snap.tables} | {v.identity for v in snap.views}):
        if rel in readable or rel.split(".")[0] in MANAGED:
            continue
        schema, name = rel.split(".", 1)
        ref = rf'(?:"?{re.escape(schema)}"?\s*\.\s*)?"?{re.escape(name)}"?(?![\w$.(])'
        if re.search(rf"\b(?:from|join)\s+{ref}", definition, re.IGNORECASE):
            out.append(rel)
    return role, out


def function_privileges(snap: Snapshot) -> tuple[dict[str, set[str]], dict[str, list[str]]]:
    """(function identity -> grantees holding EXECUTE, ``schema.name`` -> overload identities) of the
    project's functions (the managed schemas' left out), for :func:`_calls_without_privilege`."""
    executable: dict[str, set[str]] = {}
    for g in snap.grants:
        if g.object_kind == "function":
            executable.setdefault(g.object, set()).add(g.grantee)
    by_name: dict[str, list[str]] = {}
    for fn in snap.functions:
        if fn.identity.split(".")[0] not in MANAGED:
            by_name.setdefault(fn.identity.split("(")[0], []).append(fn.identity)
    return executable, by_name


def _calls_without_privilege(
    privileges: tuple[dict[str, set[str]], dict[str, list[str]]], function: str, definition: str
) -> tuple[str, list[str]]:
    """(role, functions): the project's functions ``definition`` calls on which ``authenticated``, which may
    EXECUTE ``function`` (a direct grant: the plan revokes PUBLIC and anon), holds no EXECUTE, itself or
    through PUBLIC, under any overload of that name (an RPC that calls a helper whose EXECUTE the migrations
    revoked from the API roles): as an invoker the function fails with "permission denied for function".
    Empty when that role may not execute it. ``privileges``: :func:`function_privileges` of the snapshot."""
    role = "authenticated"
    executable, by_name = privileges
    if role not in executable.get(function, set()):
        return role, []
    low = definition.lower()
    out: list[str] = []
    for qualified, overloads in sorted(by_name.items()):
        schema, name = qualified.split(".", 1)
        if name.lower() not in low or qualified == function.split("(")[0]:
            continue  # not named in the body, or an overload of the function itself
        if any(executable.get(o, set()) & {role, "PUBLIC"} for o in overloads):
            continue
        ref = rf'(?<![\w$."])(?:"?{re.escape(schema)}"?\s*\.\s*)?"?{re.escape(name)}"?\s*\('
        if re.search(ref, definition, re.IGNORECASE):
            out.extend(sorted(overloads))
    return role, out


def deliberate_callers(analysis: Analysis) -> dict[str, dict[str, str]]:
    """function identity -> {role: "file:line"} for PUBLIC and ``anon`` when the files grant them EXECUTE on
    that very function by name (``GRANT EXECUTE ON FUNCTION f(...) TO anon``) and no later REVOKE or DROP
    takes it back: callers without a session are meant to run it (a token lookup for a signup page). A
    ``GRANT ALL`` (what a schema dump writes for every function, from default privileges), a grant ``ON ALL
    FUNCTIONS IN SCHEMA`` and default privileges are not read as such an intent."""
    out: dict[str, dict[str, str]] = {}
    for state in analysis.schema.objects.values():
        if state.kind is not ObjectKind.FUNCTION:
            continue
        held: dict[str, str] = {}
        for e in state.events:
            d = e.detail
            if e.action is Action.DROP:
                held.clear()
            elif (
                isinstance(d, GrantDef)
                and d.object_id == state.id
                and e.action in (Action.GRANT, Action.REVOKE)
            ):
                roles = ["PUBLIC" if g.lower() == "public" else g for g in d.grantees]
                if d.revoke and {"execute", "all", "all privileges"} & set(d.privileges):
                    for r in roles:
                        held.pop(r, None)
                elif not d.revoke and "execute" in d.privileges and not d.columns:
                    for r in roles:
                        if r in ("PUBLIC", "anon"):
                            held[r] = f"{e.ref.file}:{e.ref.line}"
        if held:
            out[state.id] = held
    return out


def propose_definers(
    state: Snapshot,
    facts: DataFacts,
    dropped: set[str],
    deliberate: dict[str, dict[str, str]] | None = None,
) -> list[Definer]:
    """What the fix does with each SECURITY DEFINER function: converted to invoker, or kept with a pinned
    search_path and EXECUTE revoked from PUBLIC and ``anon``, except from a role the files deliberately
    grant EXECUTE on it (``deliberate``, from :func:`deliberate_callers`): that grant is left, and a
    function such a caller runs over rows RLS would hide from it (a token lookup) stays a definer."""
    closed = _rls_tables_without_policy(state)
    privileges = functools.cache(lambda: function_privileges(state))  # read once, when first needed
    ext = [s for s in facts.extension_schemas if s not in ("pg_catalog", "public")]
    default_path = ", ".join(["pg_catalog", "public", *ext])
    out: list[Definer] = []
    for fn in state.functions:
        if not fn.security_definer or fn.identity in dropped:
            continue
        ff = facts.function(fn.identity)
        definition = ff.definition if ff else ""
        managed = [t for t in (ff.trigger_tables if ff else ()) if t.split(".")[0] in MANAGED]
        writes_closed = [t for t in closed if re.search(rf"\b{re.escape(t.split('.')[1])}\b", definition)]
        pinned = next((c.split("=", 1)[1] for c in fn.config if c.startswith("search_path=")), None)
        if pinned is not None:
            pinned = ", ".join(p.strip().strip('"') for p in pinned.split(",") if p.strip().strip('"'))
        fname = fn.identity.split("(")[0].split(".")[1]
        callers = (deliberate or {}).get(fn.identity, {})
        revoke: tuple[str, ...] = (
            () if "PUBLIC" in callers else tuple(r for r in ("PUBLIC", "anon") if r not in callers)
        )
        left = (
            "; EXECUTE granted to "
            + ", ".join(f"{r} ({where})" for r, where in sorted(callers.items()))
            + " is left as granted (not revoked)"
            if callers
            else ""
        )
        in_policies = [
            p.identity
            for p in state.policies
            if re.search(rf"\b{re.escape(fname)}\(", f"{p.using or ''} {p.with_check or ''}")
        ]
        if managed:
            reason = (
                f"trigger function on {', '.join(managed)} (a table the app's roles cannot "
                "write): it must run "
                "as its owner; kept as definer with a pinned search_path"
            )
        elif in_policies:
            reason = (
                f"called by RLS policies ({', '.join(in_policies[:3])}): as a definer it reads "
                "the tables the "
                "policy protects without recursing into their own policies; kept with a pinned search_path"
            )
            # a policy that applies to anon calls it with anon's rights: without EXECUTE, every query of
            # anon on that table fails (permission denied for function) instead of seeing its rows
            for_anon = [
                p.identity
                for p in state.policies
                if p.identity in in_policies
                and (not p.roles or {r.lower() for r in p.roles} & {"public", "anon"})
            ]
            if for_anon and "anon" in revoke:
                direct = any(
                    g.object_kind == "function" and g.object == fn.identity and g.grantee == "anon"
                    for g in state.grants
                )
                revoke = ("PUBLIC",) if direct else ()
                reason += (
                    f"; EXECUTE is left to anon: policy {', '.join(for_anon[:2])} applies to anon and calls "
                    "it (revoked, every query of anon on that table would fail with permission denied for "
                    "function)"
                )
        elif platform := _platform_tables(definition):
            reason = (
                f"reads {', '.join(platform)}, which the app's roles cannot read: as an invoker it would "
                "fail with permission denied; kept as definer with a pinned search_path"
            )
        elif writes_closed:
            reason = (
                f"writes {', '.join(writes_closed)}, which has RLS enabled and no policy (only definers can "
                "write it); kept as definer with a pinned search_path"
            )
        elif (unread := _reads_without_privilege(state, fn.identity, definition))[1]:
            reason = (
                f"reads {', '.join(unread[1])}, on which {unread[0]} (which may execute it) has no SELECT "
                "privilege: as an invoker it would fail with permission denied; kept as definer with a "
                "pinned search_path"
            )
        elif (uncallable := _calls_without_privilege(privileges(), fn.identity, definition))[1]:
            reason = (
                f"calls {', '.join(uncallable[1][:3])}, on which {uncallable[0]} (which may execute it) "
                "has no EXECUTE privilege: as an invoker it would fail with permission denied for function; "
                "kept as definer with a pinned search_path"
            )
        elif unwritable := _writes_without_policy(state, definition):
            reason = (
                f"writes {', '.join(unwritable)}: RLS is enabled and no policy allows that command, so as "
                "an invoker the write would fail (INSERT) or change no row (UPDATE, DELETE); "
                "kept as definer with a pinned search_path"
            )
        elif callers and (anon_reads := _rls_reads(state, definition)):
            reason = (
                f"EXECUTE is granted to {' and '.join(sorted(callers))} by name, so callers without a "
                "session are meant to run it, and as an invoker RLS would show them only what the policies "
                f"allow ({'; '.join(anon_reads)}): kept as definer with a pinned search_path"
            )
        else:
            reads = _rls_reads(state, definition)
            out.append(
                Definer(
                    fn.identity,
                    "invoker",
                    None,
                    revoke,
                    "runs with the caller's rights once converted; RLS then applies to what it reads"
                    + (
                        f" ({'; '.join(reads)}): if it must find rows the caller cannot see (a lookup by "
                        'code or token, a join of a group not yet joined), set action = "keep"'
                        if reads
                        else ""
                    )
                    + left,
                )
            )
            continue
        out.append(
            Definer(
                fn.identity,
                "keep",
                pinned if pinned is not None else default_path,
                revoke,
                reason + left,
            )
        )
    return out


def _index_name(table: str, cols: list[str], suffix: str, taken: set[str]) -> str:
    base = f"idx_{table.split('.')[1]}_{'_'.join(cols)}{suffix}"
    if len(base) > 63:
        base = base[:54] + "_" + hashlib.sha256(base.encode()).hexdigest()[:8]
    name, n = base, 2
    while name in taken:
        name = f"{base[:60]}_{n}"
        n += 1
    taken.add(name)
    return name


def propose_indexes(
    state: Snapshot, embeddings: list[Embedding], dropped: set[str], rows: DataFacts | None = None
) -> list[IndexChoice]:
    taken = {i.identity.split(".", 1)[1] for i in state.indexes}
    leading: dict[str, list[tuple[str, list[str], bool]]] = {}
    for ix in state.indexes:
        leading.setdefault(ix.table, []).append(index_leading(ix.definition))
    out: list[IndexChoice] = []
    # an index of a partitioned table is made on each of its partitions too: a partition's cloned foreign
    # keys are covered by what its parent has or gets, so parents are planned first
    parent = {t.identity: t.partition_of.split(" ")[0] for t in state.tables if t.partition_of}

    def depth(table: str) -> int:
        n, seen = 0, {table}
        while (table := parent.get(table, "")) and table not in seen:
            n, seen = n + 1, seen | {table}
        return n

    tables = sorted(
        (
            t.identity
            for t in state.tables
            if t.identity not in dropped and not t.identity.startswith(MANAGED)
        ),
        key=depth,
    )
    for table in tables:
        have = leading.setdefault(table, [])
        if table in parent:
            have.extend(leading.get(parent[table], ()))
        cols = _columns(state, table)

        def covered(wanted: list[str], have: list[tuple[str, list[str], bool]] = have) -> bool:
            return any(
                not partial and method in ("btree", "gin", "") and lead[: len(wanted)] == wanted
                for method, lead, partial in have
            )

        for fcols, ref, _ in foreign_keys(state, table):
            if not covered(fcols):
                # one index per column list: a foreign key to a partitioned table is one constraint per
                # referenced partition in the catalog, all on the same columns
                have.append(("btree", list(fcols), False))
                out.append(
                    IndexChoice(
                        _index_name(table, fcols, "", taken),
                        table,
                        tuple(fcols),
                        "btree",
                        None,
                        f"foreign key ({', '.join(fcols)}) -> {ref} has no index: joins and ON DELETE scan",
                    )
                )
        content_table = any(
            _VEC.match(c.type) or (c.type == "jsonb" and "meta" in n) for n, c in cols.items()
        ) or (rows is not None and (rows.rows(table) or 0) >= 10000)
        if (
            content_table
            and "created_at" in cols
            and type_category(cols["created_at"].type) == "time"
            and not covered(["created_at"])
        ):
            out.append(
                IndexChoice(
                    _index_name(table, ["created_at"], "", taken),
                    table,
                    ("created_at",),
                    "btree",
                    None,
                    "no index starts with created_at (recency queries and retention jobs sort on it)",
                )
            )
        for name, col in cols.items():
            if (
                col.type == "jsonb"
                and "meta" in name
                and not any(m == "gin" and lead[:1] == [name] for m, lead, _ in have)
            ):
                out.append(
                    IndexChoice(
                        _index_name(table, [name], "_gin", taken),
                        table,
                        (name,),
                        "gin",
                        None,
                        f"jsonb {name} has no GIN index (containment queries scan the table)",
                    )
                )
            vm = _VEC.match(col.type)
            emb = next((e for e in embeddings if e.table == table and e.column == name), None)
            dim = int(vm.group(2)) if vm and vm.group(2) else (emb.dimension if emb else None)
            if (
                vm
                and dim
                and not any(m in ("hnsw", "ivfflat") and lead[:1] == [name] and not p for m, lead, p in have)
            ):
                limit = 2000 if vm.group(1) == "vector" else 4000
                if dim <= limit:
                    out.append(
                        IndexChoice(
                            _index_name(table, [name], "_hnsw", taken),
                            table,
                            (name,),
                            "hnsw",
                            f"{vm.group(1)}_cosine_ops",
                            f"{name} has fixed dimension {dim} and no plain ANN index (hnsw, cosine)",
                        )
                    )
    return out


def live_only_objects(chain: Snapshot, live: Snapshot, dropped: set[str]) -> list[str]:
    """Objects of the live database that the migrations never create (made by hand): relations,
    routines, types, triggers, policies, indexes, and the columns and constraints added by hand to a table
    the migrations do create (those of a table made by hand come with it)."""
    out = []
    chain_tables = {t.identity for t in chain.tables}
    for coll in (
        "tables",
        "views",
        "functions",
        "sequences",
        "enums",
        "domains",
        "triggers",
        "policies",
        "indexes",
        "columns",
        "constraints",
    ):
        have = {o.identity for o in chain.objects(coll)}
        part = coll in ("columns", "constraints")
        for o in live.objects(coll):
            parent = getattr(o, "table", None)
            if part and parent not in chain_tables:
                continue  # a part of a table made by hand (listed itself), a view's column, ...
            if o.identity not in have and o.identity not in dropped and parent not in dropped:
                out.append(o.identity)
    return out


def propose(
    mdir: MigrationDir,
    chain: Snapshot,
    chain_facts: DataFacts,
    live: Snapshot | None = None,
    live_facts: DataFacts | None = None,
    *,
    reported: tuple[tuple[str, str], ...] = (),
    threshold: float = 0.6,
    analysis: Analysis | None = None,
) -> Plan:
    """A plan for ``mdir``: merges, embeddings, function choices, definers, indexes, the domains
    derived from the final schema (:mod:`pgconsolidate.plan.domains`), and
    the similar tables not merged with the reason (``reported``: the pairs ``analyze``'s
    ``similar-tables`` reports, ``threshold``: its option). ``analysis``: the directory's object model,
    when the caller has it (it is then not built again)."""
    state = live or chain
    facts = live_facts or chain_facts
    origin = "the live database" if live is not None else "a fresh replay of the files"
    merges, not_merged = merge_proposals(state, live_facts, threshold, reported, origin)
    dropped = {m.source for m in merges if m.drop_source}
    embeddings = propose_embeddings(mdir, state, live_facts, merges)
    functions = propose_functions(mdir, chain, live, analysis)
    dropped_fns = {d for f in functions for d in f.drop}
    definers = propose_definers(
        state, facts, dropped_fns, deliberate_callers(analysis) if analysis is not None else None
    )
    indexes = propose_indexes(state, embeddings, dropped, live_facts)
    history = {
        "dbmate": "public.schema_migrations",
        "golang-migrate": "public.schema_migrations",
        "goose": "public.goose_db_version",
        "sql-migrate": "public.gorp_migrations",
        "tern": "public.schema_version",
        "flyway": "public.flyway_schema_history",
        "prisma": "public._prisma_migrations",
        "diesel": "public.__diesel_schema_migrations",
        "drizzle": "drizzle.__drizzle_migrations",
    }.get(mdir.tool.value, Settings.history_table)
    return Plan(
        directory=mdir.root,
        tool=mdir.tool.value,
        settings=Settings(history_table=history),
        files=tuple(SourceFile(f.path, f.sha256) for f in mdir.files),
        merges=tuple(merges),
        embeddings=tuple(embeddings),
        functions=tuple(functions),
        definers=tuple(definers),
        indexes=tuple(indexes),
        domains=derive_domains(state, frozenset(dropped)),
        live_only=tuple(live_only_objects(chain, live, dropped)) if live else (),
        files_only=tuple(
            files_only_objects(chain, live, dropped, analysis.schema if analysis is not None else None)
        )
        if live
        else (),
        not_merged=tuple(not_merged),
    )
