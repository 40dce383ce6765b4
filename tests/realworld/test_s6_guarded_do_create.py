"""A ``CREATE TYPE`` inside a DO block behind ``IF NOT EXISTS (SELECT 1 FROM pg_type ...)`` (an enum a later
Supabase migration re-declares "if it doesn't exist", else extends with ADD VALUE) was reported as an
ERROR "this CREATE fails because it already exists", although the block never runs it then and the
directory replays cleanly. A CREATE in a DO block is now an INFO that points at the block's guard."""

from __future__ import annotations

import json
from pathlib import Path

from pgconsolidate.cli import run

from .helpers import migrations

FILES = {
    "001_types.sql": "CREATE TYPE notification_type AS ENUM ('new_comment', 'reply');\n",
    "002_like.sql": (
        "DO $$ BEGIN\n"
        "  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'notification_type') THEN\n"
        "    CREATE TYPE notification_type AS ENUM ('new_comment', 'reply', 'like');\n"
        "  ELSE\n"
        "    ALTER TYPE notification_type ADD VALUE IF NOT EXISTS 'like';\n"
        "  END IF;\n"
        "END $$;\n"
    ),
    "003_again.sql": "CREATE TYPE notification_type AS ENUM ('x');\n",
}


def test_guarded_create_in_a_do_block_is_no_error(tmp_path: Path, capsys) -> None:
    d = migrations(tmp_path, FILES)
    run(["analyze", str(d), "--format", "json"])
    hits = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["rule"] == "duplicate-create"]
    by_file = {f["file"]: f for f in hits}
    assert by_file["002_like.sql"]["severity"] == "info"
    assert "inside a DO block" in by_file["002_like.sql"]["message"]
    # a plain CREATE of the same type is still an error
    assert by_file["003_again.sql"]["severity"] == "error"
