"""Findings of the static rules before (the old directory) and after (the clean set), for REPORT.md."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from pgconsolidate.model.types import Analysis
from pgconsolidate.rules.registry import RuleContext, run_rules, selected_rules
from pgconsolidate.sources.model import MigrationDir
from pgconsolidate.sources.reader import read_dir
from pgconsolidate.statements.split import split_sql


def findings_by_rule(mdir: MigrationDir, analysis: Analysis | None = None) -> dict[str, int]:
    """Rule id -> number of findings of every rule on ``mdir`` (``analysis``: its object model, when the
    caller has built it already)."""
    if analysis is not None:
        ctx = RuleContext(mdir=mdir, files=analysis.files, analysis=analysis)
    else:
        files = tuple(split_sql(f.path, f.forward_sql, first_line=f.span_line) for f in mdir.files)
        ctx = RuleContext(mdir=mdir, files=files)
    found = run_rules(ctx, selected_rules())
    return dict(sorted(Counter(f.rule for f in found).items()))


def findings_before_after(
    before: MigrationDir, clean_dir: Path, analysis: Analysis | None = None
) -> tuple[dict[str, int], dict[str, int]] | None:
    """The findings of the old directory (``analysis``: its object model, when already built) and of the
    clean set; None when the rules cannot run."""
    try:
        return findings_by_rule(before, analysis), findings_by_rule(read_dir(str(clean_dir)))
    except Exception:  # the report says "unavailable" rather than failing a verified consolidation
        return None
