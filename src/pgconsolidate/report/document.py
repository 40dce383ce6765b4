"""What every renderer shows, gathered once: files, skipped paths, objects, findings, summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class AnalyzeReport:
    """The result of ``analyze``: the input, the objects it defines, the findings and the rules run."""

    mdir: MigrationDir
    files: tuple[FileStatements, ...]
    objects: tuple[ObjectTimeline, ...]
    findings: tuple[Finding, ...]
    rules: Mapping[str, RuleInfo]

    @property
    def statement_count(self) -> int:
        return sum(len(fs.statements) for fs in self.files)

    def summary(self) -> dict[str, Any]:
        """Counts: files, statements, parse errors, objects, findings by severity and by rule."""
        by_sev = Counter(f.severity.value for f in self.findings)
        by_rule = Counter(f.rule for f in self.findings)
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
