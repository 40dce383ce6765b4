"""``analyze --format json``: the versioned document described in ``docs/analyze-json.md``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson

from pgconsolidate import __version__
from pgconsolidate.report.document import AnalyzeReport, ObjectTimelines, statements_by_file
from pgconsolidate.rules.finding import Finding, Severity

SCHEMA_VERSION = 1


def json_bytes(report: AnalyzeReport) -> bytes:
    """The document of :func:`to_json` as written by ``analyze --format json`` (orjson, 2-space
    indentation, final newline); the objects' timelines go in as the fragment
    :meth:`ObjectTimelines.json_fragment` wrote (the same bytes, possibly written earlier)."""
    objects = report.objects
    timelines = objects.json_fragment() if isinstance(objects, ObjectTimelines) else None
    return orjson.dumps(
        to_json(report, timelines=timelines), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
    )


def to_json(report: AnalyzeReport, *, timelines: Any = None) -> dict[str, Any]:
    """The JSON document (``schema_version`` 1) of an analyze report, for :func:`orjson.dumps`.

    ``objects`` is ``timelines`` when given (e.g. an ``orjson.Fragment``), else the report's
    :class:`ObjectTimelines` as plain dicts (built once, cheaper than records), or its tuple of
    :class:`ObjectTimeline` dataclasses as is (orjson writes a dataclass as an object of its fields, in
    order: ``id``, ``kind``, ``events`` of ``file``, ``line``, ``action``).
    """
    counts = statements_by_file(report.files)
    objects = report.objects
    if timelines is not None:
        pass  # already written (json_bytes)
    elif isinstance(objects, ObjectTimelines):
        timelines = objects.json_items()
    else:
        timelines = objects if isinstance(objects, tuple | list) else tuple(objects)
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "pgconsolidate", "version": __version__},
        "directory": report.mdir.root,
        "files": [
            {
                "path": f.path,
                "version": f.version,
                "name": f.name,
                "scheme": f.scheme.value,
                "statements": counts.get(f.path, 0),
                "sha256": f.sha256,
            }
            for f in report.mdir.files
        ],
        "skipped": [{"path": s.path, "reason": s.reason} for s in report.mdir.left_out],
        "objects": timelines,
        "findings": _findings(report.findings),
        "summary": report.summary(),
    }


def _findings(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    """The findings as the document's dicts (tens of thousands on large directories)."""
    severities = {s: s.value for s in Severity}
    return [
        {
            "rule": f.rule,
            "severity": severities[f.severity],
            "message": f.message,
            "file": (loc := f.location).file,
            "line": loc.line or None,
            "column": loc.column or None,
            "objects": list(f.objects),
            "related": [{"file": r.file, "line": r.line or None} for r in f.related] if f.related else [],
            "help": f.help,
        }
        for f in findings
    ]
