"""The text report's plain lines (written as they are on a console without styles) are exactly what Rich
prints for the same findings, whatever the messages hold (tabs, control characters, trailing spaces,
wide characters, long lines); use-before-create's one-scan test of names matches the regex's; and
collect_findings keeps each distinct finding once."""

from __future__ import annotations

import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from pgconsolidate.report.document import AnalyzeReport
from pgconsolidate.report.text import PlainLines, render_text
from pgconsolidate.rules.finding import Finding, Location, Severity
from pgconsolidate.rules.registry import Hit, RuleContext, RuleInfo, collect_findings, selected_rules
from pgconsolidate.rules.use_before_create import _WORD, _not_words
from pgconsolidate.sources.model import MigrationDir, Scheme
from pgconsolidate.sources.reader import read_dir

from .helpers import write_dir

_CHARS = st.sampled_from(list("ab Z_.:(),'\"\t\r\x07\x1b\u00e9\u4e2d\u200b\xa0\U0001f600[]/\\"))
_TEXT = st.text(alphabet=_CHARS, max_size=40)
_LOCATION = st.builds(Location, _TEXT, st.integers(0, 3), st.integers(0, 2))
_FINDING = st.builds(
    Finding,
    st.sampled_from(["rls-disabled", "use-before-create", "similar-tables"]),
    st.sampled_from(list(Severity)),
    _TEXT,
    _LOCATION,
    st.lists(_LOCATION, max_size=6).map(tuple),
    _TEXT,
)


def _report(findings: list[Finding]) -> AnalyzeReport:
    rules = {r.id: r for r in selected_rules()}
    mdir = MigrationDir(root="/nowhere", tool=Scheme.SUPABASE, files=())
    order = sorted(findings, key=lambda f: (-f.severity.rank, f.rule))
    return AnalyzeReport(mdir=mdir, files=(), objects=(), findings=tuple(order), rules=rules)


def _printed(report: AnalyzeReport, *, plain: bool, width: int) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, highlight=False, soft_wrap=True, width=width, color_system=None)
    for renderable in render_text(report, plain=plain, per_rule=5):
        if isinstance(renderable, PlainLines):
            console.file.write(f"{renderable}\n")
        else:
            console.print(renderable)
    return buffer.getvalue()


@settings(max_examples=300, deadline=None)
@given(st.lists(_FINDING, max_size=12), st.sampled_from([20, 80, 137]))
def test_plain_lines_print_as_rich_prints_them(findings: list[Finding], width: int) -> None:
    report = _report(findings)
    assert _printed(report, plain=True, width=width) == _printed(report, plain=False, width=width)


def test_plain_lines_are_used_for_plain_text_only() -> None:
    ok = Finding("rls-disabled", Severity.ERROR, "public.t has no RLS", Location("a.sql", 1, 1))
    tab = Finding("rls-disabled", Severity.ERROR, "public.t\thas no RLS", Location("a.sql", 2, 1))
    assert any(isinstance(r, PlainLines) for r in render_text(_report([ok]), plain=True))
    assert not any(isinstance(r, PlainLines) for r in render_text(_report([ok, tab]), plain=True))
    assert not any(isinstance(r, PlainLines) for r in render_text(_report([ok]), plain=False))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list('az_$09 ."\n\r\u0130\u00e9-')), max_size=6)))
def test_not_words_is_the_regex(names: list[str]) -> None:
    assert _not_words(names) == [n for n in names if not _WORD.fullmatch(n)]


def test_collect_findings_keeps_each_distinct_finding_once(tmp_path: Path) -> None:
    """Duplicates go; findings that differ only in their related locations (same dedupe key) stay."""
    mdir = read_dir(write_dir(tmp_path / "m", {"1_a.sql": "select 1;"}))
    ctx = RuleContext(mdir=mdir, files=())
    a = Finding("r", Severity.INFO, "m", Location("f", 1, 1), (Location("x", 1),))
    b = Finding("r", Severity.INFO, "m", Location("f", 1, 1), (Location("y", 1),))
    c = Finding("r", Severity.INFO, "m", Location("f", 1, 1), (Location("x", 1),))
    hit = Hit("m", Location("f", 1, 1), (Location("x", 1),))

    def found(_ctx: RuleContext) -> list[Hit | Finding]:
        return [a, b, a, b, c, hit]

    info = RuleInfo("r", Severity.INFO, "", "doc", found)
    assert collect_findings(ctx, [info]) == [a, b]
    other = RuleInfo("s", Severity.INFO, "", "doc", found)
    from_hit = Finding("s", Severity.INFO, "m", a.location, a.related)
    assert collect_findings(ctx, [info, other]) == [a, b, from_hit]
