"""A consolidate output (the generated fix and history repair) applied by a role that owns every table but
lacks exactly one right the fix needs (INSERT on a merge target: an owner's privilege can be revoked):
``apply`` refuses before the backup and the lock, exit 2, naming the right, the table and the fix's
file:line; nothing changed. With the right back, ``apply --dry-run`` lets it through (no false refusal on
the real fix)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from consolidate.helpers import TWIN_DATA, TWIN_SCHEMA
from pgconsolidate.catalog.reader import read_snapshot
from pgconsolidate.cli import run
from pgconsolidate.generate.fix import generate_fix
from pgconsolidate.generate.history import generate_history_repair
from pgconsolidate.plan.model import Plan
from pgconsolidate.plan.propose import propose_definers, propose_embeddings, propose_indexes, propose_merges
from pgconsolidate.sources.model import MigrationDir, Scheme
from pgconsolidate.verify.facts import read_facts


@pytest.fixture
def owner(scratch_db: str) -> Iterator[tuple[str, str]]:
    """(URL, role) of a role that made (and owns) the twins' tables; the superuser made the extension and
    the history table."""
    role = f"pgc_s9h8f_{secrets.token_hex(4)}"
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN")
        conn.execute(f"GRANT CREATE ON DATABASE {conn.info.dbname} TO {role}")
        conn.execute(f"GRANT CREATE ON SCHEMA public TO {role}")
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        conn.execute("CREATE SCHEMA supabase_migrations")
        conn.execute(
            "CREATE TABLE supabase_migrations.schema_migrations (version text PRIMARY KEY, name text)"
        )
        conn.execute(f"GRANT USAGE, CREATE ON SCHEMA supabase_migrations TO {role}")
        conn.execute(f"GRANT SELECT, INSERT, DELETE ON supabase_migrations.schema_migrations TO {role}")
    url = make_conninfo(scratch_db, user=role)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(TWIN_SCHEMA.encode())
        conn.execute(TWIN_DATA.encode())
    try:
        yield url, role
    finally:
        with psycopg.connect(scratch_db, autocommit=True) as conn:
            conn.execute(f"DROP OWNED BY {role} CASCADE")
            conn.execute(f"DROP ROLE {role}")


def _output(url: str, out: Path) -> Path:
    snap, facts = read_snapshot(url), read_facts(url)
    merges = propose_merges(snap, facts)
    emb = propose_embeddings(MigrationDir("x", Scheme.SUPABASE, ()), snap, facts, merges)
    plan = Plan(
        "x",
        "supabase",
        (),
        merges=tuple(merges),
        embeddings=tuple(emb),
        definers=tuple(propose_definers(snap, facts, set())),
        indexes=tuple(propose_indexes(snap, emb, {m.source for m in merges}, facts)),
    )
    assert [(m.source, m.target) for m in merges] == [("public.ai_notes", "public.notes")]
    out.mkdir()
    fix = out / "20990101000000_consolidation_fix.sql"
    fix.write_text(generate_fix(plan, snap, stamp="20990101000000"), encoding="utf-8")
    history = generate_history_repair(
        "supabase_migrations.schema_migrations", [("20990101000001", "a")], ["1"]
    )
    (out / "history_repair.sql").write_text(history, encoding="utf-8")
    return fix


def test_the_fix_is_refused_for_the_one_right_it_lacks(
    owner: tuple[str, str], scratch_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    url, role = owner
    monkeypatch.chdir(tmp_path)
    fix = _output(url, tmp_path / "out")
    insert_line = next(
        n
        for n, line in enumerate(fix.read_text().splitlines(), 1)
        if line.startswith('INSERT INTO "public"."notes"')
    )
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute(f"REVOKE INSERT ON public.notes FROM {role}")
        before = conn.execute("SELECT count(*) FROM public.notes").fetchone()
    capsys.readouterr()
    code = run(["apply", str(tmp_path / "out"), "--database-url", url])
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert code == 2
    assert f"{fix.name}:{insert_line}: role '{role}' lacks INSERT on column 'notes.id'" in last, last
    assert "(needed by INSERT)" in last and "nothing was backed up or changed" in last
    assert not (tmp_path / ".pgconsolidate").exists()  # no backup
    with psycopg.connect(scratch_db) as conn:
        assert conn.execute("SELECT count(*) FROM public.notes").fetchone() == before
        assert conn.execute("SELECT to_regclass('public.ai_notes') IS NOT NULL").fetchone() == (True,)
    # the dry run refuses alike
    code = run(["apply", str(tmp_path / "out"), "--database-url", url, "--dry-run", "--format", "json"])
    assert code == 2 and "lacks INSERT on column 'notes.id'" in json.loads(capsys.readouterr().out)["refused"]
    # the right back: nothing refused on the real fix
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute(f"GRANT INSERT ON public.notes TO {role}")
    code = run(["apply", str(tmp_path / "out"), "--database-url", url, "--dry-run", "--format", "json"])
    assert code == 0, capsys.readouterr()
    assert json.loads(capsys.readouterr().out)["refused"] is None
