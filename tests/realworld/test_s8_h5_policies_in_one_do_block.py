"""Found on a Supabase SaaS project: one ``DO`` block created several policies on the same table through
``EXECUTE 'create policy ...'`` (each guarded by a ``pg_policies`` lookup). Two of them were born at the
same statement, and ``multiple-permissive-policies`` sorted them by (position, effect): comparing the
effects crashed ``analyze`` ("internal error: TypeError: '<' not supported between instances of
'Effect' and 'Effect'"). Ties are now broken by the policies' names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgconsolidate.cli import run

from .helpers import migrations

FILES = {
    "001_items.sql": (
        "CREATE TABLE items (id int PRIMARY KEY, owner_user_id uuid);\n"
        "ALTER TABLE items ENABLE ROW LEVEL SECURITY;\n"
    ),
    "002_policies.sql": (
        "DO $$\n"
        "BEGIN\n"
        "  IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE tablename = 'items' AND policyname = 'read') THEN\n"
        "    EXECUTE 'create policy \"read\" on items for select using (owner_user_id = auth.uid())';\n"
        "  END IF;\n"
        "  IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE tablename = 'items' AND policyname = 'edit') THEN\n"
        "    EXECUTE 'create policy \"edit\" on items for all using (owner_user_id = auth.uid())';\n"
        "  END IF;\n"
        "END $$;\n"
    ),
}


def test_two_policies_from_one_statement(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = migrations(tmp_path, FILES)
    rule = "multiple-permissive-policies"
    assert run(["analyze", str(d), "--format", "json", "--select", rule]) == 0  # warnings only
    doc = json.loads(capsys.readouterr().out)
    [finding] = doc["findings"]
    assert finding["rule"] == "multiple-permissive-policies"
    assert "2 permissive policies for every role on SELECT: 'edit', 'read'" in finding["message"]
    assert (finding["file"], finding["line"]) == ("002_policies.sql", 1)
