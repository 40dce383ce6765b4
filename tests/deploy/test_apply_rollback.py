"""apply then rollback returns the database to a state whose full pg_dump is identical."""

from __future__ import annotations

from pathlib import Path

from deploy.fixture import full_dump
from pgconsolidate.db.connect import connection
from pgconsolidate.deploy.apply import ApplyOptions, apply
from pgconsolidate.deploy.rollback import rollback
from pgconsolidate.deploy.source import read_source


def test_apply_then_rollback_is_identical(prod_db: str, migrations: Path, workdir: Path) -> None:
    original = full_dump(prod_db)
    result = apply(prod_db, read_source(migrations), ApplyOptions())
    assert result.failed is None
    assert len(result.applied) == 4
    assert result.backup is not None and result.backup.manifest.verification.ok
    changed = full_dump(prod_db)
    assert changed != original
    with connection(prod_db) as conn:
        assert conn.execute("SELECT count(*) FROM supabase_migrations.schema_migrations").fetchone() == (4,)
    rb = rollback(prod_db, backup_dir=Path(".pgconsolidate/backups"))
    assert rb.problems == []
    assert rb.backup.manifest_file == result.backup.manifest_file
    assert rb.safety is not None and rb.safety.manifest.verification.ok
    assert full_dump(prod_db) == original
    # and the rollback itself can be undone with the safety backup
    rb2 = rollback(prod_db, backup_file=rb.safety.manifest_file)
    assert rb2.problems == []
    assert full_dump(prod_db) == changed
