"""Session 7 (H1): the definer rules' shared list of definers, and how collect_findings tells duplicates.

The three definer rules read one list of definers made once per context (``security_definer.definers``):
it holds exactly the SECURITY DEFINER routines of the final state, in ``ctx.routines`` order, each with
where it became a definer and who may execute it. ``collect_findings`` keys findings by message and
place; findings that share those but differ elsewhere must all be kept, and exact repeats dropped.
"""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.analysis import analyze_dir
from pgconsolidate.rules.finding import Finding, Location, Severity
from pgconsolidate.rules.registry import RuleContext, RuleInfo, collect_findings, run_rules, selected_rules
from pgconsolidate.rules.security_definer import definers
from pgconsolidate.sources.reader import read_dir

from .helpers import write_dir

FILES = {
    "1_a.sql": (
        "create function public.b_invoker() returns int language sql as $$ select 1 $$;\n"
        "create function public.c_definer() returns int language sql security definer as $$ select 1 $$;\n"
        "create function public.a_later() returns int language sql as $$ select 1 $$;\n"
    ),
    "2_b.sql": (
        "alter function public.a_later() security definer;\n"
        "revoke execute on function public.c_definer() from anon;\n"
    ),
    "3_c.sql": "grant execute on function public.a_later() to anon;\n",
}


def _context(tmp_path: Path) -> RuleContext:
    mdir = read_dir(write_dir(tmp_path / "m", FILES))
    analysis = analyze_dir(mdir, keep_trees=False, workers=1)
    return RuleContext(mdir=mdir, files=analysis.files, analysis=analysis)


def test_definers_are_the_final_definers_with_their_place_and_privileges(tmp_path: Path) -> None:
    ctx = _context(tmp_path)
    found = definers(ctx)
    assert [d.state.id for d in found] == ["public.a_later()", "public.c_definer()"]
    assert [d.state.id for d in found] == [fn.id for fn, detail in ctx.routines if detail.security_definer]
    later, definer = found
    # made a definer by the ALTER, not by its CREATE
    assert (later.where.file, later.where.line) == ("2_b.sql", 1)
    assert (definer.where.file, definer.where.line) == ("1_a.sql", 2)
    assert "anon" in later.privileges.granted_to
    assert definer.privileges.revoked_from == frozenset({"anon"}) and "PUBLIC" in definer.privileges.roles
    assert definers(ctx) is found  # made once per context


def test_definer_rules_report_through_the_shared_list(tmp_path: Path) -> None:
    ctx = _context(tmp_path)
    ids = ["definer-executable-by-public", "security-definer", "security-definer-search-path"]
    findings = run_rules(ctx, selected_rules(ids))
    by_rule: dict[str, list[Finding]] = {}
    for f in findings:
        by_rule.setdefault(f.rule, []).append(f)
    # in report order: where each became a definer
    assert [f.objects for f in by_rule["security-definer"]] == [
        ("public.c_definer()",),
        ("public.a_later()",),
    ]
    exposed = {f.objects[0]: f for f in by_rule["definer-executable-by-public"]}
    assert set(exposed) == {"public.a_later()", "public.c_definer()"}
    assert exposed["public.a_later()"].location.file == "3_c.sql"  # the GRANT
    assert Location("2_b.sql", 2, 1) == exposed["public.c_definer()"].location  # the REVOKE left PUBLIC
    assert len(by_rule["security-definer-search-path"]) == 2
    # each rule alone gives what it gives next to the others (the list is not left to the first)
    for rule_id in ids:
        alone = run_rules(_context(tmp_path / rule_id), selected_rules([rule_id]))
        assert alone == by_rule[rule_id]


def test_findings_sharing_message_and_place_are_kept_when_they_differ(tmp_path: Path) -> None:
    mdir = read_dir(write_dir(tmp_path / "m", {"1_a.sql": "select 1;"}))
    ctx = RuleContext(mdir=mdir, files=())
    where = Location("f", 1, 1)
    base = Finding("r", Severity.INFO, "m", where, (), "h", ("a",))
    other_objects = Finding("r", Severity.INFO, "m", where, (), "h", ("b",))
    other_severity = Finding("r", Severity.ERROR, "m", where, (), "h", ("a",))
    other_help = Finding("r", Severity.INFO, "m", where, (), "other", ("a",))
    other_related = Finding("r", Severity.INFO, "m", where, (Location("g", 2),), "h", ("a",))
    other_column = Finding("r", Severity.INFO, "m", Location("f", 1, 2), (), "h", ("a",))
    items = [base, other_objects, other_severity, other_help, other_related, other_column]

    def found(_ctx: RuleContext) -> list[Finding]:
        return [*items, *reversed(items), base, other_related]

    info = RuleInfo("r", Severity.INFO, "h", "doc", found)
    assert collect_findings(ctx, [info]) == items
