"""The text report's plain lines (written as they are on a console without styles) are exactly what Rich
prints for the same findings, whatever the messages hold (tabs, control characters, trailing spaces,
wide characters, long lines); and use-before-create's one-scan test of names matches the regex's."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from pgconsolidate.report.document import AnalyzeReport
from pgconsolidate.report.text import PlainLines, render_text
from pgconsolidate.rules.finding import Finding, Location, Severity
from pgconsolidate.rules.registry import selected_rules
from pgconsolidate.rules.use_before_create import _WORD, _not_words
from pgconsolidate.sources.model import MigrationDir, Scheme

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
