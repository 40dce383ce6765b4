"""Every problem in the bundled example's answer key is found, by rule, file, line and object.

The expectations are parsed from ``examples/ai-memory/README.md`` ("## Answer key"), never copied here.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from typing import Any

import pytest

from pgconsolidate.config import Config
from pgconsolidate.report.analyze import analyze_directory
from pgconsolidate.report.document import AnalyzeReport

from .helpers import EXAMPLE, EXAMPLE_MIGRATIONS

README = EXAMPLE / "README.md"


def _toml_block(section: str) -> dict[str, Any]:
    text = README.read_text()
    key = text.split("## Answer key", 1)[1]
    part = key.split(f"### {section}", 1)[1]
    m = re.search(r"```toml\n(.*?)```", part, re.S)
    assert m, f"no TOML block under ### {section}"
    return tomllib.loads(m.group(1))


@cache
def _report() -> AnalyzeReport:
    return analyze_directory(EXAMPLE_MIGRATIONS, config=Config())


def _expected() -> list[dict[str, Any]]:
    if not README.exists():
        return []
    return list(_toml_block("Findings")["finding"])


def _id(item: dict[str, Any]) -> str:
    return f"{item['rule']}:{item['file']}:{item.get('line', '')}:{item.get('object', '')}"


@pytest.mark.parametrize("item", _expected(), ids=_id)
def test_answer_key_finding_is_found(item):
    report = _report()
    candidates = [f for f in report.findings if f.rule == item["rule"] and f.location.file == item["file"]]
    assert candidates, f"no {item['rule']} finding in {item['file']}"
    if "line" in item:
        candidates = [f for f in candidates if f.location.line == item["line"]]
        assert candidates, f"no {item['rule']} finding at {item['file']}:{item['line']}"
    if "object" in item:
        matching = [f for f in candidates if item["object"] in f.objects]
        assert matching, f"{item['object']} not among {[f.objects for f in candidates]}"
        candidates = matching
    if "related" in item:
        assert any(item["related"] in f.objects or item["related"] in f.message for f in candidates)


def test_inventory_definers():
    inventory = _toml_block("Inventory")
    report = _report()
    definers = sorted({f.objects[0] for f in report.findings if f.rule == "security-definer"})
    assert definers == sorted(inventory["definer_functions"])
    assert len(definers) == inventory["security_definer_functions"]
    unpinned = {f.objects[0] for f in report.findings if f.rule == "security-definer-search-path"}
    assert len(unpinned) == inventory["definers_without_search_path"]
    assert not unpinned & set(inventory["definers_with_search_path"])
    assert not unpinned & set(inventory["former_definers"])


def test_inventory_files_and_left_out():
    inventory = _toml_block("Inventory")
    report = _report()
    assert len(report.mdir.files) == inventory["migration_files"]
    left = {s.path.rstrip("/") for s in report.mdir.left_out}
    for item in inventory["left_out"]:
        assert item["path"] in left or item["path"].split("/")[0] in left


def test_valid_partial_expression_index_is_not_dimensionless():
    report = _report()
    for f in report.findings:
        if f.rule == "dimensionless-vector-index":
            assert f.location.file != "011_fix_hardcoded_dimensions.sql"


def test_explicit_invoker_and_comments_are_not_definers():
    report = _report()
    definers = {f.objects[0] for f in report.findings if f.rule == "security-definer"}
    assert not any("handoff_session" in d for d in definers)
