"""End to end on the bundled example: plan, check, consolidate, verify, restore-files, bad input."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from pgconsolidate.cli import run

EXAMPLE_MIGRATIONS = (
    Path(__file__).resolve().parents[2] / "examples" / "ai-memory" / "supabase" / "migrations"
)


def _tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("example")
    shutil.copytree(EXAMPLE_MIGRATIONS, root / "migrations")
    return root


@pytest.fixture(scope="module")
def plan_file(workdir: Path) -> Path:
    plan = workdir / "plan.toml"
    assert run(["plan", str(workdir / "migrations"), "-o", str(plan)]) == 0
    return plan


def test_plan_is_commented_and_checks_clean(plan_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = plan_file.read_text()
    assert text.count("\n# ") > 20
    assert "[[definer]]" in text and "[[index]]" in text and "[[domain]]" in text
    assert run(["plan", "--check", str(plan_file)]) == 0
    assert "ok" in capsys.readouterr().out


def test_consolidate_verifies_and_restore_is_byte_identical(
    workdir: Path, plan_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = workdir / "migrations"
    before = _tree(src)
    out = workdir / "out"
    assert run(["consolidate", str(src), "--plan", str(plan_file), "--out", str(out)]) == 0
    assert "verified" in capsys.readouterr().out
    assert _tree(src) == before  # DIR untouched without --in-place
    manifest = json.loads((out / "pgconsolidate-output.json").read_text())
    assert manifest["schema_version"] == 1 and manifest["verified"] is True
    assert len(manifest["clean_set"]) >= 5
    fix = out / manifest["fix"]
    assert fix.name.endswith("_consolidation_fix.sql") and "BEGIN;" in fix.read_text()
    assert "no differences" in (out / "REPORT.md").read_text()
    # the archive holds every old file byte-identical
    archived = _tree(out / "archive")
    for path, sha in before.items():
        if path in {f["path"] for f in manifest["source_files"]}:
            assert archived[path] == sha
    assert run(["verify", str(out)]) == 0

    # in place: old files leave DIR, the clean set arrives; restore-files undoes everything
    out2 = workdir / "out2"
    assert run(["consolidate", str(src), "--plan", str(plan_file), "--out", str(out2), "--in-place"]) == 0
    after = _tree(src)
    assert after != before
    clean2 = json.loads((out2 / "pgconsolidate-output.json").read_text())["clean_set"]
    assert set(after) == {Path(p).name for p in clean2} | (
        set(before) - {f["path"] for f in manifest["source_files"]}
    )
    assert run(["restore-files", str(out2)]) == 0
    assert _tree(src) == before


def test_output_directory_not_empty_is_refused(
    workdir: Path, plan_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = workdir / "busy"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    code = run(["consolidate", str(workdir / "migrations"), "--plan", str(plan_file), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "not empty" in err and "Traceback" not in err
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_stale_plan_is_refused_before_anything_is_written(
    workdir: Path, plan_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changed = workdir / "changed"
    shutil.copytree(workdir / "migrations", changed)
    target = sorted(changed.glob("0*.sql"))[0]
    target.write_text(target.read_text() + "\n-- edited\n")
    out = workdir / "never"
    code = run(["consolidate", str(changed), "--plan", str(plan_file), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "out of date" in err and target.name in err
    assert not out.exists()
    assert run(["plan", "--check", str(plan_file), str(changed)]) == 1


def test_plan_with_unknown_objects_is_refused(
    workdir: Path, plan_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = workdir / "bad.toml"
    text = plan_file.read_text()
    text = text.replace(
        'function = "public.search_memories(text, integer)"', 'function = "public.nope(text)"', 1
    )
    text += '\n[[index]]\nname = "idx_x"\ntable = "public.no_such_table"\ncolumns = ["a"]\n'
    bad.write_text(text)
    out = workdir / "never2"
    code = run(["consolidate", str(workdir / "migrations"), "--plan", str(bad), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "public.nope(text)" in err and "public.no_such_table" in err
    assert f"{bad}:" in err  # problems carry the plan's file and line
    assert not out.exists()
