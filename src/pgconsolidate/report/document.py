"""What every renderer shows, gathered once: files, skipped paths, objects, findings, summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, overload

import orjson

from pgconsolidate.model.types import Action, ObjectKind, Schema
from pgconsolidate.rules.finding import Finding
from pgconsolidate.rules.registry import RuleInfo
from pgconsolidate.sources.model import MigrationDir
from pgconsolidate.statements.model import FileStatements


@dataclass(frozen=True)
class ObjectEvent:
    """One thing that happened to an object: ``action`` (create, replace, alter, drop, ...) at file:line."""

    file: str
    line: int
    action: str


@dataclass(frozen=True)
class ObjectTimeline:
    """An object's identity, kind and events in applied order."""

    id: str
    kind: str
    events: tuple[ObjectEvent, ...]


def object_timelines(schema: Schema) -> tuple[ObjectTimeline, ...]:
    """Each object's events, from the model's folded schema (the same as ``pgconsolidate objects``),
    sorted by id: what :func:`pgconsolidate.rules.model_bridge.timelines` lists, built in one pass
    (enum values looked up once, not per event)."""
    actions = {a: a.value for a in Action}
    kinds = {k: k.value for k in ObjectKind}
    objects = schema.objects
    return tuple(
        ObjectTimeline(
            oid,
            kinds[state.kind],
            tuple([ObjectEvent(e.ref.file, e.ref.line, actions[e.action]) for e in state.events]),
        )
        for oid, state in ((oid, objects[oid]) for oid in sorted(objects))
    )


class ObjectTimelines(Sequence[ObjectTimeline]):
    """Every object's timeline (:func:`object_timelines`), built on first use: text and SARIF output only
    say how many objects there are, and on large directories the timelines are hundreds of thousands
    of records. :meth:`json_items` gives them as the JSON document's plain dicts (field for field what
    orjson writes for an :class:`ObjectTimeline`), several times cheaper to build than the records."""

    def __init__(self, schema: Schema) -> None:
        self._schema = schema
        self._records: tuple[ObjectTimeline, ...] | None = None
        self._json: list[dict[str, Any]] | None = None
        self._fragment: orjson.Fragment | None = None

    def __len__(self) -> int:
        return len(self._schema.objects)

    @overload
    def __getitem__(self, index: int) -> ObjectTimeline: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[ObjectTimeline]: ...

    def __getitem__(self, index: int | slice) -> ObjectTimeline | Sequence[ObjectTimeline]:
        return self.records()[index]

    def __iter__(self) -> Iterator[ObjectTimeline]:
        return iter(self.records())

    def records(self) -> tuple[ObjectTimeline, ...]:
        """The timelines as :class:`ObjectTimeline` records (built once)."""
        if self._records is None:
            self._records = object_timelines(self._schema)
        return self._records

    def json_items(self) -> list[dict[str, Any]]:
        """The timelines as ``{"id", "kind", "events": [{"file", "line", "action"}]}`` dicts (built once)."""
        if self._json is None:
            self._json = self._build_json()
        return self._json

    def _build_json(self) -> list[dict[str, Any]]:
        actions = {a: a.value for a in Action}
        kinds = {k: k.value for k in ObjectKind}
        objects = self._schema.objects
        return [
            {
                "id": oid,
                "kind": kinds[state.kind],
                "events": [
                    {"file": e.ref.file, "line": e.ref.line, "action": actions[e.action]}
                    for e in state.events
                ],
            }
            for oid, state in ((oid, objects[oid]) for oid in sorted(objects))
        ]

    def json_fragment(self) -> orjson.Fragment:
        """The timelines already written as the value of a top-level key of a document that orjson
        writes with ``OPT_INDENT_2``: the same bytes it would write for :meth:`json_items` there. Built
        once, as text (no dicts): most of the JSON report on large directories, so ``analyze`` writes it
        while the rules' helper process runs."""
        if self._fragment is None:
            self._fragment = orjson.Fragment(self._json_text())  # str: orjson copies it once
        return self._fragment

    def _json_text(self) -> str:
        """:meth:`json_items` as orjson's ``OPT_INDENT_2`` writes them at depth 1 (objects at 4 spaces,
        their fields at 6, events at 8, event fields at 10; ``[]`` when empty), strings written by
        :func:`json_string`.

        Hundreds of thousands of objects on large directories, so the text is assembled from pieces
        made once: each file's event opening (up to the line number), each action's event closing, each
        kind's object opening; identities are quoted as they are when none of them needs escaping
        (checked once, on all of them together). Each object's text is made in the schema's order (the
        order its records were made in, so mostly the order they lie in memory: reading them by sorted
        id instead jumps about and costs twice as much), then the texts are put in identity order."""
        objects = self._schema.objects
        if not objects:
            return "[]"
        plain = _all_plain(list(objects))
        first = '[\n        {\n          "file": '
        event_end = {a: f',\n          "action": {json_string(a.value)}\n        }}' for a in Action}
        kind_head = {k: f'",\n      "kind": {json_string(k.value)},\n      "events": ' for k in ObjectKind}
        with_first = {k: head + first for k, head in kind_head.items()}
        next_event = ',\n        {\n          "file": '
        next_object = '\n      ]\n    },\n    {\n      "id": "'
        empty_next = '[]\n    },\n    {\n      "id": "'
        file_head: dict[str, str] = {}

        def head_of(file: str) -> str:
            head = file_head[file] = f'{json_string(file)},\n          "line": '
            return head

        pieces: list[str] = []  # each object's text, in the schema's order
        append = pieces.append
        for oid, state in objects.items():
            # the opening quote of the identity ends the previous piece; plain identities go in as they are
            text = oid if plain else json_string(oid)[1:-1]
            events = state.events
            if len(events) == 1:  # most objects: one piece
                ref = events[0].ref
                head = file_head.get(ref.file) or head_of(ref.file)
                append(
                    f"{text}{with_first[state.kind]}{head}{ref.line}{event_end[events[0].action]}"
                    f"{next_object}"
                )
            elif not events:
                append(f"{text}{kind_head[state.kind]}{empty_next}")
            else:
                parts = [f"{text}{with_first[state.kind]}"]
                sep = ""
                for e in events:
                    ref = e.ref
                    head = file_head.get(ref.file) or head_of(ref.file)
                    parts.append(f"{sep}{head}{ref.line}{event_end[e.action]}")
                    sep = next_event
                parts.append(next_object)
                append("".join(parts))
        ids = list(objects)
        ordered = [pieces[i] for i in sorted(range(len(ids)), key=ids.__getitem__)]
        # each piece above opens the next object: the last opening becomes the end of the list
        ordered[-1] = ordered[-1][: -len(',\n    {\n      "id": "')] + "\n  ]"
        return '[\n    {\n      "id": "' + "".join(ordered)


def _all_plain(texts: list[str]) -> bool:
    """True when no text of ``texts`` needs escaping in JSON (see :func:`json_string`): checked on all of
    them joined, in a few passes over one string instead of a call per text."""
    joined = "".join(texts)
    return joined.isprintable() and '"' not in joined and "\\" not in joined


def json_string(text: str) -> str:
    """``text`` as a JSON string, exactly as orjson writes it: between quotes as is when nothing in it
    needs escaping (printable, no quote, no backslash: orjson escapes only those and control characters,
    and writes the rest as UTF-8), else orjson's own output."""
    if text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    return orjson.dumps(text).decode()


_SEVERITY_OF = attrgetter("severity")
_RULE_OF = attrgetter("rule")


@dataclass(frozen=True)
class AnalyzeReport:
    """The result of ``analyze``: the input, the objects it defines, the findings and the rules run.
    ``objects`` is a tuple of :class:`ObjectTimeline` or an :class:`ObjectTimelines` (built on use)."""

    mdir: MigrationDir
    files: tuple[FileStatements, ...]
    objects: Sequence[ObjectTimeline]
    findings: tuple[Finding, ...]
    rules: Mapping[str, RuleInfo]

    @property
    def statement_count(self) -> int:
        return sum(len(fs.statements) for fs in self.files)

    def summary(self) -> dict[str, Any]:
        """Counts: files, statements, parse errors, objects, findings by severity and by rule."""
        by_sev = {s.value: n for s, n in Counter(map(_SEVERITY_OF, self.findings)).items()}
        by_rule = Counter(map(_RULE_OF, self.findings))
        return {
            "files": len(self.mdir.files),
            "skipped": len(self.mdir.left_out),
            "statements": self.statement_count,
            "parse_errors": sum(len(fs.failures) for fs in self.files),
            "objects": len(self.objects),
            "findings": len(self.findings),
            "by_severity": {s: by_sev.get(s, 0) for s in ("error", "warning", "info")},
            "by_rule": dict(sorted(by_rule.items())),
            "rules_run": sorted(self.rules),
        }


def statements_by_file(files: Sequence[FileStatements]) -> dict[str, int]:
    return {fs.file: len(fs.statements) for fs in files}
