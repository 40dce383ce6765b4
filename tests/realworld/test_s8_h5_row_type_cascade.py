"""Found on supabase-community/chatgpt-your-files (a stored version of it): ``create table
document_sections (id text primary key as identity, ...)`` is a syntax error, and the later
``create function match_document_sections(...) returns setof document_sections`` failed with
``type "document_sections" does not exist`` and the hint "created by no earlier migration (made by hand
or from the dashboard?)", as its own root cause. A table's (view's, materialized view's) row type is
made by its CREATE: the failure is now a cascade of the CREATE that failed, parsed or not."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgconsolidate.replay.runner import replay_dir
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.sources.reader import read_dir

from .helpers import migrations

FN = "create function {f}() returns setof {t} language sql as $$ select * from {t} $$;\n"


@pytest.mark.parametrize(
    "create",
    [
        "create table sections (id text primary key as identity, body text);\n",  # does not parse
        "create table sections (id int primary key, owner uuid references nowhere (id));\n",
        "create view sections as select * from nowhere;\n",
    ],
)
def test_row_type_use_cascades(tmp_path: Path, scratch_server: ScratchServer, create: str) -> None:
    d = migrations(
        tmp_path,
        {"20240101000000_a.sql": create, "20240102000000_b.sql": FN.format(f="match_sections", t="sections")},
    )
    result = replay_dir(read_dir(str(d)), scratch_server, keep_going=True)
    by_file = {f.file: f for f in result.failures}
    later = by_file["20240102000000_b.sql"]
    assert later.root_cause is not None and later.root_cause.file == "20240101000000_a.sql"
    assert later.hint.startswith("cascade:")
    assert [f.file for f in result.root_causes] == ["20240101000000_a.sql"]
