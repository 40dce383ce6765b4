"""A UNIQUE constraint on the primary key's columns (``supabase db pull`` dumps have many) was inlined into
the clean set's CREATE TABLE, where PostgreSQL silently drops it: the proof found it missing."""

from __future__ import annotations

import json
from pathlib import Path

from .helpers import consolidated, migrations


def test_unique_beside_primary_key_survives(tmp_path: Path) -> None:
    d = migrations(
        tmp_path,
        {
            "20240101000000_t.sql": (
                "CREATE TABLE public.items (id uuid NOT NULL, label text, code text);\n"
                "ALTER TABLE public.items ADD CONSTRAINT items_id_key UNIQUE (id);\n"
                "ALTER TABLE public.items ADD CONSTRAINT items_pkey PRIMARY KEY (id);\n"
                "ALTER TABLE public.items ADD CONSTRAINT items_code_key UNIQUE (code);\n"
                "ALTER TABLE public.items ADD CONSTRAINT items_code_key2 UNIQUE (code);\n"
            )
        },
    )
    out = consolidated(tmp_path, d)
    assert json.loads((out / "pgconsolidate-output.json").read_text())["verified"] is True
    clean = "".join(p.read_text() for p in sorted((out / "migrations").iterdir()))
    for name in ("items_id_key", "items_pkey", "items_code_key", "items_code_key2"):
        assert f"CONSTRAINT {name} " in clean
