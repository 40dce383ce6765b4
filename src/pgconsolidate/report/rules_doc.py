"""``docs/rules.md``: the rules' documentation, generated from their docstrings."""

from __future__ import annotations

from collections.abc import Mapping

from pgconsolidate.rules.registry import RuleInfo


def rules_markdown(rules: Mapping[str, RuleInfo]) -> str:
    """Markdown for every rule: id, severity, summary, documentation and how to fix."""
    lines = [
        "# Rules of `pgconsolidate analyze`",
        "",
        "Generated from the rules' docstrings by `pgconsolidate rules --markdown`; do not edit by hand.",
        "Silence a rule for one statement with `-- pgconsolidate: ignore RULE` on the line(s) before it,",
        "for a file with `-- pgconsolidate: ignore-file RULE` anywhere in it (or with",
        "`-- pgconsolidate: ignore RULE` in the file's header, separated from the first statement by a",
        "blank line), or everywhere with",
        '`--ignore RULE` or `ignore = ["RULE"]` in `[tool.pgconsolidate]`.',
        "",
        "| rule | severity | summary |",
        "|---|---|---|",
    ]
    lines += [f"| [`{r.id}`](#{r.id}) | {r.severity.value} | {r.summary} |" for r in rules.values()]
    for r in rules.values():
        lines += ["", f"## {r.id}", "", f"Severity: **{r.severity.value}**. {r.summary}", ""]
        if r.description:
            lines += [r.description, ""]
        lines += [f"**How to fix:** {r.help}"]
    return "\n".join(lines) + "\n"
