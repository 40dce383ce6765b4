"""replay's hint for 55P04 (``unsafe use of new value "x" of enum type t``: ALTER TYPE ... ADD VALUE, then the
value used in the same transaction): it had none. The fix depends on the directory's tool: a later migration
file where the tool commits each file on its own (Prisma), a later deploy where it applies every pending file
in one transaction (drizzle-kit). Replayed on the real server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgconsolidate.replay.hints import hint_for
from pgconsolidate.scratch import ScratchServer

from .helpers import replay_files

_ADD_AND_USE = (
    "ALTER TYPE \"Role\" ADD VALUE 'EDITOR';\n"
    'UPDATE "User" SET "role" = \'EDITOR\' WHERE "email" LIKE \'%@corp.com\';\n'
)
_FIRST = 'CREATE TYPE "Role" AS ENUM (\'USER\');\nCREATE TABLE "User" ("email" text, "role" "Role");\n'


def _failure(result: object) -> tuple[str, int, str, str]:
    failures = result.failures  # type: ignore[attr-defined]
    assert len(failures) == 1
    f = failures[0]
    return f.file, f.line, f.sqlstate, f.hint


def test_prisma_later_migration_file(tmp_path: Path, scratch_server: ScratchServer) -> None:
    (tmp_path / "m" / "20240101000000_init").mkdir(parents=True)
    (tmp_path / "m" / "20240201000000_add").mkdir()
    result = replay_files(
        scratch_server,
        tmp_path / "m",
        {"20240101000000_init/migration.sql": _FIRST, "20240201000000_add/migration.sql": _ADD_AND_USE},
    )
    file, line, state, hint = _failure(result)
    assert (file, line, state) == ("20240201000000_add/migration.sql", 2, "55P04")
    assert hint.startswith(
        "new enum value used before it is committed: Role's value EDITOR is usable only once the transaction"
    )
    assert "move the statements that use it to a later migration file (prisma commits each file" in hint
    assert "deploy" not in hint


def test_drizzle_later_deploy(tmp_path: Path, scratch_server: ScratchServer) -> None:
    (tmp_path / "d" / "meta").mkdir(parents=True)
    entries = [
        {"idx": i, "version": "7", "when": 1700000000000 + i, "tag": tag, "breakpoints": True}
        for i, tag in enumerate(("0000_init", "0001_add"))
    ]
    (tmp_path / "d" / "meta" / "_journal.json").write_text(
        json.dumps({"version": "7", "dialect": "postgresql", "entries": entries}), encoding="utf-8"
    )
    result = replay_files(
        scratch_server,
        tmp_path / "d",
        {
            "0000_init.sql": _FIRST.replace(";\n", ";\n--> statement-breakpoint\n", 1),
            "0001_add.sql": _ADD_AND_USE.replace(";\n", ";\n--> statement-breakpoint\n", 1),
        },
    )
    file, _, state, hint = _failure(result)
    assert (file, state) == ("0001_add.sql", "55P04")
    assert "drizzle-kit applies every pending migration file in one transaction" in hint
    assert "add the value in one deploy and use it in the next (a separate drizzle-kit migrate run)" in hint
    assert "later migration file (" not in hint


@pytest.mark.parametrize(
    ("message", "value", "type_name"),
    [
        ('unsafe use of new value "EDITOR" of enum type "Role"', "EDITOR", "Role"),
        ('unsafe use of new value "happy" of enum type mood', "happy", "mood"),
    ],
)
def test_message_forms(message: str, value: str, type_name: str) -> None:
    hint = hint_for("55P04", message)
    assert hint.startswith(f"new enum value used before it is committed: {type_name}'s value {value} is")
    assert "(the migration tool commits each file on its own;" in hint
