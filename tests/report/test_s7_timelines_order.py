"""Session 7 (H1): the objects' timelines are written in identity order whatever the schema's order.

``ObjectTimelines._json_text`` makes each object's text in the schema's (insertion) order and then puts
the texts in identity order; the fragment must still be, byte for byte, what orjson writes for
``json_items`` (which lists the objects sorted by identity).
"""

from __future__ import annotations

import orjson

from pgconsolidate.model.types import Action, Effect, ObjectKind, ObjectState, Schema, SourceRef
from pgconsolidate.report.document import ObjectTimelines


def test_fragment_is_sorted_by_identity_when_the_schema_is_not() -> None:
    names = [f"public.t{n}" for n in (9, 10, 1, 100, 2, 0)]  # neither sorted nor reverse-sorted
    objects = {}
    for i, name in enumerate(names):
        events = tuple(
            Effect(
                Action.CREATE if k == 0 else Action.ALTER,
                ObjectKind.TABLE,
                name,
                SourceRef(f"{k}_f.sql", i + 1, 1),
            )
            for k in range(i % 3)  # none, one and several events
        )
        objects[name] = ObjectState(name, ObjectKind.TABLE, None, True, events)
    timelines = ObjectTimelines(Schema(objects=objects))
    items = timelines.json_items()
    assert [item["id"] for item in items] == sorted(names)
    doc = {"objects": items, "after": 1}
    expected = orjson.dumps(doc, option=orjson.OPT_INDENT_2)
    got = orjson.dumps({**doc, "objects": timelines.json_fragment()}, option=orjson.OPT_INDENT_2)
    assert got == expected
    assert b'"public.t0"' in got and got.index(b'"public.t0"') < got.index(b'"public.t9"')
