"""The bundled example's replay reports exactly the failures of its answer key, with their root causes."""

from __future__ import annotations

import re
import tomllib
from typing import Any

import pytest

from pgconsolidate.replay import ReplayResult, replay_dir
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.sources.reader import read_dir

from .helpers import EXAMPLE, EXAMPLE_MIGRATIONS


def _answer_key() -> list[dict[str, Any]]:
    text = (EXAMPLE / "README.md").read_text(encoding="utf-8")
    section = text.split("### Replay failures", 1)[1]
    block = re.search(r"```toml\n(.*?)```", section, re.DOTALL)
    assert block, "the README has no replay failure block"
    failures: list[dict[str, Any]] = tomllib.loads(block.group(1))["failure"]
    return failures


@pytest.fixture(scope="module")
def without_stand_ins(scratch_server: ScratchServer) -> ReplayResult:
    return replay_dir(read_dir(str(EXAMPLE_MIGRATIONS)), scratch_server, keep_going=True, stand_ins=False)


def test_failures_match_the_answer_key(without_stand_ins: ReplayResult) -> None:
    expected = _answer_key()
    got = without_stand_ins.failures
    assert [(f.file, f.line) for f in got] == [(e["file"], e["line"]) for e in expected]
    for failure, key in zip(got, expected, strict=True):
        assert failure.sqlstate == key["sqlstate"], failure
        assert key["message_contains"] in failure.message, failure
        root = key.get("root_cause")
        expected_root = (root["file"], root["line"]) if root else None
        got_root = (failure.root_cause.file, failure.root_cause.line) if failure.root_cause else None
        assert got_root == expected_root, failure
        assert failure.hint, failure


def test_root_cause_and_cascade_counts(without_stand_ins: ReplayResult) -> None:
    inventory = tomllib.loads(
        re.findall(r"```toml\n(.*?)```", (EXAMPLE / "README.md").read_text(encoding="utf-8"), re.DOTALL)[-1]
    )
    assert len(without_stand_ins.root_causes) == inventory["root_causes"]
    assert len(without_stand_ins.failures) - len(without_stand_ins.root_causes) == inventory["cascades"]
    assert without_stand_ins.supabase_base
    assert [h.file for h in without_stand_ins.history_collisions] == [
        "20250119_ollama_ai_functions_simple.sql",
        "20250119_ollama_via_nginx.sql",
    ]


def test_http_stand_in_replaces_the_http_failures(scratch_server: ScratchServer) -> None:
    result = replay_dir(read_dir(str(EXAMPLE_MIGRATIONS)), scratch_server, keep_going=True)
    plain = {(e["file"], e["line"]) for e in _answer_key()}
    http = {("20250119_ollama_ai_functions.sql", 5), ("20250119_ollama_ai_functions.sql", 84)}
    assert {(f.file, f.line) for f in result.failures} == plain - http
    assert [(s.extension, s.schema, s.file, s.line) for s in result.stand_ins if s.file != "(base)"] == [
        ("http", "extensions", "20250119_ollama_ai_functions.sql", 5)
    ]
    assert not result.skipped
