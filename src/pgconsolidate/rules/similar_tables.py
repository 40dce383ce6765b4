"""Rule ``similar-tables``: two tables with different names but largely the same columns."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain

from pgconsolidate.model.types import Action, ColumnDef, ObjectState
from pgconsolidate.rules.finding import Location, Severity
from pgconsolidate.rules.model_view import birth, birth_location, columns_of
from pgconsolidate.rules.registry import Hit, RuleContext, rule
from pgconsolidate.rules.similarity import (
    GENERIC_COLUMNS,
    column_weights,
    family_related,
    name_words,
    names_related,
    similar_pair,
    table_similarity,
)

MAX_SHARED = 50  # a column name in more tables than this does not suggest a pair


@dataclass(frozen=True)
class Table:
    """A table of the final state: its id, where it was created, its final columns (name → type) and
    the columns its CREATE TABLE declared (before later ALTERs)."""

    id: str
    location: Location
    columns: dict[str, str]
    declared: list[tuple[str, str]]


def _table(ctx: RuleContext, state: ObjectState) -> Table:
    """``state`` (an existing table) with its final and declared columns, from the model."""
    created = birth(state)
    columns = {c.detail.name: c.detail.type.display for c in columns_of(state, ctx.children)}
    own: list[tuple[str, str]] = []
    if created is not None:
        # the columns its CREATE TABLE declared: the column effects of that statement (in its file's effects)
        file, index = created.ref.file, created.ref.statement_index
        for e in ctx.effects_of(file):
            d = e.detail
            if (
                e.action == Action.CREATE
                and isinstance(d, ColumnDef)
                and e.ref.statement_index == index
                and e.ref.file == file
                and d.table == state.id
            ):
                own.append((d.name, d.type.display))
    return Table(state.id, birth_location(state), columns, own or list(columns.items()))


def column_names(ctx: RuleContext, state: ObjectState) -> list[str]:
    """The distinct names of the existing columns of ``state``, in creation order (cheap: no types)."""
    # columns_of, inlined: one comprehension over the table's children (tables are many)
    names = [d.name for c in ctx.children.get(state.id, ()) if isinstance(d := c.detail, ColumnDef)]
    return list(dict.fromkeys(names))


def candidate_pairs(tables: Sequence[Iterable[str]]) -> set[tuple[int, int]]:
    """Index pairs of tables (each given by its column names) sharing at least two non-generic column
    names."""
    tables = [list(names) for names in tables]
    # a name held fewer than twice pairs nothing and one held more than MAX_SHARED times is skipped: the
    # names worth indexing are counted first, at C speed (on large schemas most tables share their
    # column names, and few names are left)
    counts = Counter(chain.from_iterable(tables))
    wanted = {c for c, n in counts.items() if 1 < n <= MAX_SHARED and c.lower() not in GENERIC_COLUMNS}
    if not wanted:
        return set()
    by_col: dict[str, list[int]] = defaultdict(list)
    keep = wanted.__contains__
    for i, names in enumerate(tables):
        for c in filter(keep, names):
            by_col[c].append(i)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for members in by_col.values():
        if len(members) > MAX_SHARED:
            continue
        for a_pos, a in enumerate(members):
            for b in members[a_pos + 1 :]:
                shared[(a, b)] += 1
    return {pair for pair, n in shared.items() if n >= 2}


def related_name_pairs(names: Sequence[str]) -> set[tuple[int, int]]:
    """Index pairs of tables (given by their unqualified names) whose names are related
    (:func:`~pgconsolidate.rules.similarity.names_related`: the same words, or one name's words all among
    the other's). Each table looks only at the tables holding its rarest word, so this stays linear on
    schemas whose names share no words (``t1``, ``t2``...)."""
    words = [name_words(n) for n in names]
    by_word: dict[str, list[int]] = defaultdict(list)
    for i, ws in enumerate(words):
        for w in ws:
            by_word[w].append(i)
    out: set[tuple[int, int]] = set()
    for a, ws in enumerate(words):
        if len(ws) == 1:
            (rarest,) = ws
        elif ws:
            rarest = min(ws, key=lambda w: (len(by_word[w]), w))
        else:
            continue
        holders = by_word[rarest]
        if len(holders) == 1:  # only this table has the word (t1, t2, ...): nothing to pair
            continue
        for b in holders:
            if b != a and ws <= words[b]:
                out.add((a, b) if a < b else (b, a))
    return out


@rule(
    id="similar-tables",
    severity=Severity.WARNING,
    help="Decide which table is the real one; move the rows of the other into it with the column mapping "
    "shown (casting where types differ), repoint references, then drop it (`pgconsolidate plan` does this "
    "without losing rows).",
)
def similar_tables(ctx: RuleContext) -> Iterator[Hit]:
    """Two tables with different names but largely the same columns (``memories`` vs ``ai_memories``).

    Chaotic directories grow twins: a table written again under a new name by someone who did not know
    the first, or a prototype never dropped. Data ends up split between them and code reads one or the
    other. The message gives the similarity (0–1; each column weighs by how rare it is among the
    project's tables, so ``id``, ``created_at`` or a ``user_id`` most tables carry count little) and the
    column mapping, renamed columns first. Tables must share distinctive columns (two of the same name,
    three when their names are not alike: ``posts`` and ``comments``, both ``body, user_id``, are not
    twins); a column both renamed and retyped (``event_timestamp`` → ``event_date``) counts half.
    Tables with related names (``memories``, ``ai_memories``) are also scored with every column
    counting fully (the higher score is given): a near-copy's columns are often the ones most tables
    carry (``content``, ``embedding``), and the distinctive columns it must share are still the rare ones.
    Small tables are found too when their names are related and their distinctive columns the same
    (``members`` vs ``team_members``, both ``team_id, user_id, role``): their columns are mostly foreign
    keys that many tables share, so the score alone cannot tell a twin from a neighbour (such pairs are
    judged on the plain score, columns unweighted); tables sharing only ``id``/``created_at``/
    ``updated_at`` never pair up, nor do partitions or tables that inherit one another (one family by
    construction). Options:
    ``threshold`` (default 0.6), ``min-columns`` (default 4: below it, only near-copies with related
    names are reported).
    """
    threshold = float(ctx.option("similar-tables", "threshold", 0.6))
    min_columns = int(ctx.option("similar-tables", "min-columns", 4))
    # tables are compared by their column names first; the full columns (types, declared ones) are
    # looked up only for the tables of a candidate pair
    # a partition is its parent's storage, never a twin: partitions are not compared
    own = [(state, detail) for state, detail in ctx.tables if detail.partition_of is None]
    named = [(state, column_names(ctx, state)) for state, _detail in own]
    large = [i for i, (_state, names) in enumerate(named) if len(names) >= min_columns]
    by_columns = {(large[a], large[b]) for a, b in candidate_pairs([named[i][1] for i in large])}
    by_name = related_name_pairs([state.id.split(".")[-1] for state, _names in named])
    full: dict[int, Table] = {}

    def table(i: int) -> Table:
        if i not in full:
            full[i] = _table(ctx, named[i][0])
        return full[i]

    order = ctx.file_index()
    pairs = sorted(by_columns | by_name)
    # how distinctive each column name is across the project's tables (made only when there is a pair)
    weights = column_weights(names for _state, names in named) if pairs else {}
    for a, b in pairs:
        (_, da), (_, db) = own[a], own[b]
        if family_related(da.id, da.inherits, db.id, db.inherits):
            continue
        ta, tb = table(a), table(b)
        first, later = sorted((ta, tb), key=lambda t: (order.get(t.location.file, 0), t.location.line))
        na, nb = first.id.split(".")[-1], later.id.split(".")[-1]
        # the score speaks for pairs found by their shared columns; pairs found by name only are judged
        # as near-copies (a schema's neighbours share foreign keys with related names: projects and
        # project_members, both with org_id, user_id)
        # the columns as declared and as they end up: the likelier of the two that passes
        sims = sorted(
            (
                table_similarity(first.declared, later.declared, weights=weights),
                table_similarity(list(first.columns.items()), list(later.columns.items()), weights=weights),
            ),
            key=lambda s: -s.score,
        )
        scored = (a, b) in by_columns
        passing = [
            s for s in sims if similar_pair(s, na, nb, threshold=threshold, large=scored, weights=weights)
        ]
        if names_related(na, nb):
            # a table with a related name (memories, ai_memories) is also judged on the plain score:
            # a near-copy's columns are often the ones most of the project's tables have (content,
            # embedding, team_id, user_id), which the weights make count for little; the distinctive
            # columns it must share are still the weighted ones
            plain = (
                table_similarity(first.declared, later.declared),
                table_similarity(list(first.columns.items()), list(later.columns.items())),
            )
            passing += [
                p
                for p in plain
                if similar_pair(p, na, nb, threshold=threshold, large=scored, weights=weights)
            ]
            passing.sort(key=lambda s: -s.score)
        if not passing:
            continue
        sim = passing[0]
        only = ""
        if sim.only_left or sim.only_right:
            only = (
                f"; only in {first.id}: {', '.join(sim.only_left) or '-'}"
                f"; only in {later.id}: {', '.join(sim.only_right) or '-'}"
            )
        yield Hit(
            f"{later.id} is {sim.score:.0%} similar to {first.id} (created earlier); column mapping "
            f"{na} → {nb}: {sim.mapping_text()}{only}",
            later.location,
            (first.location,),
            (later.id, first.id),
        )
