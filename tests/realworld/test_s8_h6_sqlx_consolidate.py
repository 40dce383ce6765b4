"""atuin's server (sqlx, `<timestamp>_<name>.sql`, history in `_sqlx_migrations`): `consolidate
--database-url` read the sqlx history but wrote a history_repair.sql and a manifest for the Supabase CLI
(`supabase_migrations.schema_migrations`), so `apply` recorded the clean set in a table sqlx never reads:
sqlx's next run stopped on every archived version ('previously applied but missing'). Now the plan names
`public._sqlx_migrations`, history_repair.sql deletes the replaced versions' rows (a failed one included)
and records each clean-set file with sqlx's checksum (SHA-384 of its bytes), and `apply` leaves a history
that reconciles with the clean set."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import psycopg

from pgconsolidate.cli import run
from pgconsolidate.generate.history import generate_history_repair, history_tool, sqlx_description
from pgconsolidate.history import read_history, reconcile
from pgconsolidate.replay.runner import replay_into
from pgconsolidate.sources.reader import read_dir

from .helpers import migrations

_FILES = {
    "20210425153757_create_users.sql": "create table users (id bigserial primary key, email text);\n",
    "20220505082442_create-events.sql": "create type event_type as enum ('create', 'delete');\n"
    "create table events (id bigserial primary key, kind event_type, data bytea);\n",
    "20240621110731_user-verified.sql": "alter table users add verified_at timestamptz;\n",
}


def _sqlx_production(d: Path, url: str) -> None:
    """The files applied, then ``_sqlx_migrations`` as sqlx writes it; the middle row failed."""
    assert replay_into(url, read_dir(str(d))).ok
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE _sqlx_migrations (version bigint PRIMARY KEY, description text NOT NULL, "
            "installed_on timestamptz NOT NULL DEFAULT now(), success boolean NOT NULL, "
            "checksum bytea NOT NULL, execution_time bigint NOT NULL)"
        )
        for i, name in enumerate(sorted(_FILES)):
            version, _, rest = name.partition("_")
            conn.execute(
                "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) "
                "VALUES (%s, %s, %s, %s, 1)",
                (
                    int(version),
                    rest[:-4].replace("_", " "),
                    i != 1,
                    hashlib.sha384((d / name).read_bytes()).digest(),
                ),
            )
        conn.execute("INSERT INTO users (email) SELECT 'u' || g FROM generate_series(1, 500) g")
        conn.execute("INSERT INTO events (kind, data) VALUES ('create', '\\x00ff'), (NULL, NULL)")


def test_consolidate_and_apply_write_sqlx_history(tmp_path: Path, scratch_db: str, capsys) -> None:
    d = migrations(tmp_path, _FILES)
    _sqlx_production(d, scratch_db)
    plan, out = tmp_path / "p.toml", tmp_path / "out"
    assert run(["plan", str(d), "--database-url", scratch_db, "-o", str(plan)]) == 0
    assert 'history_table = "public._sqlx_migrations"' in plan.read_text()
    assert (
        run(["consolidate", str(d), "--plan", str(plan), "--database-url", scratch_db, "--out", str(out)])
        == 0
    )
    manifest = json.loads((out / "pgconsolidate-output.json").read_text())
    assert manifest["tool"] == "sqlx" and manifest["history_table"] == "public._sqlx_migrations"
    repair = (out / "history_repair.sql").read_text()
    assert "supabase_migrations" not in repair
    for f in sorted((out / "migrations").iterdir()):
        assert hashlib.sha384(f.read_bytes()).hexdigest() in repair, f.name
    capsys.readouterr()
    assert run(["apply", str(out), "--database-url", scratch_db, "--backup-dir", str(tmp_path / "b")]) == 0
    assert "records a failed migration: version 20220505082442" in capsys.readouterr().err
    with psycopg.connect(scratch_db) as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone() == (500,)
        assert conn.execute("SELECT data FROM events ORDER BY id").fetchall() == [(b"\x00\xff",), (None,)]
        assert conn.execute("SELECT to_regclass('supabase_migrations.schema_migrations')").fetchone() == (
            None,
        )
        rows = conn.execute("SELECT version::text, success FROM _sqlx_migrations ORDER BY version").fetchall()
    clean = read_dir(str(out / "migrations"))
    assert [r[0] for r in rows] == [f.version for f in clean.files] and all(r[1] for r in rows)
    (history,) = read_history(scratch_db)
    result = reconcile(history, clean)
    assert result.tool == "sqlx" and result.matched == len(clean.files) and result.clean, result.issues


def test_sqlx_repair_is_idempotent_and_named_by_table() -> None:
    assert history_tool("public._sqlx_migrations", "supabase") == "sqlx"
    assert history_tool("app._sqlx_migrations", "golang-migrate") == "sqlx"
    assert history_tool("supabase_migrations.schema_migrations", "supabase") == "supabase"
    assert sqlx_description("20240101000000_add_user_table.up.sql") == "add user table"
    assert sqlx_description("20240101000000_create-store.sql") == "create-store"
    text = "create table t (id int);\n"
    repair = generate_history_repair(
        "public._sqlx_migrations",
        [("20240101000000", "initial_schema")],
        ["1", "20230101000000"],
        tool="sqlx",
        scripts={"20240101000000": ("20240101000000_initial_schema.sql", text)},
    )
    assert 'DELETE FROM "public"."_sqlx_migrations" WHERE version IN (1, 20230101000000);' in repair
    assert 'DELETE FROM "public"."_sqlx_migrations" WHERE NOT success;' in repair  # any failed row
    assert hashlib.sha384(text.encode()).hexdigest() in repair
    assert "'initial schema'" in repair and "WHERE NOT EXISTS" in repair
