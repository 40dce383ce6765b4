"""Seen on hero-org/herocast after apply: ``check`` printed "PASS security definer: no SECURITY DEFINER
functions left (1 kept by the plan)" while the plan kept sync_email_to_profile() (a trigger on auth.users) as
a definer: both halves cannot be true. It now says how many are left, each kept by the plan."""

from __future__ import annotations

from pgconsolidate.deploy.checks import PASS, UserFunction, check_definers


def _fn(identity: str, definer: bool) -> UserFunction:
    schema, name = identity.split("(")[0].split(".")
    return UserFunction(identity, schema, name, (), 0, definer)


def test_kept_definers_are_counted() -> None:
    fns = [_fn("public.sync_email_to_profile()", True), _fn("public.helper()", False)]
    result = check_definers(fns, {"public.sync_email_to_profile()"})
    assert result.status == PASS
    assert result.summary == "1 SECURITY DEFINER function(s) left, each kept by the plan"


def test_none_left() -> None:
    result = check_definers([_fn("public.helper()", False)], set())
    assert result.status == PASS and result.summary == "no SECURITY DEFINER functions left"


def test_without_a_plan_the_summary_says_so() -> None:
    # seen with `check DIR` (no --plan) after applying a real Supabase chat app's consolidation: "4 SECURITY
    # DEFINER function(s) the plan does not keep", when no plan was given
    result = check_definers([_fn("public.sync_email_to_profile()", True)], set(), planned=False)
    assert result.summary == "1 SECURITY DEFINER function(s) left, and no --plan says to keep them"
    assert result.details == ["public.sync_email_to_profile()"]
