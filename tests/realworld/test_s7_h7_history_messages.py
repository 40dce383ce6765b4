"""A goose version whose latest row in goose_db_version is a down migration (learning-core-api's production,
version 3 rolled back) was reported as "never applied": it was applied, then rolled back, and is named so."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.history import AppliedMigration, HistoryTable, reconcile
from pgconsolidate.sources.reader import read_dir

from .helpers import migrations


def test_goose_rolled_back_version_is_said(tmp_path: Path) -> None:
    d = migrations(
        tmp_path,
        {
            f"000{i}_m{i}.sql": f"-- +goose Up\nCREATE TABLE t{i} (id int);\n-- +goose Down\n"
            for i in (1, 2, 3)
        },
    )
    history = HistoryTable(
        "goose",
        "public.goose_db_version",
        (AppliedMigration(version="1"), AppliedMigration(version="3")),
        rolled_back=("2",),
    )
    messages = [i.message for i in reconcile(history, read_dir(str(d))).issues]
    assert messages == [
        "0002_m2.sql was rolled back: the latest row of version 2 in public.goose_db_version is a down "
        "migration (is_applied false)"
    ]
