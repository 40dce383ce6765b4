"""``plan`` and ``consolidate`` build the object model of the old files once (and the clean set's once)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import pgconsolidate.rules.registry as registry
import pgconsolidate.verify.pipeline as pipeline
from pgconsolidate.cli import run
from pgconsolidate.errors import InputError
from pgconsolidate.plan.toml_read import read_plan
from pgconsolidate.plan.toml_write import write_plan


def _dir(tmp_path: Path) -> Path:
    d = tmp_path / "migrations"
    d.mkdir()
    cols = "id bigint PRIMARY KEY, username text, full_name text, bio text, created_at timestamptz"
    (d / "001_profiles.sql").write_text(f"-- profiles\nCREATE TABLE public.profiles ({cols});\n")
    (d / "002_user_profiles.sql").write_text(f"-- a twin\nCREATE TABLE public.user_profiles ({cols});\n")
    return d


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Directory -> how many times its object model was built (by the driver or a rule context)."""
    seen: Counter[str] = Counter()
    real_dir, real_files = pipeline.analyze_dir, registry.analyze_files

    def analyze_dir(mdir: Any, **kw: Any) -> Any:
        seen[str(Path(mdir.root).resolve())] += 1
        return real_dir(mdir, **kw)

    def analyze_files(mdir: Any, files: Any) -> Any:
        seen[str(Path(mdir.root).resolve())] += 1
        return real_files(mdir, files)

    monkeypatch.setattr(pipeline, "analyze_dir", analyze_dir)
    monkeypatch.setattr(registry, "analyze_files", analyze_files)
    return seen


def test_plan_and_consolidate_build_the_model_once(tmp_path: Path, builds: Counter[str], capsys) -> None:
    d = _dir(tmp_path)
    plan = tmp_path / "plan.toml"
    assert run(["plan", str(d), "-o", str(plan)]) == 0
    merged, _ = read_plan(plan.read_text(), str(plan))
    assert [m.drop_source for m in merged.merges] == [True]  # the plan check reads the model too
    assert builds == {str(d.resolve()): 1}
    builds.clear()
    assert run(["consolidate", str(d), "--plan", str(plan), "--out", str(tmp_path / "out")]) == 0
    assert "verified: clean set == chain + fix" in capsys.readouterr().out
    # the old files once (the plan check and the findings before), the clean set once (findings after)
    assert builds[str(d.resolve())] == 1
    assert sum(builds.values()) == 2


def test_a_model_given_by_the_caller_is_used(tmp_path: Path, builds: Counter[str], capsys) -> None:
    """``demo`` builds the model once for make_plan and consolidate; a model of other files is not used."""
    from pgconsolidate.analysis import analyze_dir
    from pgconsolidate.sources.reader import read_dir

    d = _dir(tmp_path)
    analysis = analyze_dir(read_dir(str(d)), keep_trees=False)
    plan = pipeline.make_plan(str(d), None, analysis=analysis)
    plan_path = tmp_path / "plan.toml"
    plan_path.write_text(write_plan(plan))
    res = pipeline.consolidate(str(d), plan_path, tmp_path / "out", analysis=analysis)
    assert not res.differences
    assert builds[str(d.resolve())] == 0
    # the files changed since the model was built: it is built again
    (d / "003_more.sql").write_text("-- more\nCREATE TABLE public.more (id bigint PRIMARY KEY);\n")
    with pytest.raises(InputError, match="the plan has"):  # the plan is out of date with the directory now
        pipeline.consolidate(str(d), plan_path, tmp_path / "out2", analysis=analysis)
    assert builds[str(d.resolve())] == 1
