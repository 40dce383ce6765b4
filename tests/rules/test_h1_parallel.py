"""``rules.parallel``: a helper that answered everything is released without waiting for it, and reaped
later; rules with many findings run in this process."""

from __future__ import annotations

import os
import time

import pytest

from pgconsolidate.analysis import analyze_dir
from pgconsolidate.rules import parallel
from pgconsolidate.rules.parallel import MANY_FINDINGS, SHARED_INDEXES, can_fork, reap_released, start_rules
from pgconsolidate.rules.registry import RuleContext, run_rules, selected_rules
from pgconsolidate.sources.reader import read_dir

from .helpers import EXAMPLE_MIGRATIONS


def _ctx() -> RuleContext:
    mdir = read_dir(EXAMPLE_MIGRATIONS)
    analysis = analyze_dir(mdir, keep_trees=False)
    return RuleContext(mdir=mdir, files=analysis.files, analysis=analysis)


@pytest.mark.skipif(not can_fork(), reason="forking the rules needs Linux and 2 cores")
def test_a_helper_that_answered_everything_is_released_then_reaped() -> None:
    rules = selected_rules()
    expected = run_rules(_ctx(), rules)
    with start_rules(_ctx(), rules, parallel=True) as run:
        pid = run.pid
        assert pid is not None
        assert run.result() == expected
        assert run.pid is None  # released: result() did not wait for it
    deadline = time.monotonic() + 10
    while pid in parallel._RELEASED and time.monotonic() < deadline:
        time.sleep(0.01)
        reap_released()
    assert pid not in parallel._RELEASED
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: no zombie left behind


def test_the_rules_sharing_the_words_of_each_file_are_one_unit() -> None:
    assert frozenset({"use-before-create", "missing-extension"}) in SHARED_INDEXES
    assert "policy-per-row-auth-call" in MANY_FINDINGS
