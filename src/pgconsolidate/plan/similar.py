"""The similar tables ``analyze`` reports, for the plan (pure: the files' object model in, pairs out).

The proposal works on a catalog (the replayed chain, or the live database); ``analyze`` works on the files'
model. A pair the user read in ``analyze``'s ``similar-tables`` findings must never vanish from the plan
without a word: the proposal gets these pairs and says, for each one it does not merge, why.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pgconsolidate.config import Config
from pgconsolidate.model.types import Analysis
from pgconsolidate.rules.registry import RuleContext, run_rules, selected_rules

RULE = "similar-tables"


def similar_threshold(config: Config) -> float:
    """The ``similar-tables`` threshold the configuration sets (default 0.6)."""
    options: Mapping[str, Any] = config.rules.get(RULE, {})
    return float(options.get("threshold", 0.6))


def reported_pairs(analysis: Analysis, config: Config) -> tuple[tuple[str, str], ...]:
    """``(earlier table, later table)`` of every ``similar-tables`` finding on ``analysis`` (with the
    configuration's options and ignore comments; none when the configuration ignores the rule)."""
    rules = [r for r in selected_rules(config.select or None, config.ignore) if r.id == RULE]
    if not rules:
        return ()
    ctx = RuleContext(
        mdir=analysis.mdir,
        files=analysis.files,
        analysis=analysis,
        options=config.rules,
        settings={"exposed-schemas": config.exposed_schemas},
    )
    out: list[tuple[str, str]] = []
    for f in run_rules(ctx, rules, config.severity):
        if len(f.objects) >= 2:
            out.append((f.objects[1], f.objects[0]))
    return tuple(out)
