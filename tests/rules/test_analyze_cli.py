"""``pgconsolidate analyze`` through the CLI: JSON schema, SARIF, exit codes, selection, config, bad input."""

from __future__ import annotations

import json
import os

import pytest

from pgconsolidate.cli import run

from .helpers import EXAMPLE_MIGRATIONS, ROOT, write_dir

BAD_SQL = {
    "001_a.sql": "create table t (a int primary key);\nalter table t enable row level security;\n"
    "create index i on t (a);\n"
}
CLEAN_SQL = {
    "001_a.sql": "create table if not exists t (id int primary key);\n"
    "alter table t enable row level security;\n"
}


def _run(capsys, argv):
    code = run(argv)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out, captured.err


def test_json_schema_shape(capsys):
    code, out, _ = _run(capsys, ["analyze", str(EXAMPLE_MIGRATIONS), "--format", "json"])
    assert code == 1
    doc = json.loads(out)
    assert list(doc) == [
        "schema_version",
        "tool",
        "directory",
        "files",
        "skipped",
        "objects",
        "findings",
        "summary",
    ]
    assert doc["schema_version"] == 1
    assert doc["tool"]["name"] == "pgconsolidate" and doc["tool"]["version"]
    assert set(doc["files"][0]) == {"path", "version", "name", "scheme", "statements", "sha256"}
    assert {s["path"] for s in doc["skipped"]} >= {"manual_cleanup.sql"}
    obj = next(o for o in doc["objects"] if o["id"] == "public.memories")
    assert obj["kind"] == "table"
    assert obj["events"][0] == {"file": "003_enhanced_memory_tables.sql", "line": 25, "action": "create"}
    finding = doc["findings"][0]
    assert set(finding) == {
        "rule",
        "severity",
        "message",
        "file",
        "line",
        "column",
        "objects",
        "related",
        "help",
    }
    for f in doc["findings"]:
        for r in f["related"]:
            assert set(r) == {"file", "line"}
    assert doc["summary"]["findings"] == len(doc["findings"])
    assert doc["summary"]["files"] == len(doc["files"])


def test_sarif_structure(capsys):
    code, out, _ = _run(capsys, ["analyze", str(EXAMPLE_MIGRATIONS), "--format", "sarif"])
    assert code == 1
    log = json.loads(out)
    assert log["version"] == "2.1.0" and "sarif" in log["$schema"]
    run0 = log["runs"][0]
    rules = run0["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert "security-definer" in ids and len(ids) == len(set(ids))
    for r in rules:
        assert r["shortDescription"]["text"] and r["fullDescription"]["text"] and r["help"]["text"]
    assert run0["results"]
    for res in run0["results"]:
        assert res["ruleId"] in ids
        assert ids[res["ruleIndex"]] == res["ruleId"]
        assert res["level"] in ("error", "warning", "note")
        assert res["message"]["text"]
        phys = res["locations"][0]["physicalLocation"]
        uri = phys["artifactLocation"]["uri"]
        assert not uri.startswith("/") and "://" not in uri and uri.endswith(".sql")
        assert phys["region"]["startLine"] >= 1


def test_sarif_uri_is_relative_to_working_directory(capsys, tmp_path, monkeypatch):
    write_dir(tmp_path / "supabase" / "migrations", BAD_SQL)
    monkeypatch.chdir(tmp_path)
    _, out, _ = _run(capsys, ["analyze", "--format", "sarif", "--fail-on", "never"])
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in json.loads(out)["runs"][0]["results"]
    }
    assert uris == {"supabase/migrations/001_a.sql"}


@pytest.mark.parametrize(
    ("files", "fail_on", "expected"),
    [
        (BAD_SQL, None, 0),  # only warnings: default --fail-on error passes
        (BAD_SQL, "warning", 1),
        (BAD_SQL, "never", 0),
        (CLEAN_SQL, "warning", 0),
        ({"001_a.sql": "drop table t;"}, None, 1),
        ({"001_a.sql": "drop table t;"}, "never", 0),
    ],
)
def test_fail_on(capsys, tmp_path, files, fail_on, expected):
    root = write_dir(tmp_path / "m", files)
    argv = ["analyze", str(root)] + (["--fail-on", fail_on] if fail_on else [])
    code, _, _ = _run(capsys, argv)
    assert code == expected


def test_select_and_ignore(capsys, tmp_path):
    root = write_dir(tmp_path / "m", BAD_SQL)
    _, out, _ = _run(
        capsys, ["analyze", str(root), "--format", "json", "--select", "non-idempotent,drop-missing"]
    )
    doc = json.loads(out)
    assert {f["rule"] for f in doc["findings"]} == {"non-idempotent"}
    assert doc["summary"]["rules_run"] == ["drop-missing", "non-idempotent"]
    _, out, _ = _run(capsys, ["analyze", str(root), "--format", "json", "--ignore", "non-idempotent"])
    assert "non-idempotent" not in {f["rule"] for f in json.loads(out)["findings"]}


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_rule_is_one_line_error(capsys, tmp_path, option):
    root = write_dir(tmp_path / "m", CLEAN_SQL)
    code, _, err = _run(capsys, ["analyze", str(root), option, "no-such-rule"])
    assert code == 2
    assert err.count("\n") == 1 and "no-such-rule" in err


def test_config_file(capsys, tmp_path):
    root = write_dir(tmp_path / "m", BAD_SQL)
    (tmp_path / "pgconsolidate.toml").write_text('ignore = ["non-idempotent"]\nfail-on = "warning"\n')
    code, out, _ = _run(capsys, ["analyze", str(root), "--format", "json"])
    doc = json.loads(out)
    assert "non-idempotent" not in {f["rule"] for f in doc["findings"]}
    assert code == (1 if doc["findings"] else 0)


def test_pyproject_config_severity_override(capsys, tmp_path):
    root = write_dir(tmp_path / "m", BAD_SQL)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pgconsolidate]\nselect = ["non-idempotent"]\n'
        '[tool.pgconsolidate.severity]\nnon-idempotent = "error"\n'
    )
    code, out, _ = _run(capsys, ["analyze", str(root), "--format", "json"])
    assert code == 1
    assert {f["severity"] for f in json.loads(out)["findings"]} == {"error"}


def test_invalid_config_is_one_line_error(capsys, tmp_path):
    root = write_dir(tmp_path / "m", BAD_SQL)
    (tmp_path / "pgconsolidate.toml").write_text('fail-on = "sometimes"\n')
    code, _, err = _run(capsys, ["analyze", str(root)])
    assert code == 2 and err.count("\n") == 1 and "fail-on" in err


def test_text_output_groups_and_summary(capsys):
    code, out, _ = _run(capsys, ["analyze", str(EXAMPLE_MIGRATIONS)])
    assert code == 1
    assert out.index("ERRORS") < out.index("WARNINGS") < out.index("INFOS")
    assert "version-collision" in out and "20250119_ollama_via_nginx.sql" in out
    assert "migration files" in out and "statements" in out


# ---- bad input: a finding or a one-line error, never a traceback, exit <= 2


def test_missing_directory(capsys, tmp_path):
    code, _, err = _run(capsys, ["analyze", str(tmp_path / "nope")])
    assert code == 2 and err.count("\n") == 1


def test_empty_directory(capsys, tmp_path):
    (tmp_path / "m").mkdir()
    code, out, _ = _run(capsys, ["analyze", str(tmp_path / "m"), "--format", "json"])
    assert code == 0 and json.loads(out)["files"] == []


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"select 1;\n\xff\xfe;\n", "byte offset 10"),
        (b"select 1;\x00\n", "NUL"),
        (b"", "empty"),
        (b"create function f() returns int language sql as $$ select 1;\n", "unterminated"),
    ],
)
def test_bad_file_is_a_finding(capsys, tmp_path, content, needle):
    root = write_dir(
        tmp_path / "m", {"001_bad.sql": content, "002_ok.sql": "create table if not exists t ();"}
    )
    code, out, _ = _run(capsys, ["analyze", str(root), "--format", "json", "--fail-on", "warning"])
    assert code == 1
    doc = json.loads(out)
    (finding,) = [f for f in doc["findings"] if f["rule"] == "parse-error"]
    assert finding["file"] == "001_bad.sql" and needle.lower() in finding["message"].lower()
    assert {f["path"] for f in doc["files"]} == {"001_bad.sql", "002_ok.sql"}


def test_fifty_megabyte_file(capsys, tmp_path):
    root = tmp_path / "m"
    root.mkdir()
    with (root / "001_big.sql").open("w") as fh:
        fh.write("-- " + "x" * (50 * 1024 * 1024) + "\ncreate table t (a int);\n")
    code, out, _ = _run(capsys, ["analyze", str(root), "--format", "json"])
    assert code <= 2
    assert json.loads(out)["summary"]["statements"] == 1


def test_symlink_loop(capsys, tmp_path):
    root = write_dir(tmp_path / "m", CLEAN_SQL)
    os.symlink(root / "002_loop.sql", root / "002_loop.sql")
    os.symlink(root, root / "sub")
    code, out, _ = _run(capsys, ["analyze", str(root), "--format", "json"])
    assert code <= 2
    assert "002_loop.sql" in {s["path"] for s in json.loads(out)["skipped"]}


def test_symlinked_directory_loop_as_argument(capsys, tmp_path):
    loop = tmp_path / "loop"
    os.symlink(loop, loop)
    code, _, err = _run(capsys, ["analyze", str(loop)])
    assert code == 2 and err.count("\n") == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads unreadable files")
def test_unreadable_file(capsys, tmp_path):
    root = write_dir(tmp_path / "m", {"001_a.sql": "select 1;"})
    (root / "001_a.sql").chmod(0)
    code, out, _ = _run(capsys, ["analyze", str(root), "--format", "json"])
    assert code == 1
    assert any("cannot read" in f["message"] for f in json.loads(out)["findings"])


def test_rules_command_lists_and_explains(capsys):
    code, out, _ = _run(capsys, ["rules"])
    assert code == 0 and "similar-tables" in out
    code, out, _ = _run(capsys, ["rules", "security-definer-search-path"])
    assert code == 0 and "search_path" in out and "How to fix" in out
    code, _, err = _run(capsys, ["rules", "nope"])
    assert code == 2 and "nope" in err


def test_docs_rules_md_is_up_to_date():
    from pgconsolidate.report.rules_doc import rules_markdown
    from pgconsolidate.rules.registry import all_rules

    doc = ROOT / "docs" / "rules.md"
    assert doc.read_text() == rules_markdown(all_rules()), (
        "regenerate: pgconsolidate rules --markdown > docs/rules.md"
    )
