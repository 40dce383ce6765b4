"""Self-hosted Supabase sets ``ALTER DATABASE postgres SET "app.settings.jwt_secret" TO '...'`` (the key
that signs every API token). ``inspect`` and ``compare`` printed it in clear ("~ setting database: values:
[...] → [app.settings.jwt_secret=super-secret-...]"), and ``inspect --output`` wrote it to the snapshot.
A setting whose name says secret, password, token or key is now read as a digest of its value: a changed
secret still shows as a difference, its value never leaves the database."""

from __future__ import annotations

import json

import psycopg
import pytest

from pgconsolidate.cli import run

SECRET = "super-secret-jwt-token-with-at-least-32-characters-long"


def test_secret_setting_is_not_printed(scratch_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        name = conn.info.dbname
        conn.execute(f'ALTER DATABASE "{name}" SET "app.settings.jwt_secret" TO \'{SECRET}\'')
        conn.execute(f'ALTER DATABASE "{name}" SET statement_timeout TO 5000')
    assert run(["inspect", "--database-url", scratch_db, "--format", "json"]) == 0
    text = capsys.readouterr().out
    assert SECRET not in text
    [setting] = json.loads(text)["objects"]["settings"]
    assert "statement_timeout=5000" in setting["values"]
    assert any(v.startswith("app.settings.jwt_secret=<redacted md5:") for v in setting["values"])
