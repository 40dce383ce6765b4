"""Session 9 (H1) speed-ups of the rules: each faster path gives what the plain one gave."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pgconsolidate.model.types import Action, Effect, ObjectKind, ObjectState, SourceRef
from pgconsolidate.rules.finding import Location
from pgconsolidate.rules.model_view import event_locations
from pgconsolidate.rules.vector_dimension_conflict import body_words

_WORD = re.compile(r"[a-z_][a-z0-9_]*")
#: characters that make the word rules differ: digits before letters, ``$``, quotes, non-ASCII letters
#: whose lower case is ASCII (the Kelvin sign) or longer (dotted capital I), a lone surrogate
_TRICKY = [*"aZ_09 \n\t$()'\".,;:-1xyzé", "\u212a", "\u0130", "\ud800", "١"]


def _regex_words(body: str) -> set[str]:
    return set(_WORD.findall(body.lower()))


def _check(body: str) -> None:
    words = body_words(body)
    expected = _regex_words(body)
    # body_words may also hold runs of ASCII digits only, which callers skip (no name starts with a digit)
    assert {w for w in words if w[0] not in "0123456789"} == expected
    assert all(w.isascii() and w.isdigit() for w in words - expected)


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=st.sampled_from(_TRICKY), max_size=60))
def test_body_words_match_the_pattern_tricky(body: str) -> None:
    _check(body)


@settings(max_examples=1000, deadline=None)
@given(st.text(max_size=80))
def test_body_words_match_the_pattern_any_text(body: str) -> None:
    _check(body)


def test_body_words_examples() -> None:
    assert body_words("SELECT x.Embedding FROM public.T1 LIMIT 10") == {
        "select",
        "x",
        "embedding",
        "from",
        "public",
        "t1",
        "limit",
        "10",
    }
    # a run that starts with digits and holds a letter: the pattern's word is the rest of it
    assert body_words("select 1e5, 2_x") == _regex_words("select 1e5, 2_x") == {"select", "e5", "_x"}


def _plain_event_locations(state: ObjectState, exclude: Location | None) -> tuple[Location, ...]:
    """The former definition (Location records as dict keys)."""
    seen: dict[Location, None] = {}
    for e in state.events:
        where = Location(e.ref.file, e.ref.line, e.ref.column)
        if where != exclude:
            seen[where] = None
    return tuple(seen)


_PLACES = st.tuples(st.sampled_from(["a.sql", "b.sql"]), st.integers(1, 3), st.integers(1, 2))


@settings(max_examples=500, deadline=None)
@given(st.lists(_PLACES, min_size=1, max_size=6), st.one_of(st.none(), _PLACES))
def test_event_locations_as_before(
    places: list[tuple[str, int, int]], exclude: tuple[str, int, int] | None
) -> None:
    events = tuple(
        Effect(Action.ALTER, ObjectKind.FUNCTION, "public.f()", SourceRef(f, line, col, i))
        for i, (f, line, col) in enumerate(places)
    )
    state = ObjectState("public.f()", ObjectKind.FUNCTION, None, True, events)
    skip = Location(*exclude) if exclude is not None else None
    got = event_locations(state, skip)
    assert got == _plain_event_locations(state, skip)
    assert all(type(w) is Location for w in got)
