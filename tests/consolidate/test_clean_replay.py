"""The clean set's replay: the replay engine in batch mode (consecutive statements in one query), with the
same stand-ins and transaction semantics; a failing clean set stops everything with its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgconsolidate.db.connect import connection
from pgconsolidate.errors import DatabaseError
from pgconsolidate.replay import replay_dir
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.sources.reader import read_dir
from pgconsolidate.verify.replay import replayed_clean

FILES = {
    "20240101000000_a.sql": (
        "CREATE EXTENSION IF NOT EXISTS http WITH SCHEMA public;\n"
        "CREATE TABLE public.t (id int PRIMARY KEY, r public.http_response);\n"
        "CREATE INDEX t_id ON public.t (id);\n"
        "INSERT INTO public.t (id) VALUES (1), (2);\n"
        "CREATE ROLE pgc_h4_batch_role NOLOGIN;\n"
        "GRANT SELECT ON public.t TO pgc_h4_batch_role;\n"
    ),
    "20240102000000_b.sql": "CREATE TABLE public.u (id int);\nINSERT INTO public.u VALUES (3);\n",
}


def _write(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True)
    for name, text in files.items():
        (root / name).write_text(text)
    return root


def test_batch_replay_applies_like_statement_by_statement(
    scratch_server: ScratchServer, tmp_path: Path
) -> None:
    src = _write(tmp_path / "m", FILES)
    result = replay_dir(read_dir(str(src)), scratch_server, batch=True, keep=True, supabase=False)
    assert result.url is not None
    try:
        assert result.ok and [f.status for f in result.files] == ["applied", "applied"]
        assert [s.extension for s in result.stand_ins] == ["http"]  # intercepted on its own, as without batch
        assert result.created_roles == ("pgc_h4_batch_role",)
        with connection(result.url) as conn:
            row = conn.execute(
                "SELECT (SELECT count(*) FROM public.t), (SELECT count(*) FROM public.u)"
            ).fetchone()
        assert row == (2, 1)
    finally:
        from pgconsolidate.replay.runner import discard

        discard(scratch_server, result)


def test_failing_clean_set_raises_with_file_and_line(scratch_server: ScratchServer, tmp_path: Path) -> None:
    files = {
        "20240101000000_a.sql": "CREATE TABLE public.a (id int);\n",
        "20240102000000_b.sql": "CREATE TABLE public.b (id int);\nCREATE INDEX ON public.nope (id);\n",
    }
    src = _write(tmp_path / "m", files)
    with pytest.raises(DatabaseError) as info, replayed_clean(scratch_server, str(src), supabase=False):
        pass
    assert "20240102000000_b.sql:2" in info.value.message and "nope" in info.value.message
