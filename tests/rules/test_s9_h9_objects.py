"""``pgconsolidate objects``: a schema (or an object in it, or a function) that an extension the
migrations create makes is "made by extension ..." (found on hero-org/herocast: ``cron  schema, not
created by these migrations`` while a file runs ``create extension pg_cron``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgconsolidate.cli import run

from .helpers import write_dir

FILES = {
    "1_a.sql": "create extension if not exists pg_cron;\ncreate extension pgcrypto with schema extensions;\n",
    "2_b.sql": "grant usage on schema cron to postgres;\ngrant select on cron.job to postgres;\n"
    "grant execute on function extensions.crypt(text, text) to anon;\n"
    "grant usage on schema net to postgres;\ngrant select on auth.users to anon;\n",
}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_dir(tmp_path / "m", dict(FILES))


def test_text_says_which_extension_makes_it(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["objects", str(root)]) == 0
    heads = {line.split("  ")[0]: line for line in capsys.readouterr().out.splitlines()}
    assert heads["cron"] == "cron  schema, made by extension pg_cron (created at 1_a.sql:1)"
    assert heads["cron.job"].endswith("table, made by extension pg_cron (created at 1_a.sql:1)")
    made = "function, made by extension pgcrypto (created at 1_a.sql:2)"
    assert heads["extensions.crypt(text, text)"].endswith(made)
    # pg_net is not created: its schema and auth.users stay "not created by these migrations"
    assert heads["net"].endswith("schema, not created by these migrations")
    assert heads["auth.users"].endswith("not created by these migrations")


def test_json_external_and_extension(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["objects", str(root), "--format", "json"]) == 0
    objs = {o["id"]: o for o in json.loads(capsys.readouterr().out)["objects"]}
    assert (objs["cron"]["external"], objs["cron"]["made_by_extension"]) == (False, "pg_cron")
    assert (objs["cron.job"]["external"], objs["cron.job"]["made_by_extension"]) == (False, "pg_cron")
    assert (objs["net"]["external"], objs["net"]["made_by_extension"]) == (True, None)
    assert objs["pg_cron"]["made_by_extension"] is None and objs["pg_cron"]["external"] is False


def test_dropped_with_the_extension(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {
        "1_a.sql": "create extension pg_cron;\ngrant usage on schema cron to anon;\n",
        "2_b.sql": "drop extension pg_cron;\n",
    }
    assert run(["objects", str(write_dir(tmp_path / "d", files)), "cron"]) == 0
    out = capsys.readouterr().out
    assert "cron  schema, made by extension pg_cron (created at 1_a.sql:1, dropped later)" in out
