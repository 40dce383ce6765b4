"""How alike two tables are, and which column of one corresponds to which column of the other.

Pure and reused by the plan stage to propose merges: :func:`table_similarity` takes two column lists
(name, type) and returns a score in [0, 1] and a column mapping. Columns every table has (``id``,
``created_at``, ``updated_at``) count for less, so two unrelated tables with the usual bookkeeping
columns do not look alike.

:func:`similar_pair` is the one verdict both the ``similar-tables`` rule and the plan's merge proposal
use. Large tables are judged by score (and name likeness); small tables (a handful of columns, mostly
foreign keys that many tables share) by :func:`near_copy`: related names (``members`` and
``team_members``, ``client`` and ``clients``) and the same distinctive columns, nearly all of them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

GENERIC_COLUMNS = {"id", "created_at", "updated_at", "inserted_at", "modified_at", "deleted_at"}
GENERIC_WEIGHT = 0.35
#: a column whose weight (:func:`column_weights`) is below this is boilerplate of the schema, not a
#: distinctive column (``user_id`` in most tables of a multi-user app)
DISTINCTIVE_WEIGHT = 0.5
#: a column paired with another of a different name AND a different type (``event_timestamp`` and
#: ``event_date``) is weak evidence of one column: its pairing counts this much less
RETYPED_RENAME = 0.5

_NUMERIC = {"smallint", "integer", "bigint", "real", "double precision", "numeric"}
_TEXT = {"text", "character varying", "character", "citext", "name"}
_TIME = {"timestamp with time zone", "timestamp without time zone", "date"}
_JSON = {"json", "jsonb"}


@dataclass(frozen=True)
class ColumnPair:
    """``left`` of the first table corresponds to ``right`` of the second; ``exact`` when names match."""

    left: str
    right: str
    exact: bool
    same_type: bool


@dataclass(frozen=True)
class TableSimilarity:
    """The score (0–1), the column mapping and the columns only one side has."""

    score: float
    pairs: tuple[ColumnPair, ...]
    only_left: tuple[str, ...]
    only_right: tuple[str, ...]

    def mapping_text(self, limit: int = 12) -> str:
        """``a=a, memory_kind→memory_type, ...`` for messages (renamed columns first)."""
        renamed = [p for p in self.pairs if not p.exact]
        same = [p for p in self.pairs if p.exact]
        parts = [f"{p.left}→{p.right}" for p in renamed] + [p.left for p in same]
        more = f", +{len(parts) - limit} more" if len(parts) > limit else ""
        return ", ".join(parts[:limit]) + more


def _family(type_text: str) -> str:
    base = re.sub(r"\(.*\)", "", type_text).strip()
    if base.endswith("[]"):
        return "array:" + _family(base[:-2])
    for name, members in (("num", _NUMERIC), ("text", _TEXT), ("time", _TIME), ("json", _JSON)):
        if base in members:
            return name
    return base


def _tokens(name: str) -> list[str]:
    return [t for t in re.split(r"[_\W]+", name.lower()) if t]


def name_similarity(a: str, b: str) -> float:
    """0–1: how alike two identifiers are (shared words, one a prefix of the other)."""
    if a == b:
        return 1.0
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return 0.0
    sa, sb = set(ta), set(tb)
    shared = len(sa & sb)
    if shared == 0:
        # plural/singular or one word a prefix of the other: memory / memories
        stems_a = {t[:5] for t in ta if len(t) >= 5}
        stems_b = {t[:5] for t in tb if len(t) >= 5}
        return 0.5 if stems_a & stems_b else 0.0
    jaccard = shared / len(sa | sb)
    if sa <= sb or sb <= sa:
        jaccard = max(jaccard, 0.6)
    if ta[0] == tb[0]:
        jaccard = max(jaccard, 0.5)
    return jaccard


def _singular(word: str) -> str:
    """``memories`` → ``memory``, ``clients`` → ``client``; ``status``, ``address`` stay."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_PLAIN = re.compile(r"[a-z0-9_]*\Z")


def name_words(name: str) -> frozenset[str]:
    """The words of an identifier, singular (``team_members`` → ``{team, member}``)."""
    low = name.lower()
    words = low.split("_") if _PLAIN.match(low) else _tokens(low)
    # only a word ending in "s" has another singular (most names are looked at once, tables are many)
    return frozenset([_singular(t) if t[-1:] == "s" else t for t in words if t])


def names_related(a: str, b: str) -> str | None:
    """``"same"`` when two table names have the same words (``client``/``clients``), ``"contains"`` when
    one name's words are all among the other's (``members``/``team_members``), else None."""
    wa, wb = name_words(a), name_words(b)
    if not wa or not wb:
        return None
    if wa == wb:
        return "same"
    if wa < wb or wb < wa:
        return "contains"
    return None


#: distinctive (non-generic) columns two small tables must share, by how their names are related
NEAR_COPY_MIN_SHARED = {"same": 1, "contains": 3}


def near_copy(sim: TableSimilarity, relation: str | None, threshold: float = 0.6) -> bool:
    """Whether two tables with related names (``relation``: :func:`names_related`) are near-copies: at
    least ``NEAR_COPY_MIN_SHARED[relation]`` distinctive columns correspond (a column of the same name, or
    one of a similar name and type), and at most one distinctive column of either table has no
    counterpart. Generic columns (``id``, ``created_at``...) never count, so two tables that share only
    those never pair up, whatever their names."""
    if relation is None or sim.score < threshold:
        return False
    shared = sum(1 for p in sim.pairs if p.left.lower() not in GENERIC_COLUMNS)
    alone = sum(1 for c in (*sim.only_left, *sim.only_right) if c.lower() not in GENERIC_COLUMNS)
    if relation == "same" and alone:
        return shared >= 2 and alone <= 1
    return shared >= NEAR_COPY_MIN_SHARED[relation] and alone <= 1


def similar_pair(
    sim: TableSimilarity,
    name_a: str,
    name_b: str,
    *,
    threshold: float = 0.6,
    large: bool = True,
    weights: Mapping[str, float] | None = None,
) -> str | None:
    """Whether two tables (unqualified names, their :func:`table_similarity`) are alike enough to report
    or merge, and why: ``"similar"`` (``large``: both have enough columns for the score to speak;
    score ≥ ``threshold`` with alike names, or ≥ 0.8, and at least two distinctive columns of the same
    name: ``tags`` and ``categories``, both ``id, name, created_at, updated_at``, are not twins),
    ``"near-copy"`` (:func:`near_copy`, any size), else None. ``weights``: the project's
    :func:`column_weights` (the same given to :func:`table_similarity`); with them the two shared
    columns must be :func:`distinctive` (``user_id`` in most tables does not make two tables alike),
    and three of them when the names are not alike."""
    alike_names = name_similarity(name_a, name_b) >= 0.5
    # tables whose names say nothing of a likeness must share more than two distinctive columns
    # (``posts`` and ``comments``, both ``id, body, user_id, created_at``, are neighbours, not twins)
    min_shared = 2 if alike_names or weights is None else 3
    if (
        large
        and sim.score >= threshold
        and (alike_names or sim.score >= 0.8)
        and sum(1 for p in sim.pairs if p.exact and distinctive(p.left, weights)) >= min_shared
    ):
        return "similar"
    if near_copy(sim, names_related(name_a, name_b), threshold):
        return "near-copy"
    return None


def family_related(a: str, a_inherits: Sequence[str], b: str, b_inherits: Sequence[str]) -> bool:
    """Whether two tables share their columns by construction: one inherits the other, or both inherit
    the same parent (such tables are one family, never twins). Partitions are left out before pairing."""
    return a in b_inherits or b in a_inherits or bool(set(a_inherits) & set(b_inherits))


def column_weights(tables: Iterable[Iterable[str]]) -> dict[str, float]:
    """Column name (lower case) → how much it says about a table, in (0, 1], from the project's tables
    (each given by its column names): an IDF over the tables, ``log((N+1)/df) / log((N+1)/2)`` capped at
    1, so a column only two tables have counts fully and one that nearly every table has (``id``,
    ``created_at``, ``user_id`` in a multi-user app) counts little. The usual bookkeeping names
    (``GENERIC_COLUMNS``) never count more than ``GENERIC_WEIGHT``. A name no table has (a declared
    column dropped later) is missing: it weighs as a rare column."""
    lowered = [{c.lower() for c in names} for names in tables]
    df = Counter(c for names in lowered for c in names)
    n = len(lowered)
    norm = math.log((n + 1) / 2) if n > 2 else 0.0
    weights: dict[str, float] = {}
    for column, k in df.items():
        w = 1.0 if k <= 2 or norm <= 0 else min(1.0, math.log((n + 1) / k) / norm)
        if column in GENERIC_COLUMNS:
            w = min(w, GENERIC_WEIGHT)
        weights[column] = max(w, 0.01)
    return weights


def _weight(column: str, weights: Mapping[str, float] | None = None) -> float:
    low = column.lower()
    if weights is not None:
        w = weights.get(low)
        if w is not None:
            return w
    return GENERIC_WEIGHT if low in GENERIC_COLUMNS else 1.0


def distinctive(column: str, weights: Mapping[str, float] | None = None) -> bool:
    """Whether ``column`` says something about its table: not a bookkeeping name, and (with the
    project's :func:`column_weights`) not a column most tables have."""
    return column.lower() not in GENERIC_COLUMNS and _weight(column, weights) >= DISTINCTIVE_WEIGHT


def table_similarity(
    left: Sequence[tuple[str, str]],
    right: Sequence[tuple[str, str]],
    *,
    min_pair: float = 0.5,
    weights: Mapping[str, float] | None = None,
) -> TableSimilarity:
    """Compare two tables given as ``[(column, type), ...]`` (types as ``format_type`` prints them).

    Columns with the same name pair first; the remaining ones pair greedily by name similarity, and only
    when their types are of the same family (numbers, text, times, json, the same type otherwise).
    The score is the weighted Dice coefficient of the pairing: ``weights`` (:func:`column_weights` of
    the project's tables) makes the columns most tables share count little; without it only the
    ``GENERIC_COLUMNS`` count less. With ``weights``, a column paired with one of another name and
    another type counts ``RETYPED_RENAME`` of a renamed one.
    """
    ltypes = dict(left)
    rtypes = dict(right)
    pairs: list[ColumnPair] = []
    quality: dict[tuple[str, str], float] = {}
    free_l = [c for c, _ in left]
    free_r = [c for c, _ in right]
    for col in list(free_l):
        if col in rtypes:
            same = _family(ltypes[col]) == _family(rtypes[col])
            pairs.append(ColumnPair(col, col, True, same))
            quality[(col, col)] = 1.0 if same else 0.8
            free_l.remove(col)
            free_r.remove(col)
    candidates = []
    for lc in free_l:
        for rc in free_r:
            if _family(ltypes[lc]) != _family(rtypes[rc]):
                continue
            sim = name_similarity(lc, rc)
            if sim >= min_pair:
                candidates.append((sim, lc, rc))
    for sim, lc, rc in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if lc in free_l and rc in free_r:
            pairs.append(ColumnPair(lc, rc, False, ltypes[lc] == rtypes[rc]))
            q = 0.6 + 0.4 * sim
            if weights is not None and ltypes[lc] != rtypes[rc]:
                q *= RETYPED_RENAME
            quality[(lc, rc)] = q
            free_l.remove(lc)
            free_r.remove(rc)
    total = sum(_weight(c, weights) for c, _ in left) + sum(_weight(c, weights) for c, _ in right)
    matched = sum(2 * quality[(p.left, p.right)] * _weight(p.left, weights) for p in pairs)
    score = matched / total if total else 0.0
    order = {c: i for i, (c, _) in enumerate(left)}
    pairs.sort(key=lambda p: order.get(p.left, 0))
    return TableSimilarity(round(score, 3), tuple(pairs), tuple(free_l), tuple(free_r))
