"""Each kind of replay failure, its hint and its root cause, on small fixtures and a real server."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.replay import Location
from pgconsolidate.scratch import ScratchServer

from .helpers import replay_files, where


def test_clean_chain_applies(scratch_server: ScratchServer, tmp_path: Path) -> None:
    result = replay_files(
        scratch_server,
        tmp_path,
        {
            "001_a.sql": "create table a (id int primary key);\n",
            "002_b.sql": "alter table a add column b text;\n",
        },
    )
    assert result.ok
    assert [(o.file, o.status, o.statements) for o in result.files] == [
        ("001_a.sql", "applied", 1),
        ("002_b.sql", "applied", 1),
    ]
    assert not result.supabase_base
    assert result.url is None


def test_duplicate_create_names_first_definition(scratch_server: ScratchServer, tmp_path: Path) -> None:
    result = replay_files(
        scratch_server,
        tmp_path,
        {
            "001_a.sql": "-- first\ncreate table items (id int);\n",
            "002_b.sql": "\n\ncreate table items (id int, name text);\n"
            "alter table items add column name2 text;\n",
        },
        keep_going=True,
    )
    assert where(result) == [("002_b.sql", 3, "42P07")]
    failure = result.failures[0]
    assert failure.statement == "create table items (id int, name text)"
    assert 'relation "items" already exists' in failure.message
    assert "duplicate create" in failure.hint and "001_a.sql:2" in failure.hint
    assert failure.root_cause is None


def test_cascades_link_to_root_cause(scratch_server: ScratchServer, tmp_path: Path) -> None:
    result = replay_files(
        scratch_server,
        tmp_path,
        {
            "001_a.sql": "create table memories (id int, e vector(3));\n"
            "create index memories_id on memories (id);\n",
            "002_b.sql": "alter table memories add column c text;\ndrop index memories_id;\n"
            "create view v as select id from memories;\ngrant select on v to public;\n",
        },
        keep_going=True,
        supabase=False,
    )
    assert where(result) == [
        ("001_a.sql", 1, "42704"),
        ("001_a.sql", 2, "42P01"),
        ("002_b.sql", 1, "42P01"),
        ("002_b.sql", 2, "42704"),
        ("002_b.sql", 3, "42P01"),
        ("002_b.sql", 4, "42P01"),
    ]
    root = Location("001_a.sql", 1)
    assert result.failures[0].root_cause is None
    assert "extension" in result.failures[0].hint  # type "vector" does not exist
    assert all(f.root_cause == root for f in result.failures[1:])
    assert len(result.root_causes) == 1


def test_column_cascade_matches_the_create_that_declares_it(
    scratch_server: ScratchServer, tmp_path: Path
) -> None:
    result = replay_files(
        scratch_server,
        tmp_path,
        {
            "001_a.sql": "create table notes (id int);\n",
            "002_b.sql": "create table notes (id int, tags text[]);\n"
            "create index notes_tags on notes using gin (tags);\n"
            "update notes set missing = 1;\n",
        },
        keep_going=True,
    )
    assert where(result) == [("002_b.sql", 1, "42P07"), ("002_b.sql", 2, "42703"), ("002_b.sql", 3, "42703")]
    assert result.failures[1].root_cause == Location("002_b.sql", 1)
    assert result.failures[2].root_cause is None  # no failed statement would have created "missing"


def test_use_before_create_points_at_the_later_file(scratch_server: ScratchServer, tmp_path: Path) -> None:
    result = replay_files(
        scratch_server,
        tmp_path,
        {
            "001_view.sql": "create view v as select * from log;\n",
            "002_log.sql": "create table log (id int);\n",
        },
        keep_going=True,
    )
    assert where(result) == [("001_view.sql", 1, "42P01")]
    assert "created later, at 002_log.sql:1" in result.failures[0].hint


def test_return_type_overloads_and_dimensions(scratch_server: ScratchServer, tmp_path: Path) -> None:
    result = replay_files(
        scratch_server,
        tmp_path,
        {
            "001_ext.sql": "create extension if not exists vector;\n"
            "create function f(a text) returns text language sql as $$ select a $$;\n"
            "create function g(a text) returns int language sql as $$ select 1 $$;\n"
            "create function g(a text, b text default 'x') returns int language sql as $$ select 2 $$;\n",
            "002_changes.sql": "create or replace function f(a text) returns jsonb\n"
            "  language sql as $$ select '{}'::jsonb $$;\n"
            "create function h() returns int language sql as $$ select g('a') $$;\n"
            "create table t (e vector);\n"
            "create index t_e on t using hnsw (e vector_cosine_ops);\n"
            "create table u (e vector(3));\n"
            "insert into u values ('[1,2]');\n",
        },
        keep_going=True,
    )
    assert where(result) == [
        ("002_changes.sql", 1, "42P13"),
        ("002_changes.sql", 3, "42725"),
        ("002_changes.sql", 5, "22023"),
        ("002_changes.sql", 7, "22000"),
    ]
    hints = [f.hint for f in result.failures]
    assert hints[0].startswith("return type change")
    assert hints[1].startswith("ambiguous overloads")
    assert hints[2].startswith("dimensionless vector index")
    assert hints[3].startswith("dimension mismatch") and "3 dimensions" in hints[3]
    assert all(f.root_cause is None for f in result.failures)


def test_concurrently_and_syntax_error(scratch_server: ScratchServer, tmp_path: Path) -> None:
    result = replay_files(
        scratch_server,
        tmp_path,
        {
            "001_t.sql": "create table t (id int);\ncreate index concurrently t_id on t (id);\n",
            "002_bad.sql": "create table feedback (\n  id int\n  note text\n);\n"
            "create index f_id on feedback (id);\n",
        },
        keep_going=True,
    )
    assert where(result) == [
        ("001_t.sql", 2, "25001"),
        ("002_bad.sql", 1, "42601"),
        ("002_bad.sql", 5, "42P01"),
    ]
    assert "transaction" in result.failures[0].hint
    assert result.failures[1].hint.startswith("syntax error")
    assert result.failures[2].root_cause == Location("002_bad.sql", 1)


def test_no_transaction_marker_lets_concurrently_run(scratch_server: ScratchServer, tmp_path: Path) -> None:
    result = replay_files(
        scratch_server,
        tmp_path,
        {
            "001_t.sql": "-- +goose Up\ncreate table t (id int);\n",
            "002_idx.sql": "-- +goose NO TRANSACTION\n-- +goose Up\n"
            "create index concurrently t_id on t (id);\n",
        },
    )
    assert result.ok, where(result)


def test_stop_at_first_failure_rolls_the_file_back(scratch_server: ScratchServer, tmp_path: Path) -> None:
    files = {
        "001_a.sql": "create table a (id int);\n",
        "002_b.sql": "create table b (id int);\ncreate table a (id int);\ncreate table c (id int);\n",
        "003_c.sql": "create table d (x missing_type);\n",
    }
    stop = replay_files(scratch_server, tmp_path / "stop", files, keep=True)
    assert where(stop) == [("002_b.sql", 2, "42P07")]
    assert [o.status for o in stop.files] == ["applied", "failed", "not-run"]
    assert stop.url is not None
    from pgconsolidate.db.connect import connection
    from pgconsolidate.scratch.databases import database_name, drop_database

    try:
        with connection(stop.url, autocommit=True) as conn:
            row = conn.execute("select to_regclass('public.a'), to_regclass('public.b')").fetchone()
        assert row == ("a", None)  # 002 was rolled back as a whole, like the migration tool does
    finally:
        drop_database(scratch_server, database_name(stop.url))
    going = replay_files(scratch_server, tmp_path / "going", files, keep_going=True)
    assert where(going) == [("002_b.sql", 2, "42P07"), ("003_c.sql", 1, "42704")]
    assert [o.status for o in going.files] == ["applied", "failed", "failed"]
    assert [(o.statements, o.failed) for o in going.files] == [(1, 0), (3, 1), (1, 1)]


def test_skip_files(scratch_server: ScratchServer, tmp_path: Path) -> None:
    from pgconsolidate.replay import replay_dir
    from pgconsolidate.sources.reader import read_dir

    from .helpers import write_dir

    write_dir(
        tmp_path, {"001_a.sql": "create table a (id int);\n", "002_b.sql": "create table a (id int);\n"}
    )
    result = replay_dir(read_dir(str(tmp_path)), scratch_server, skip_files=frozenset({"002_b.sql"}))
    assert result.ok
    assert [o.status for o in result.files] == ["applied", "skipped"]


def test_copy_from_stdin_with_inline_data(scratch_server: ScratchServer, tmp_path: Path) -> None:
    from pgconsolidate.db.connect import connection
    from pgconsolidate.scratch.databases import database_name, drop_database

    text = (
        "create table kinds (id int primary key, name text);\n"
        "COPY public.kinds (id, name) FROM stdin;\n"
        "1\tepisodic's\n"
        "2\t'unterminated\n"
        "\\.\n"
        "\n"
        "create table after_copy (id int);\n"
        "insert into kinds values (2, 'dup');\n"
    )
    result = replay_files(scratch_server, tmp_path, {"001_seed.sql": text}, keep_going=True, keep=True)
    assert result.url is not None
    try:
        assert where(result) == [("001_seed.sql", 8, "23505")]
        assert result.failures[0].hint.startswith("data conflict")
        with connection(result.url, autocommit=True) as conn:
            rows = conn.execute("select id, name from kinds order by id").fetchall()
            after = conn.execute("select to_regclass('after_copy') is not null").fetchone()
        assert rows == [(1, "episodic's"), (2, "'unterminated")]
        assert after == (True,)
    finally:
        drop_database(scratch_server, database_name(result.url))


def test_roles_created_by_the_chain_do_not_leak_into_the_next_replay(
    scratch_server: ScratchServer, tmp_path: Path
) -> None:
    files = {
        "001_roles.sql": "create role pgc_test_app_reader nologin;\n"
        "grant pgc_test_app_reader to current_user;\n"
    }
    first = replay_files(scratch_server, tmp_path / "one", files)
    assert first.ok, where(first)
    assert first.created_roles == ("pgc_test_app_reader",)
    second = replay_files(scratch_server, tmp_path / "two", files)
    assert second.ok, where(second)  # the first replay's role was dropped with its database
