"""demo-db's --database-url help agrees with what it does (session 11, H12): it said "default:
$DATABASE_URL" (the shared option's help), but demo-db never reads $DATABASE_URL (which usually names the
project's own database): without --database-url it builds pgc_demo_production on the scratch server."""

from __future__ import annotations

import pytest

from pgconsolidate.cli import run


def test_demo_db_help_says_database_url_is_not_read(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    assert run(["demo-db", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "default: $DATABASE_URL" not in text
    assert (
        "EMPTY database instead (default: pgc_demo_production on the scratch server; "
        "$DATABASE_URL is not read)" in text
    )
