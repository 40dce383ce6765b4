"""A consolidate output whose proof found differences is not applied unless asked for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgconsolidate.cli import run
from pgconsolidate.deploy.source import read_source
from pgconsolidate.errors import InputError


def _output(tmp_path: Path, verified: bool) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    (out / "pgconsolidate-output.json").write_text(json.dumps({"verified": verified}))
    (out / "20250201000000_consolidation_fix.sql").write_text("BEGIN;\nSELECT 1;\nCOMMIT;\n")
    return out


def test_unverified_output_is_refused(tmp_path: Path) -> None:
    out = _output(tmp_path, verified=False)
    with pytest.raises(InputError, match=r"could not verify this output.*--unverified"):
        read_source(out)
    assert read_source(out, allow_unverified=True).consolidation is not None


def test_verified_output_is_accepted(tmp_path: Path) -> None:
    assert read_source(_output(tmp_path, verified=True)).consolidation is not None


def test_cli_refuses_before_touching_the_database(tmp_path: Path, capsys) -> None:
    out = _output(tmp_path, verified=False)
    code = run(["apply", str(out), "--database-url", "postgresql://u:secret@127.0.0.1:1/nope"])
    err = capsys.readouterr().err
    assert code == 2 and "--unverified" in err and "secret" not in err and err.count("\n") == 1


def test_dry_run_shows_what_would_run_then_says_it_is_refused(
    tmp_path: Path, scratch_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # seen on a real project's unverified output: the dry run refused before showing anything
    out = _output(tmp_path, verified=False)
    code = run(["apply", str(out), "--database-url", scratch_db, "--dry-run"])
    captured = capsys.readouterr()
    assert code == 2
    assert "would apply 1 migration(s)" in captured.out and "dry run: nothing was changed" in captured.out
    assert "the apply would be refused" in captured.err and "--unverified" in captured.err
    assert run(["apply", str(out), "--database-url", scratch_db, "--dry-run", "--unverified"]) == 0
