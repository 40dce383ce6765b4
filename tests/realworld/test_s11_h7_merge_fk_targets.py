"""A merge whose copied columns reference different tables is not proposed.

Found on a public drizzle-kit project (a chat app): ``Vote_v2`` is column for column ``Vote``, but its
``messageId`` references ``Message_v2`` where ``Vote``'s references ``Message``. The plan merged
``Vote_v2`` into ``Vote``: every moved row would fail ``Vote``'s foreign key.
"""

from __future__ import annotations

import json
from pathlib import Path

from pgconsolidate.cli import run

_VOTE = (
    '("chatId" uuid NOT NULL REFERENCES chat(id), "messageId" uuid NOT NULL REFERENCES {msg}(id),\n'
    '  "isUpvoted" boolean NOT NULL, PRIMARY KEY ("chatId", "messageId"));\n'
)


def _plan(tmp_path: Path, capsys, vote_v2_messages: str) -> dict:
    d = tmp_path / "migrations"
    d.mkdir()
    (d / "001_chat.sql").write_text(
        "CREATE TABLE chat (id uuid PRIMARY KEY, title text);\n"
        "CREATE TABLE message (id uuid PRIMARY KEY, chat_id uuid REFERENCES chat(id), content json);\n"
        "CREATE TABLE message_v2 (id uuid PRIMARY KEY, chat_id uuid REFERENCES chat(id), parts json,\n"
        "  attachments json NOT NULL);\n"
        "CREATE TABLE vote " + _VOTE.format(msg="message")
    )
    (d / "002_v2.sql").write_text("CREATE TABLE vote_v2 " + _VOTE.format(msg=vote_v2_messages))
    capsys.readouterr()
    assert run(["plan", str(d), "-o", str(tmp_path / "p.toml"), "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_key_column_referencing_another_table_is_not_merged(tmp_path: Path, capsys) -> None:
    doc = _plan(tmp_path, capsys, "message_v2")
    assert doc["merges"] == 0
    pair = {"public.vote", "public.vote_v2"}
    (skipped,) = [n for n in doc["not_merged"] if {n["source"], n["target"]} == pair]
    assert skipped["reason"].startswith("their rows point at different tables: ")
    assert "public.message_v2" in skipped["reason"] and "public.message" in skipped["reason"]


def test_same_referenced_tables_still_merge(tmp_path: Path, capsys) -> None:
    doc = _plan(tmp_path, capsys, "message")
    assert doc["merges"] == 1
