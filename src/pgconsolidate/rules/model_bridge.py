"""Object timelines for reports, from the model's folded schema (:mod:`pgconsolidate.model`).

``analyze`` lists every object the files define with its events (create, create-or-replace, alter,
rename, drop, grant, ...) at file:line, from the same :class:`~pgconsolidate.model.types.Schema` that
``pgconsolidate objects`` shows, so the two commands always agree.
"""

from __future__ import annotations

from collections.abc import Iterator

from pgconsolidate.model.types import Schema


def timelines(schema: Schema) -> Iterator[tuple[str, str, list[tuple[str, int, str]]]]:
    """(object id, kind, [(file, line, action), ...]) for every object of ``schema``, sorted by id."""
    for oid in sorted(schema.objects):
        state = schema.objects[oid]
        events = [(e.ref.file, e.ref.line, e.action.value) for e in state.events]
        yield oid, state.kind.value, events
