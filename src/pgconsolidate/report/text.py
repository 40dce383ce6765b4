"""``analyze`` as Rich text: findings grouped by severity and rule, then a summary table."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby

from rich.console import RenderableType
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from pgconsolidate.report.document import AnalyzeReport
from pgconsolidate.rules.finding import Finding, Severity

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


class PlainLines(str):
    """Lines of findings that a console writing no styles (no colour system: a pipe, a file) prints as
    they are, followed by a line break: :func:`render_text` yields them (with ``plain=True``) instead of
    a Rich :class:`~rich.text.Text` of the same lines, which costs far more to build and print for
    thousands of findings. Only lines Rich would print unchanged are given this way (every character
    printable, none ending in a space: Rich drops control codes, expands tabs and trims a long line's
    trailing spaces). Printing one with Rich instead gives the same output."""

    __slots__ = ()

    def __rich__(self) -> Text:
        return Text(str(self))


def render_text(
    report: AnalyzeReport, *, verbose_help: bool = True, per_rule: int = 200, plain: bool = False
) -> Iterator[RenderableType]:
    """Renderables, in order: one section per (severity, rule) with its findings (at most ``per_rule``
    each), then the summary. ``plain``: the console writes no styles, so a group's finding lines may
    come as :class:`PlainLines` (the caller writes them as they are)."""
    for sev, by_sev in groupby(report.findings, key=lambda f: f.severity):
        items = list(by_sev)
        yield Text(f"\n{sev.value.upper()}S ({len(items)})", style=_STYLE[sev])
        for rule_id, group in groupby(items, key=lambda f: f.rule):
            findings = list(group)
            info = report.rules.get(rule_id)
            summary = info.summary if info else ""
            yield Text.from_markup(
                f"[{_STYLE[sev]}]{escape(rule_id)}[/] ({len(findings)}): {escape(summary)}"
            )
            shown = findings[:per_rule]
            lines = _plain_lines(shown) if plain else None
            # one renderable for the group's lines (the same text as one per line, far fewer prints)
            yield lines if lines is not None else Text("\n").join(_finding_line(f) for f in shown)
            if len(findings) > per_rule:
                yield Text(
                    f"  ... and {len(findings) - per_rule} more (all of them with --format json or sarif)",
                    style="dim",
                )
            if verbose_help and findings and findings[0].help:
                yield Text.from_markup(f"    [dim]fix: {escape(findings[0].help)}[/]")
    yield summary_table(report)


def _finding_line(f: Finding) -> Text:
    text = Text("  ")
    text.append(str(f.location), style="bold")
    text.append("  " + f.message)
    if f.related:
        shown = ", ".join(str(r) for r in f.related[:4])
        more = f" (+{len(f.related) - 4})" if len(f.related) > 4 else ""
        text.append(f"\n      see {shown}{more}", style="dim")
    return text


def _plain_lines(findings: list[Finding]) -> PlainLines | None:
    """The text of :func:`_finding_line` of each finding, joined by line breaks, when Rich would print
    it as it is (see :class:`PlainLines`); else None."""
    parts: list[str] = []
    append = parts.append
    for f in findings:
        append(f"  {f.location}  {f.message}")
        if f.related:
            shown = ", ".join(str(r) for r in f.related[:4])
            more = f" (+{len(f.related) - 4})" if len(f.related) > 4 else ""
            append(f"      see {shown}{more}")
    text = "\n".join(parts)
    if not "".join(parts).isprintable() or text.endswith(" ") or " \n" in text:
        return None
    return PlainLines(text)


def _severities_by_rule(report: AnalyzeReport) -> dict[str, list[str]]:
    """The severities each rule's findings carry, most severe first: a rule whose findings were lowered
    (a duplicate create guarded by IF NOT EXISTS is info) is labelled by what it found, not its default."""
    seen: dict[str, set[Severity]] = {}
    for f in report.findings:
        seen.setdefault(f.rule, set()).add(f.severity)
    return {rule: [sev.value for sev in Severity if sev in sevs] for rule, sevs in seen.items()}


def summary_table(report: AnalyzeReport) -> Table:
    """Files, statements, objects and findings per rule."""
    s = report.summary()
    rule_severities = _severities_by_rule(report)
    table = Table(title=f"{report.mdir.root}: {report.mdir.tool_label}", show_header=True)
    table.add_column("")
    table.add_column("count", justify="right")
    table.add_row("migration files", str(s["files"]))
    table.add_row("left out", str(s["skipped"]))
    table.add_row("statements", str(s["statements"]))
    table.add_row("parse errors", str(s["parse_errors"]))
    table.add_row("objects", str(s["objects"]))
    for rule_id, n in s["by_rule"].items():
        sev = ", ".join(rule_severities.get(rule_id, ()))
        table.add_row(f"  {rule_id} [dim]({sev})[/]", str(n))
    sev_counts = s["by_severity"]
    table.add_row(
        "findings",
        f"{s['findings']} ({sev_counts['error']} errors, {sev_counts['warning']} warnings, "
        f"{sev_counts['info']} info)",
    )
    return table
