"""Found on hero-org/herocast (a ``supabase db dump`` first migration): ``SECURITY LABEL FOR "pgsodium" ON
COLUMN accounts.private_key IS 'ENCRYPT WITH KEY ID ...'`` (pgsodium's Transparent Column Encryption) and
``GRANT pgsodium_keyiduser TO authenticated``. pgsodium is on every hosted project but not on the scratch
server: the label failed with no hint at all and the GRANT with "created by no earlier migration (made by
hand or from a dashboard ...)". Both need the platform extension: they are now skipped like the statements
that use its schema (hint "platform extension"), and carried into the clean set as written."""

from __future__ import annotations

import json
from pathlib import Path

from pgconsolidate.cli import run

DUMP = """CREATE EXTENSION IF NOT EXISTS "pgsodium" WITH SCHEMA "pgsodium";
CREATE TABLE public.accounts (id uuid PRIMARY KEY, owner uuid REFERENCES auth.users (id), private_key text);
SECURITY LABEL FOR "pgsodium" ON COLUMN "public"."accounts"."private_key"
  IS 'ENCRYPT WITH KEY ID dcd0dca7-c03a-40c5-b348-fefb87be2845 SECURITY INVOKER';
ALTER TABLE public.accounts ENABLE ROW LEVEL SECURITY;
"""
GRANT = "GRANT pgsodium_keyiduser TO authenticated;\n"


def _dir(tmp_path: Path) -> Path:
    d = tmp_path / "supabase" / "migrations"
    d.mkdir(parents=True)
    (d / "20240101000000_dump.sql").write_text(DUMP)
    (d / "20240102000000_grant.sql").write_text(GRANT)
    return d


def test_label_and_role_are_the_platform_extensions(tmp_path: Path, capsys) -> None:
    d = _dir(tmp_path)
    assert run(["replay", str(d), "--keep-going", "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    by_line = {(f["file"], f["line"]): f for f in doc["failures"]}
    label = by_line[("20240101000000_dump.sql", 3)]
    grant = by_line[("20240102000000_grant.sql", 1)]
    for failure in (label, grant):
        assert failure["hint"].startswith("platform extension:"), failure
        assert "pgsodium" in failure["hint"] and "by hand" not in failure["hint"]
    skipped = {(s["file"], s["line"]): s["reason"] for s in doc["skipped"]}
    assert "needs extension pgsodium" in skipped[("20240101000000_dump.sql", 3)]
    assert "needs extension pgsodium" in skipped[("20240102000000_grant.sql", 1)]


def test_label_and_role_are_carried(tmp_path: Path, capsys) -> None:
    d, plan, out = _dir(tmp_path), tmp_path / "p.toml", tmp_path / "out"
    assert run(["plan", str(d), "-o", str(plan)]) == 0
    # not proven on a server without pgsodium (exit 1), said, and both statements carried as written
    assert run(["consolidate", str(d), "--plan", str(plan), "--out", str(out)]) == 1
    said = capsys.readouterr().out
    assert "carried as written" in said and "20240101000000_dump.sql:3, 20240102000000_grant.sql:1" in said
    text = "\n".join(p.read_text() for p in sorted((out / "migrations").glob("*.sql")))
    assert 'SECURITY LABEL FOR "pgsodium" ON COLUMN "public"."accounts"."private_key"' in text
    assert "GRANT pgsodium_keyiduser TO authenticated" in text
