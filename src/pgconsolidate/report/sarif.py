"""``analyze --format sarif``: SARIF 2.1.0, as GitHub code scanning accepts it."""

from __future__ import annotations

import posixpath
from typing import Any

from pgconsolidate import __version__
from pgconsolidate.report.document import AnalyzeReport
from pgconsolidate.rules.finding import Severity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
INFO_URI = "https://github.com/pgconsolidate/pgconsolidate/blob/main/docs/rules.md"


def artifact_uri(prefix: str, file: str) -> str:
    """A relative URI for ``file`` (relative to the migrations directory) under ``prefix`` (the
    directory relative to the repository root, or "")."""
    path = posixpath.normpath(posixpath.join(prefix, file)) if prefix else file
    return path.lstrip("/")


def to_sarif(report: AnalyzeReport, uri_prefix: str = "") -> dict[str, Any]:
    """The SARIF log of an analyze report. ``uri_prefix`` is the migrations directory relative to the
    repository root, so that ``artifactLocation.uri`` values are repository-relative."""
    rule_ids = sorted(report.rules)
    index = {rid: i for i, rid in enumerate(rule_ids)}
    rules = []
    for rid in rule_ids:
        info = report.rules[rid]
        rules.append(
            {
                "id": rid,
                "name": "".join(part.capitalize() for part in rid.split("-")),
                "shortDescription": {"text": info.summary},
                "fullDescription": {"text": info.description or info.summary},
                "help": {"text": info.help, "markdown": f"**{info.summary}**\n\n{info.help}"},
                "helpUri": f"{INFO_URI}#{rid}",
                "defaultConfiguration": {"level": _LEVEL[info.severity]},
                "properties": {"tags": ["postgresql", "migrations"]},
            }
        )
    results = []
    for f in report.findings:
        region = {"startLine": max(f.location.line, 1)}
        if f.location.column:
            region["startColumn"] = f.location.column
        result: dict[str, Any] = {
            "ruleId": f.rule,
            "level": _LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": artifact_uri(uri_prefix, f.location.file)},
                        "region": region,
                    }
                }
            ],
            "partialFingerprints": {
                "pgconsolidate/v1": "|".join([f.rule, f.location.file, *f.objects, f.message[:80]])
            },
        }
        if f.rule in index:
            result["ruleIndex"] = index[f.rule]
        if f.related:
            result["relatedLocations"] = [
                {
                    "id": i,
                    "physicalLocation": {
                        "artifactLocation": {"uri": artifact_uri(uri_prefix, r.file)},
                        "region": {"startLine": max(r.line, 1)},
                    },
                }
                for i, r in enumerate(f.related)
            ]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "pgconsolidate",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFO_URI,
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
