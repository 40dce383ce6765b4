"""Found on a Supabase project that seeds its admin: ``INSERT INTO auth.users (..., encrypted_password)
VALUES (..., crypt('admin123', gen_salt('bf')))``. Every database the migrations build, production
included, then has an account that accepts that password, and it is in the git history; ``hardcoded-secret``
said nothing (its placeholder test even took ``admin`` for a stand-in). A literal passed to ``crypt(...,
gen_salt(...))`` is now reported, by place, without printing it; an expression or a template is not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgconsolidate.cli import run

from .helpers import migrations

BAD = [
    "insert into auth.users (id, encrypted_password)\n"
    "values (gen_random_uuid(), crypt('admin123', gen_salt('bf')));",
    "update auth.users set encrypted_password = extensions.crypt('password', extensions.gen_salt('bf', 10));",
]
OK = [
    "update auth.users set encrypted_password = crypt(current_setting('app.pw'), gen_salt('bf'));",
    "insert into auth.users (id, encrypted_password)\n"
    "values (gen_random_uuid(), crypt('${ADMIN_PW}', gen_salt('bf')));",
    "select crypt(p.password, p.hash) from public.pending p;",
]


def _findings(tmp_path: Path, sql: str, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    d = migrations(tmp_path, {"20240101000000_seed.sql": "-- seed\n" + sql + "\n"})
    run(["analyze", str(d), "--select", "hardcoded-secret", "--format", "json"])
    return list(json.loads(capsys.readouterr().out)["findings"])


@pytest.mark.parametrize("sql", BAD)
def test_seeded_password_is_reported(tmp_path: Path, sql: str, capsys: pytest.CaptureFixture[str]) -> None:
    (f,) = _findings(tmp_path, sql, capsys)
    assert "a password hashed by crypt()" in str(f["message"]) and f["severity"] == "error"
    assert f["line"] in (2, 3)
    assert "admin123" not in json.dumps(f) and "'password'" not in json.dumps(f)


@pytest.mark.parametrize("sql", OK)
def test_expressions_and_templates_are_not(
    tmp_path: Path, sql: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _findings(tmp_path, sql, capsys) == []
