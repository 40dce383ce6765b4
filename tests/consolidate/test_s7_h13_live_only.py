"""A plan's ``live_only`` entries are checked against the live database (H13): ``plan --check
--database-url`` names, at the plan's line, each entry whose object the live database does not have (exit 1);
``consolidate --database-url`` refuses such a plan in one line before any work; and the live-only objects
the plan does not list are said (not refused). Without a database URL nothing changes."""

from __future__ import annotations

import json
from pathlib import Path

from pgconsolidate.catalog.model import Snapshot
from pgconsolidate.cli import run
from pgconsolidate.plan.check import live_only_line, live_only_missing, live_only_unlisted
from pgconsolidate.plan.toml_read import read_plan
from pgconsolidate.verify.replay import run_script

SCHEMA = "CREATE TABLE public.notes (id bigint PRIMARY KEY, body text NOT NULL);\n"
BY_HAND = "CREATE TABLE public.ops_log (id bigint PRIMARY KEY, line text);\n"


def _setup(tmp_path: Path, url: str) -> tuple[Path, Path]:
    """A one-file directory, a live database built from it plus a table made by hand, and its plan."""
    d = tmp_path / "migrations"
    d.mkdir()
    (d / "20240101000000_notes.sql").write_text(SCHEMA)
    run_script(url, SCHEMA + BY_HAND, "live")
    plan = tmp_path / "p.toml"
    assert run(["plan", str(d), "-o", str(plan), "--database-url", url]) == 0
    assert 'live_only = ["public.ops_log", "public.ops_log_pkey"]' in plan.read_text()
    return d, plan


def _edit(plan: Path, live_only: str) -> int:
    """Replace the plan's live_only line with ``live_only``; its 1-based line."""
    lines = plan.read_text().splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.startswith("live_only ="))
    lines[at : at + 1] = live_only.splitlines()
    plan.write_text("\n".join(lines) + "\n")
    return at + 1


def test_check_names_each_absent_entry_at_its_line(tmp_path: Path, scratch_db: str, capsys) -> None:
    d, plan = _setup(tmp_path, scratch_db)
    assert run(["plan", "--check", str(plan), str(d), "--database-url", scratch_db]) == 0  # as proposed
    capsys.readouterr()
    at = _edit(
        plan,
        'live_only = [\n  "public.ops_log", "public.ops_log_pkey",\n'
        '  "public.ops_lgo",\n  "public.gone_view",\n]',
    )
    assert run(["plan", "--check", str(plan), str(d), "--database-url", scratch_db]) == 1
    got = [ln for ln in capsys.readouterr().out.splitlines() if "live_only" in ln]
    assert got == [
        f"{plan}:{at + 2}: live_only: public.ops_lgo is not in the live database (a typo, or dropped since "
        "the plan was written): remove it, or run `pgconsolidate plan --database-url` again",
        f"{plan}:{at + 3}: live_only: public.gone_view is not in the live database (a typo, or dropped "
        "since the plan was written): remove it, or run `pgconsolidate plan --database-url` again",
    ]
    # without a database URL nothing changes: the entries are not checked
    assert run(["plan", "--check", str(plan), str(d)]) == 0


def test_check_says_unlisted_live_only_objects(tmp_path: Path, scratch_db: str, capsys) -> None:
    d, plan = _setup(tmp_path, scratch_db)
    _edit(plan, "live_only = []")
    capsys.readouterr()
    assert run(["plan", "--check", str(plan), str(d), "--database-url", scratch_db]) == 0  # said, not refused
    err = capsys.readouterr().err
    assert (
        "note: public.ops_log is in the live database, not created by the files and not in the plan's " in err
    )
    # and the index of its key too (the same rule as the proposal's live_only)
    assert "note: public.ops_log_pkey is in the live database" in err
    assert run(["plan", "--check", str(plan), str(d), "--database-url", scratch_db, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["problems"] == [] and [n.split(" ", 1)[0] for n in doc["notes"]] == [
        "public.ops_log",
        "public.ops_log_pkey",
    ]


def test_consolidate_refuses_in_one_line_before_any_work(tmp_path: Path, scratch_db: str, capsys) -> None:
    d, plan = _setup(tmp_path, scratch_db)
    at = _edit(plan, 'live_only = ["public.ops_log", "public.typo", "public.ops_log_pkey"]')
    capsys.readouterr()
    out = tmp_path / "out"
    assert (
        run(["consolidate", str(d), "--plan", str(plan), "--out", str(out), "--database-url", scratch_db])
        == 2
    )
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    assert f"({plan}:{at}: public.typo)" in err and "nothing was written" in err
    assert not out.exists() or not any(out.iterdir())


def test_consolidate_says_unlisted_live_only_objects(tmp_path: Path, scratch_db: str, capsys) -> None:
    d, plan = _setup(tmp_path, scratch_db)
    _edit(plan, 'live_only = ["public.ops_log"]')
    capsys.readouterr()
    out = tmp_path / "out"
    assert (
        run(["consolidate", str(d), "--plan", str(plan), "--out", str(out), "--database-url", scratch_db])
        == 0
    )
    said = "public.ops_log_pkey is in the live database, not created by the files and not in the plan's"
    assert f"live copy: {said}" in capsys.readouterr().out
    report = (out / "REPORT.md").read_text()
    assert f"* {said}" in report
    assert "* public.ops_log is in the live database" not in report  # listed: not said


def test_pure_checks() -> None:
    text = (
        '# NOTE: public.x was merged\nversion = 1\nlive_only = [\n  "public.a",  # by hand\n'
        '  "public.x",\n]\n[[merge]]\nsource = "public.y"\n'
    )
    plan, problems = read_plan(text, "p.toml")
    assert [p for p in problems if "live_only" in p.message] == []
    assert live_only_line(text, "public.x") == 5  # not the comment on line 1
    assert live_only_line(text, "public.y") == 3  # not the merge below the array
    assert live_only_line("version = 1\n", "public.x") == 0
    empty = Snapshot(source="test", server_version=180000)
    assert [(p.line, p.message.split(" ")[1]) for p in live_only_missing(plan, text, empty)] == [
        (4, "public.a"),
        (5, "public.x"),
    ]
    assert live_only_unlisted(plan, ["public.a", "public.b"])[0].startswith(
        "public.b is in the live database"
    )
    assert len(live_only_unlisted(plan, ["public.a", "public.b"])) == 1
