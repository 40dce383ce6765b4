"""A project with its own text search configuration (a copy of `simple` with English stemming for
words, used by a full-text index) could not be consolidated: the clean set, run twice to prove it
idempotent, failed with 'duplicate key value violates unique constraint "pg_ts_config_cfgname_index"'
(PostgreSQL reports a text search configuration, dictionary or mapping that is already there as
unique_violation, which the clean set's guard did not take for "already exists")."""

from __future__ import annotations

from pathlib import Path

from .helpers import consolidated, migrations


def test_text_search_configuration_is_consolidated(tmp_path: Path) -> None:
    d = migrations(
        tmp_path,
        {
            "000001_docs.up.sql": "CREATE TABLE docs (id int PRIMARY KEY, body text);\n"
            "CREATE TEXT SEARCH DICTIONARY public.simple_nostop (TEMPLATE = simple);\n"
            "CREATE TEXT SEARCH CONFIGURATION public.simple_en (COPY = simple);\n"
            "ALTER TEXT SEARCH CONFIGURATION public.simple_en\n"
            "  ALTER MAPPING FOR asciiword WITH english_stem;\n"
            "CREATE INDEX docs_fts ON docs USING gin (to_tsvector('public.simple_en'::regconfig, body));\n",
            "000002_title.up.sql": "ALTER TABLE docs ADD COLUMN title text;\n",
        },
    )
    out = consolidated(tmp_path, d)  # the clean set replayed twice: it would fail here
    clean = "".join(p.read_text() for p in (out / "migrations").iterdir())
    assert "CREATE TEXT SEARCH CONFIGURATION public.simple_en" in clean
    assert "CREATE TEXT SEARCH DICTIONARY public.simple_nostop" in clean
    assert "OR unique_violation" in clean and "docs_fts" in clean
