"""``check DIR`` uses the plan ``consolidate`` saved in its output directory, and says which plan it used."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgconsolidate.cli import run
from pgconsolidate.commands.check import locate
from pgconsolidate.db.connect import connection
from pgconsolidate.plan.model import IndexChoice, Plan
from pgconsolidate.plan.toml_write import write_plan


def _plan(index: str) -> str:
    return write_plan(
        Plan(
            directory="migrations",
            tool="supabase",
            files=(),
            indexes=(IndexChoice(index, "public.t", ("a",), reason="test"),),
        )
    )


def _output(tmp_path: Path) -> Path:
    """A consolidate output directory: manifest, the saved plan, the clean set (one file, no header)."""
    out = tmp_path / "consolidated"
    (out / "migrations").mkdir(parents=True)
    (out / "pgconsolidate-output.json").write_text('{"schema_version": 1}\n')
    (out / "pgconsolidate.plan.toml").write_text(_plan("idx_saved"))
    (out / "migrations" / "20250101000000_initial_schema.sql").write_text("CREATE TABLE t (a int);\n")
    (out / "20250101000000_consolidation_fix.sql").write_text("-- the fix\nSELECT 1;\n")
    return out


@pytest.fixture
def db(scratch_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)  # backups are looked for in ./.pgconsolidate
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (a int)")
    return scratch_db


def _check(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    run(["check", *args, "--format", "json"])
    return json.loads(capsys.readouterr().out)


def _structure(doc: dict) -> dict:
    return next(c for c in doc["checks"] if c["name"] == "planned structure")


def test_check_outdir_uses_the_saved_plan(db: str, tmp_path: Path, capsys) -> None:
    out = _output(tmp_path)
    doc = _check(capsys, str(out), "--database-url", db)
    assert doc["schema_version"] == 1
    assert doc["plan"] == {
        "path": str(out / "pgconsolidate.plan.toml"),
        "found": f"saved by consolidate in {out}",
    }
    assert _structure(doc)["status"] == "fail"
    assert _structure(doc)["details"] == ["index public.idx_saved (planned) is missing"]
    # the headers read are the clean set's, not the fix's
    assert doc["headers_of"] == str(out / "migrations")
    headers = next(c for c in doc["checks"] if c["name"] == "headers")
    assert headers["status"] == "fail" and "20250101000000_initial_schema.sql" in headers["details"][0]


def test_check_of_the_clean_set_dir_finds_the_plan_beside_it(db: str, tmp_path: Path, capsys) -> None:
    out = _output(tmp_path)
    doc = _check(capsys, str(out / "migrations"), "--database-url", db)
    assert doc["plan"]["path"] == str(out / "pgconsolidate.plan.toml")


def test_an_explicit_plan_wins_and_text_says_which(db: str, tmp_path: Path, capsys) -> None:
    out = _output(tmp_path)
    other = tmp_path / "edited.plan.toml"
    other.write_text(_plan("idx_edited"))
    doc = _check(capsys, str(out), "--database-url", db, "--plan", str(other))
    assert doc["plan"] == {"path": str(other), "found": "given with --plan"}
    assert _structure(doc)["details"] == ["index public.idx_edited (planned) is missing"]
    assert run(["check", str(out), "--database-url", db]) == 1
    text = capsys.readouterr().out
    assert f"plan: {out / 'pgconsolidate.plan.toml'} (saved by consolidate in {out})" in text


def test_no_plan_anywhere_is_a_skip_with_the_reason(db: str, tmp_path: Path, capsys) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "20250101000000_a.sql").write_text("-- header\nCREATE TABLE t (a int);\n")
    doc = _check(capsys, str(plain), "--database-url", db)
    assert doc["plan"] is None
    assert _structure(doc)["status"] == "skip"
    assert _structure(doc)["summary"] == f"none: no --plan given and none saved in {plain}"


def test_locate_is_pure_over_the_directory(tmp_path: Path) -> None:
    assert locate(None, None).plan is None
    out = _output(tmp_path)
    assert locate(out, None).plan == out / "pgconsolidate.plan.toml"
    assert locate(out, None).headers == out / "migrations"
