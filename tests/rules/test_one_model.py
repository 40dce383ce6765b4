"""``analyze`` reads the one object model: its objects list is ``pgconsolidate objects``'s, parse trees
are not kept, and the model-derived helpers behave as PostgreSQL does."""

from __future__ import annotations

import json

from pgconsolidate.cli import run
from pgconsolidate.config import Config
from pgconsolidate.report.analyze import analyze_directory

from .helpers import EXAMPLE_MIGRATIONS, write_dir


def _json(capsys, argv):
    run(argv)
    return json.loads(capsys.readouterr().out)


def test_objects_list_is_the_models(capsys):
    analyzed = _json(capsys, ["analyze", str(EXAMPLE_MIGRATIONS), "--format", "json", "--fail-on", "never"])
    listed = _json(capsys, ["objects", str(EXAMPLE_MIGRATIONS), "--format", "json"])
    assert [o["id"] for o in analyzed["objects"]] == [o["id"] for o in listed["objects"]]
    by_id = {o["id"]: o for o in listed["objects"]}
    for obj in analyzed["objects"]:
        other = by_id[obj["id"]]
        assert obj["kind"] == other["kind"]
        assert [(e["file"], e["line"], e["action"]) for e in obj["events"]] == [
            (e["file"], e["line"], e["action"]) for e in other["events"]
        ]


def test_statement_rules_work_without_kept_trees(tmp_path):
    root = write_dir(
        tmp_path / "m",
        {
            "001_a.sql": "create table t (a int primary key);\ndrop index i;\n",
            "002_b.sql": "create index concurrently j on t (a);\n",
        },
    )
    report = analyze_directory(root, config=Config())
    assert all(not st.node for fs in report.files for st in fs.statements)
    rules = {f.rule for f in report.findings}
    assert {"non-idempotent", "drop-missing"} <= rules


def test_replace_keeps_earlier_execute_grants(check):
    definer = (
        "create or replace function f(a text) returns int language sql security definer as $$select {}$$;\n"
    )
    files = {
        "1_a.sql": definer.format(1) + "grant execute on function f(text) to anon;\n",
        "2_b.sql": definer.format(2),
    }
    (f,) = check("definer-executable-by-public", files)
    assert f.location.file == "1_a.sql" and f.location.line == 2
    assert "granted to anon" in f.message
