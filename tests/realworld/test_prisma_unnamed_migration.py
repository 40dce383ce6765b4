"""A Prisma migration made without a name is a directory ``<timestamp>_`` (Samagra-Development/templater:
``20220722062227_/migration.sql`` creates every table). It was left out as 'no <timestamp>_ prefix', so the
later migrations failed on tables it creates."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.sources.layouts import prisma_dir_name
from pgconsolidate.sources.reader import read_dir


def test_unnamed_prisma_directory_is_a_migration(tmp_path: Path) -> None:
    root = tmp_path / "migrations"
    for name, sql in {
        "20220722062227_": 'CREATE TABLE "Template" (id bigint PRIMARY KEY, tag text[]);\n',
        "20230702111112_init": 'CREATE INDEX "Template_tag_idx" ON "Template"("tag");\n',
    }.items():
        (root / name).mkdir(parents=True)
        (root / name / "migration.sql").write_text(sql)
    (root / "migration_lock.toml").write_text('provider = "postgresql"\n')
    mdir = read_dir(root)
    paths = [f.path for f in mdir.files]
    assert paths == ["20220722062227_/migration.sql", "20230702111112_init/migration.sql"]
    assert [lo.path for lo in mdir.left_out] == ["migration_lock.toml"]
    name = prisma_dir_name("20220722062227_")
    assert name is not None and name.version == "20220722062227" and name.name == ""
