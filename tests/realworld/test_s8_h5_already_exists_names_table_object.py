"""Found on a chatbot-ui fork (Supabase): a re-dated copy of ``add_file_items.sql`` created the table's
trigger ``update_profiles_updated_at`` again. PostgreSQL says ``trigger "update_profiles_updated_at" for
relation "file_items" already exists``; the hint read the *relation* in that message and said "first
created at ...add_file_items.sql:3" (the CREATE TABLE), not the CREATE TRIGGER. The same happened for
constraints (``constraint "c" for relation "t" already exists``). Triggers, policies and constraints are
now found by table and name: a trigger of the same name on another table (``profiles`` here) is not
taken for it either."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.replay.runner import replay_dir
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.sources.reader import read_dir

from .helpers import migrations

FILES = {
    "001_base.sql": (
        "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\n"
        "CREATE TABLE profiles (id int PRIMARY KEY);\n"
        "CREATE TRIGGER update_profiles_updated_at BEFORE UPDATE ON profiles\n"
        "  FOR EACH ROW EXECUTE FUNCTION touch();\n"
    ),
    "002_items.sql": (
        "CREATE TABLE items (id int PRIMARY KEY, n int);\n"
        "ALTER TABLE items ADD CONSTRAINT n_positive CHECK (n > 0);\n"
        "CREATE POLICY p ON items USING (true);\n"
        "CREATE TRIGGER update_profiles_updated_at BEFORE UPDATE ON items\n"
        "  FOR EACH ROW EXECUTE FUNCTION touch();\n"
    ),
    "003_items_again.sql": (
        "ALTER TABLE items ADD CONSTRAINT n_positive CHECK (n > 0);\n"
        "CREATE POLICY p ON items USING (true);\n"
        "CREATE TRIGGER update_profiles_updated_at BEFORE UPDATE ON items\n"
        "  FOR EACH ROW EXECUTE FUNCTION touch();\n"
    ),
}


def test_first_created_at_points_at_the_object(tmp_path: Path, scratch_server: ScratchServer) -> None:
    d = migrations(tmp_path, FILES)
    result = replay_dir(read_dir(str(d)), scratch_server, keep_going=True, batch=False)
    hints = {(f.file, f.line): f.hint for f in result.failures}
    assert set(hints) == {("003_items_again.sql", 1), ("003_items_again.sql", 2), ("003_items_again.sql", 3)}
    assert "(first created at 002_items.sql:2)" in hints[("003_items_again.sql", 1)]
    assert "(first created at 002_items.sql:3)" in hints[("003_items_again.sql", 2)]
    assert "(first created at 002_items.sql:4)" in hints[("003_items_again.sql", 3)]
