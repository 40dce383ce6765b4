"""Home-grown runners name files by release: ``1.0.0-00-create-log-table-up.sql``,
``1.0.0-01-create-schema-up.sql``, ``1.10.0-00-add-y-up.sql`` (a real project's ``sql/`` directory). They
were all version ``1`` (the digits before the first dot): one version shared by every file (a collision
reported for each), and ``1.10.0`` applied before ``1.9.0`` (text order). The version is now the
release number as written, compared part by part."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.commands.replay import version_collisions
from pgconsolidate.sources.naming import parse_filename
from pgconsolidate.sources.reader import read_dir

from .helpers import migrations


def test_release_versions_in_number_order(tmp_path: Path) -> None:
    names = [
        "1.0.0-00-create-log-table-up.sql",
        "1.0.0-01-create-schema-up.sql",
        "1.0.1-00-add-x-up.sql",
        "1.10.0-00-add-y-up.sql",
        "1.9.0-00-add-z-up.sql",
        "2.0_drop_x.sql",
    ]
    d = migrations(tmp_path, {n: "SELECT 1;\n" for n in names})
    md = read_dir(d)
    assert [f.path for f in md.files] == [names[0], names[1], names[2], names[4], names[3], names[5]]
    assert [f.version for f in md.files][:2] == ["1.0.0-00", "1.0.0-01"] and md.files[-1].version == "2.0"
    assert version_collisions(md) == []


def test_plain_and_postgrator_names_unchanged() -> None:
    assert parse_filename("001.do.sql").version == "001"  # type: ignore[union-attr]
    assert parse_filename("7-add-users.sql").version == "7"  # type: ignore[union-attr]
    assert parse_filename("20240101000000_init.sql").version == "20240101000000"  # type: ignore[union-attr]
