"""What the history reconciliation says, checked against each tool's behaviour (atuin/sqlx, cal.com/
Prisma): a file whose sqlx row failed was 'never applied ... sqlx applies it on its next run' (sqlx
stops on it instead); a failed Prisma row said 'run the tool's repair' (Prisma's is `migrate resolve`);
an older file Prisma never applied said 'the tool skips or refuses it' (`migrate deploy` applies it)."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.history import reconcile
from pgconsolidate.history.model import FAILED, NEVER_APPLIED, AppliedMigration, HistoryTable
from pgconsolidate.sources.reader import read_dir

from .helpers import migrations

_FILES = {f"2024010{i}000000_step{i}.sql": f"CREATE TABLE t{i} (id int);\n" for i in range(1, 5)}


def _versions(*skip: int) -> list[str]:
    return [f"2024010{i}000000" for i in range(1, 5) if i not in skip]


def test_failed_sqlx_row_is_said_once(tmp_path: Path) -> None:
    d = migrations(tmp_path, _FILES)
    rows = [AppliedMigration(v, success=True) for v in _versions(3)]
    rows.append(AppliedMigration("20240103000000", name="step3", success=False))
    rec = reconcile(HistoryTable("sqlx", "public._sqlx_migrations", tuple(rows)), read_dir(str(d)))
    assert [i.kind for i in rec.issues] == [FAILED, NEVER_APPLIED], rec.issues
    assert "sqlx stops on it" in rec.issues[0].message
    assert "its attempt failed" in rec.issues[1].message
    assert "applies it on its next run" not in rec.issues[1].message


def test_prisma_texts(tmp_path: Path) -> None:
    d = tmp_path / "prisma"
    for name, text in _FILES.items():
        (d / name.removesuffix(".sql")).mkdir(parents=True)
        (d / name.removesuffix(".sql") / "migration.sql").write_text(text)
    rows = [AppliedMigration(v, success=True) for v in _versions(2)]
    rows.append(
        AppliedMigration("20240105000000", name="broken", script="20240105000000_broken", success=False)
    )
    rec = reconcile(HistoryTable("prisma", "public._prisma_migrations", tuple(rows)), read_dir(str(d)))
    kinds = {i.kind: i.message for i in rec.issues}
    assert "prisma migrate resolve --rolled-back" in kinds[FAILED]
    assert "prisma migrate deploy applies it on its next run" in kinds[NEVER_APPLIED]
    assert "skips or refuses" not in kinds[NEVER_APPLIED]
