"""Found on a Supabase project whose ``supabase/migrations`` once received drizzle-kit's output: only
``meta/_journal.json`` (listing ``0000_wealthy_calypso``, no longer there) remains next to eleven
``<timestamp>_<name>.sql`` files the Supabase CLI runs. The directory was read as drizzle-kit's: every
Supabase file was left out ("not a drizzle-kit file name") and analyze said "no migration files". A
journal none of whose migrations is in the directory, next to other migration files, no longer decides
the layout; ``meta/`` is left out with that reason. A real drizzle directory is read as before."""

from __future__ import annotations

import json
from pathlib import Path

from pgconsolidate.sources.model import Scheme
from pgconsolidate.sources.reader import read_dir

from .helpers import migrations

JOURNAL = {
    "version": "7",
    "dialect": "postgresql",
    "entries": [
        {"idx": 0, "version": "7", "when": 1732996099930, "tag": "0000_wealthy_calypso", "breakpoints": True}
    ],
}


def _with_journal(tmp_path: Path, files: dict[str, str]) -> Path:
    d = migrations(tmp_path, files, sub="supabase/migrations")
    (d / "meta").mkdir()
    (d / "meta" / "_journal.json").write_text(json.dumps(JOURNAL))
    return d


def test_stray_journal_beside_supabase_files(tmp_path: Path) -> None:
    d = _with_journal(
        tmp_path,
        {
            "20250109151204_public.sql": "create table public.post (id uuid primary key);\n",
            "20250110163014_public.sql": "alter table public.post add column title text;\n",
        },
    )
    mdir = read_dir(str(d))
    assert mdir.tool is Scheme.SUPABASE
    assert [f.path for f in mdir.files] == ["20250109151204_public.sql", "20250110163014_public.sql"]
    (meta,) = mdir.left_out
    assert meta.path == "meta/" and "none of the 1 migration(s)" in meta.reason


def test_real_drizzle_directory_unchanged(tmp_path: Path) -> None:
    d = _with_journal(tmp_path, {"0000_wealthy_calypso.sql": "CREATE TABLE post (id integer PRIMARY KEY);\n"})
    mdir = read_dir(str(d))
    assert mdir.tool is Scheme.DRIZZLE
    assert [f.path for f in mdir.files] == ["0000_wealthy_calypso.sql"]
