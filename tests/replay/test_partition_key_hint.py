"""A unique key of a partitioned table without the partition key: PostgreSQL's 0A000, its hint, and the
``unique-without-partition-key`` rule agreeing with the server on the same files."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.report.analyze import analyze_directory
from pgconsolidate.scratch import ScratchServer

from .helpers import replay_files, where

FILES = {
    "001_events.sql": "create table ev (id bigint not null, at date not null, kind text)\n"
    "  partition by range (at);\n"
    "alter table ev add primary key (id, at);\n"
    "create unique index ev_kind on ev (kind);\n"
    "alter table ev add constraint ev_id unique (id);\n"
    "create table ex (id bigint, at date) partition by range ((at + 1));\n"
    "alter table ex add primary key (id, at);\n",
}


def test_server_and_rule_agree(scratch_server: ScratchServer, tmp_path: Path) -> None:
    result = replay_files(scratch_server, tmp_path / "m", FILES, keep_going=True)
    assert where(result) == [
        ("001_events.sql", 4, "0A000"),
        ("001_events.sql", 5, "0A000"),
        ("001_events.sql", 7, "0A000"),
    ]
    for failure in result.failures:
        assert failure.hint.startswith("partition key missing from a unique key"), failure
    report = analyze_directory(tmp_path / "m", select=["unique-without-partition-key"])
    assert sorted((f.location.file, f.location.line) for f in report.findings) == [
        ("001_events.sql", 4),
        ("001_events.sql", 5),
        ("001_events.sql", 7),
    ]
