"""Directories of other tools: the clean set follows the tool's naming and markers, and still verifies."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgconsolidate.plan.toml_write import write_plan
from pgconsolidate.verify.pipeline import consolidate, make_plan, verify_outdir

FILES = {
    "dbmate": {
        "20240101000000_create_items.sql": "-- migrate:up\nCREATE TABLE items (id bigint GENERATED ALWAYS AS "
        "IDENTITY PRIMARY KEY, name text NOT NULL, created_at timestamptz DEFAULT now());\n"
        "INSERT INTO items (name) VALUES ('seed');\nCREATE TABLE settings (k text, v text);\n"
        "INSERT INTO settings VALUES ('a', 'b'), ('a', 'b');\n-- migrate:down\nDROP TABLE items;\n",
        "20240102000000_tags.sql": "-- migrate:up\nCREATE TABLE tags (id serial PRIMARY KEY, item_id bigint "
        "REFERENCES items(id), tag text);\nCREATE CONSTRAINT TRIGGER t AFTER INSERT ON tags "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger();\n"
        "-- migrate:down\nDROP TABLE tags;\n",
    },
    "golang-migrate": {
        "1_items.up.sql": "CREATE TABLE items (id bigserial PRIMARY KEY, name text);\n",
        "1_items.down.sql": "DROP TABLE items;\n",
        "2_more.up.sql": "ALTER TABLE items ADD COLUMN note text;\nCREATE INDEX ON items (note);\n",
        "2_more.down.sql": "ALTER TABLE items DROP COLUMN note;\n",
    },
}


@pytest.mark.parametrize("tool", sorted(FILES))
def test_clean_set_in_the_tools_scheme(tmp_path: Path, tool: str) -> None:
    src = tmp_path / "migrations"
    src.mkdir()
    for name, text in FILES[tool].items():
        (src / name).write_text(text)
    plan = make_plan(str(src), None)
    assert plan.tool == tool
    (tmp_path / "plan.toml").write_text(write_plan(plan))
    res = consolidate(str(src), tmp_path / "plan.toml", tmp_path / "out")
    assert res.differences == [] and res.second_run_differences == []
    names = [c.name for c in res.clean]
    if tool == "golang-migrate":
        assert all(n.endswith(".up.sql") for n in names)
        assert "dirty" in (tmp_path / "out" / "history_repair.sql").read_text()
    else:
        assert all(c.text.count("-- migrate:up") == 1 for c in res.clean)
        # a keyless lookup table: its rows are loaded only into an empty table (run twice: still 2 rows)
        assert any("IF NOT EXISTS (SELECT 1 FROM" in c.text and "settings" in c.text for c in res.clean)
        assert "public.schema_migrations" in plan.settings.history_table
    assert verify_outdir(tmp_path / "out")["ok"]
