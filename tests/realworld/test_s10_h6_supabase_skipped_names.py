"""Found on Supabase projects edited by several tools: Lovable names its files
``20250615031616-<uuid>.sql`` (a hyphen after the digits), others are plain ``0007.sql``. The Supabase
CLI runs only names matching ``^\\d+_.*\\.sql$`` and skips the others ("Skipping migration ... file name must
match pattern"): ``supabase db reset`` and ``db push`` never run them. In a directory that also holds
``<digits>_<name>.sql`` files, such a file was replayed as a migration; it is now left out with that
reason. A directory where no file has the CLI's pattern (every file named by Lovable) is read as before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgconsolidate.cli import run
from pgconsolidate.sources.reader import read_dir

from .helpers import migrations


def test_mixed_directory_leaves_out_what_the_cli_skips(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = migrations(
        tmp_path,
        {
            "20240101000000_init.sql": "create table public.a (id int primary key);\n",
            "20240102000000-3f2b9c1e-0000-4000-8000-000000000000.sql": "create table public.b (id int);\n",
            "0007.sql": "create table public.c (id int);\n",
            "20240103000000_more.sql": "create table public.d (id int primary key);\n",
        },
        sub="supabase/migrations",
    )
    mdir = read_dir(str(d))
    assert [f.path for f in mdir.files] == ["20240101000000_init.sql", "20240103000000_more.sql"]
    why = {lo.path: lo.reason for lo in mdir.left_out}
    assert set(why) == {"20240102000000-3f2b9c1e-0000-4000-8000-000000000000.sql", "0007.sql"}
    assert all("the Supabase CLI skips it" in r for r in why.values())
    assert run(["replay", str(d), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [f["file"] for f in doc["files"]] == ["20240101000000_init.sql", "20240103000000_more.sql"]


def test_all_hyphen_directory_is_read(tmp_path: Path) -> None:
    d = migrations(
        tmp_path,
        {
            "20250615031616-f028ade1-fc22-4932-a649-bfcfd19ec959.sql": "create table public.a (id int);\n",
            "20250615031855-4f4aa32c-2fc3-4101-ba08-fb7c79cfaf88.sql": "create table public.b (id int);\n",
        },
        sub="supabase/migrations",
    )
    mdir = read_dir(str(d))
    assert len(mdir.files) == 2 and not mdir.left_out
