"""Object timelines for reports, from the rules' folded state (:mod:`pgconsolidate.rules.state`).

``analyze`` lists every object the files define with its events (create, replace, alter, rename, drop)
at file:line. The rules' fold is used so that the objects in the JSON match the findings exactly.
"""

from __future__ import annotations

from collections.abc import Iterator

from pgconsolidate.rules.state import State


def timelines(state: State) -> Iterator[tuple[str, str, list[tuple[str, int, str]]]]:
    """(object id, kind, [(file, line, action), ...]) for every object of ``state``, sorted by id."""
    for oid in sorted(state.history):
        events = [(e.location.file, e.location.line, e.action) for e in state.history[oid]]
        yield oid, state.kinds.get(oid, "object"), events
