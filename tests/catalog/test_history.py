"""History reconciliation for each supported tool, with history tables created in scratch databases."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgconsolidate.db.connect import connection
from pgconsolidate.history import read_history, reconcile
from pgconsolidate.history.model import (
    APPLIED_WITHOUT_FILE,
    CONTENT_DIFFERS,
    DIRTY,
    FAILED,
    NAME_DIFFERS,
    NEVER_APPLIED,
    SHARED_VERSION,
)
from pgconsolidate.history.reconcile import canonical_statements, flyway_checksum, normalize_version
from pgconsolidate.sources.reader import read_dir


def _write(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def _kinds(issues) -> dict[str, list[str | None]]:
    out: dict[str, list[str | None]] = {}
    for i in issues:
        out.setdefault(i.kind, []).append(i.version)
    return out


def test_supabase_history(tmp_path: Path, scratch_db: str) -> None:
    root = _write(
        tmp_path / "supabase" / "migrations",
        {
            "20240101000000_create.sql": (
                "-- the table\nCREATE TABLE t (id int);\n\nCREATE INDEX t_id ON t (id);\n"
            ),
            "20240102000000_change.sql": "ALTER TABLE t ADD COLUMN b text;\n",
            "20240103000000_renamed.sql": "SELECT 1;\n",
            "20240104000000_late.sql": "SELECT 2;\n",
            "20240106000000_new.sql": "SELECT 3;\n",
        },
    )
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(
            "CREATE SCHEMA supabase_migrations;"
            "CREATE TABLE supabase_migrations.schema_migrations"
            " (version text PRIMARY KEY, statements text[], name text)"
        )
        rows = [
            # same statements, different layout and comments: not a difference
            ("20240101000000", ["create table t (id int)", "create   index t_id on t(id)"], "create"),
            # the file changed after it ran: recorded text adds a different column
            ("20240102000000", ["ALTER TABLE t ADD COLUMN b varchar"], "change"),
            ("20240103000000", ["SELECT 1"], "old_name"),
            ("20240105000000", ["SELECT 9"], "deleted_file"),
        ]
        for version, stmts, name in rows:
            conn.execute(
                "INSERT INTO supabase_migrations.schema_migrations VALUES (%s, %s, %s)",
                (version, stmts, name),
            )
    (history,) = read_history(scratch_db)
    assert history.tool == "supabase" and history.table == "supabase_migrations.schema_migrations"
    result = reconcile(history, read_dir(root))
    kinds = _kinds(result.issues)
    assert kinds[CONTENT_DIFFERS] == ["20240102000000"]
    assert kinds[NAME_DIFFERS] == ["20240103000000"]
    assert kinds[APPLIED_WITHOUT_FILE] == ["20240105000000"]
    assert sorted(kinds[NEVER_APPLIED]) == ["20240104000000", "20240106000000"]
    late = next(i for i in result.issues if i.version == "20240104000000")
    assert "newer versions are applied" in late.message
    new = next(i for i in result.issues if i.version == "20240106000000")
    assert "newer" not in new.message
    differs = next(i for i in result.issues if i.kind == CONTENT_DIFFERS)
    assert differs.path == "20240102000000_change.sql" and differs.line == 1
    assert result.matched == 3 and result.applied == 4


def test_supabase_history_without_statements_column(tmp_path: Path, scratch_db: str) -> None:
    root = _write(tmp_path / "supabase" / "migrations", {"20240101000000_a.sql": "SELECT 1;\n"})
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(
            "CREATE SCHEMA supabase_migrations;"
            "CREATE TABLE supabase_migrations.schema_migrations (version text PRIMARY KEY);"
            "INSERT INTO supabase_migrations.schema_migrations VALUES ('20240101000000')"
        )
    (history,) = read_history(scratch_db)
    assert reconcile(history, read_dir(root)).clean


def test_shared_version(tmp_path: Path, scratch_db: str) -> None:
    root = _write(
        tmp_path / "supabase" / "migrations",
        {"20250119_a.sql": "SELECT 1;\n", "20250119_b.sql": "SELECT 2;\n"},
    )
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(
            "CREATE SCHEMA supabase_migrations;"
            "CREATE TABLE supabase_migrations.schema_migrations"
            " (version text PRIMARY KEY, statements text[], name text);"
            "INSERT INTO supabase_migrations.schema_migrations VALUES ('20250119', '{SELECT 1}', 'a')"
        )
    (history,) = read_history(scratch_db)
    result = reconcile(history, read_dir(root))
    assert _kinds(result.issues) == {SHARED_VERSION: ["20250119"]}
    assert "20250119_a.sql, 20250119_b.sql" in result.issues[0].message


def test_dbmate_history(tmp_path: Path, scratch_db: str) -> None:
    up = "-- migrate:up\nCREATE TABLE {0} (id int);\n\n-- migrate:down\nDROP TABLE {0};\n"
    root = _write(
        tmp_path / "db" / "migrations",
        {
            "20240101000000_a.sql": up.format("a"),
            "20240102000000_b.sql": up.format("b"),
        },
    )
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE public.schema_migrations (version varchar(128) PRIMARY KEY);"
            "INSERT INTO public.schema_migrations VALUES ('20240101000000'), ('20231201000000')"
        )
    (history,) = read_history(scratch_db)
    assert history.tool == "dbmate"
    kinds = _kinds(reconcile(history, read_dir(root)).issues)
    assert kinds == {APPLIED_WITHOUT_FILE: ["20231201000000"], NEVER_APPLIED: ["20240102000000"]}


def test_golang_migrate_history_dirty(tmp_path: Path, scratch_db: str) -> None:
    root = _write(
        tmp_path / "migrations",
        {
            "000001_a.up.sql": "CREATE TABLE a (id int);",
            "000001_a.down.sql": "DROP TABLE a;",
            "000002_b.up.sql": "CREATE TABLE b (id int);",
            "000003_c.up.sql": "CREATE TABLE c (id int);",
        },
    )
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE public.schema_migrations"
            " (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);"
            "INSERT INTO public.schema_migrations VALUES (2, true)"
        )
    (history,) = read_history(scratch_db)
    assert history.tool == "golang-migrate"
    result = reconcile(history, read_dir(root))
    kinds = _kinds(result.issues)
    assert kinds == {DIRTY: ["2"], NEVER_APPLIED: ["3"]}  # version 1 is below the current version
    assert result.matched == 2


def test_golang_migrate_clean(tmp_path: Path, scratch_db: str) -> None:
    root = _write(tmp_path / "migrations", {"1_a.up.sql": "SELECT 1;", "2_b.up.sql": "SELECT 2;"})
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE public.schema_migrations"
            " (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);"
            "INSERT INTO public.schema_migrations VALUES (2, false)"
        )
    (history,) = read_history(scratch_db)
    assert reconcile(history, read_dir(root)).clean


FLYWAY_TABLE = """
CREATE TABLE public.flyway_schema_history (
    installed_rank integer PRIMARY KEY, version varchar(50), description varchar(200) NOT NULL,
    type varchar(20) NOT NULL, script varchar(1000) NOT NULL, checksum integer,
    installed_by varchar(100) NOT NULL, installed_on timestamp NOT NULL DEFAULT now(),
    execution_time integer NOT NULL, success boolean NOT NULL)
"""


def test_flyway_history(tmp_path: Path, scratch_db: str) -> None:
    files = {
        "V1__init.sql": "CREATE TABLE a (id int);\n",
        "V1_1__more.sql": "CREATE TABLE b (id int);\r\n",
        "V2__changed.sql": "CREATE TABLE c (id int);\n",
        "V3__broken.sql": "CREATE TABLE d (id int);\n",
        "R__views.sql": "CREATE OR REPLACE VIEW v AS SELECT 1;\n",
    }
    root = _write(tmp_path / "sql", files)
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(FLYWAY_TABLE)
        rows = [
            (1, "1", "init", "SQL", "V1__init.sql", flyway_checksum(files["V1__init.sql"]), True),
            (2, "1.1", "more", "SQL", "V1_1__more.sql", flyway_checksum("CREATE TABLE b (id int);\n"), True),
            (3, "2", "changed", "SQL", "V2__changed.sql", 12345, True),
            (4, "3", "broken", "SQL", "V3__broken.sql", flyway_checksum(files["V3__broken.sql"]), False),
            (5, None, "views", "SQL", "R__views.sql", flyway_checksum("CREATE VIEW v AS SELECT 2;\n"), True),
        ]
        for r in rows:
            conn.execute(
                "INSERT INTO public.flyway_schema_history (installed_rank, version, description, type,"
                " script, checksum, installed_by, execution_time, success)"
                " VALUES (%s, %s, %s, %s, %s, %s, 'me', 1, %s)",
                r,
            )
    (history,) = read_history(scratch_db)
    assert history.tool == "flyway"
    result = reconcile(history, read_dir(root))
    kinds = _kinds(result.issues)
    assert kinds[FAILED] == ["3"]
    assert kinds[NEVER_APPLIED] == ["3"]  # a failed attempt is not an applied migration
    assert sorted(str(v) for v in kinds[CONTENT_DIFFERS]) == ["2", "None"]  # V2 and the repeatable
    assert APPLIED_WITHOUT_FILE not in kinds


def test_flyway_baseline(tmp_path: Path, scratch_db: str) -> None:
    root = _write(tmp_path / "sql", {"V1__a.sql": "SELECT 1;\n", "V2__b.sql": "SELECT 2;\n"})
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(FLYWAY_TABLE)
        conn.execute(
            "INSERT INTO public.flyway_schema_history VALUES "
            "(1, '1', '<< Flyway Baseline >>', 'BASELINE', '<< Flyway Baseline >>',"
            " NULL, 'me', now(), 0, true),"
            "(2, '2', 'b', 'SQL', 'V2__b.sql', %s, 'me', now(), 1, true)",
            (flyway_checksum("SELECT 2;\n"),),
        )
    (history,) = read_history(scratch_db)
    assert reconcile(history, read_dir(root)).clean


def test_goose_history(tmp_path: Path, scratch_db: str) -> None:
    up = "-- +goose Up\nCREATE TABLE {0} (id int);\n-- +goose Down\nDROP TABLE {0};\n"
    root = _write(tmp_path / "migrations", {"00001_a.sql": up.format("a"), "00002_b.sql": up.format("b")})
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE public.goose_db_version (id serial PRIMARY KEY, version_id bigint NOT NULL,"
            " is_applied boolean NOT NULL, tstamp timestamp DEFAULT now());"
            "INSERT INTO public.goose_db_version (version_id, is_applied) VALUES"
            " (0, true), (1, true), (2, true), (2, false)"
        )
    (history,) = read_history(scratch_db)
    assert history.tool == "goose"
    assert _kinds(reconcile(history, read_dir(root)).issues) == {NEVER_APPLIED: ["2"]}


def test_no_history_table(scratch_db: str) -> None:
    assert read_history(scratch_db) == ()


@pytest.mark.parametrize(
    ("tool", "raw", "expected"),
    [
        ("golang-migrate", "000012", "12"),
        ("flyway", "1.01.0", "1.1"),
        ("flyway", "1_1", "1.1"),
        ("supabase", "001", "001"),
        ("dbmate", "20240101", "20240101"),
    ],
)
def test_normalize_version(tool: str, raw: str, expected: str) -> None:
    assert normalize_version(tool, raw) == expected


def test_canonical_statements_ignore_layout_but_not_literals() -> None:
    assert canonical_statements("select  1 ; -- c\n") == canonical_statements("SELECT 1")
    assert canonical_statements("SELECT 'a'") != canonical_statements("SELECT 'b'")


def test_flyway_checksum_known_value() -> None:
    # CRC-32 of the line bytes without line breaks, signed like Java's int
    assert flyway_checksum("a\nb\n") == flyway_checksum("a\r\nb") == flyway_checksum("\ufeffa\nb")
    import zlib

    expected = zlib.crc32(b"b", zlib.crc32(b"a"))
    assert flyway_checksum("a\nb\n") == (expected - (1 << 32) if expected >= 1 << 31 else expected)


def test_canonical_statements_ignore_every_position_field() -> None:
    a = "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$"
    b = "-- moved\n\n   CREATE   FUNCTION f()\n RETURNS int\n LANGUAGE sql\n AS $$ SELECT 1 $$"
    assert canonical_statements(a) == canonical_statements(b)  # arg_location differs


def test_canonical_statements_ignore_list_offsets() -> None:
    a = "CREATE TABLE t (r text CHECK (r IN ('a', 'b')))"
    b = "CREATE TABLE t (\n    r    text   CHECK (r IN ('a',   'b')))"
    assert canonical_statements(a) == canonical_statements(b)  # rexpr_list_start/end differ
    assert canonical_statements(a) != canonical_statements(a.replace("'b'", "'c'"))


def test_every_example_file_matches_its_own_statements() -> None:
    """Statements recorded one by one (as Supabase does) compare equal to the file they came from."""
    from pgconsolidate.history.reconcile import _first_difference
    from pgconsolidate.statements.split import split_sql

    example = Path(__file__).resolve().parents[2] / "examples" / "ai-memory" / "supabase" / "migrations"
    if not example.is_dir():
        pytest.skip("bundled example not present")
    mdir = read_dir(example)
    assert mdir.files
    for f in mdir.files:
        split = split_sql(f.path, f.forward_sql, first_line=f.span_line)
        if split.failures:
            continue
        recorded = tuple(s.text for s in split.statements)
        assert _first_difference(f, recorded) is None, f.path
        if recorded:
            changed = (recorded[0] + " -- trailing comment",)  # comments do not count
            assert _first_difference(f, changed + recorded[1:]) is None, f.path
