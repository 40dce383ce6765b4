"""The clean set re-creates every extension the chain created, in the same schema, before first use."""

from __future__ import annotations

from pgconsolidate.analysis.driver import analyze_dir
from pgconsolidate.generate.cleanset import (
    DumpEntry,
    ExtensionStandIn,
    build_clean_set,
    created_extensions,
)
from pgconsolidate.plan.model import Domain
from pgconsolidate.sources.model import FileName, MigrationDir, MigrationFile, Scheme

CHAIN = (
    'create extension if not exists "uuid-ossp" with schema extensions;\n'
    "create extension if not exists pgcrypto;\n"
    "create extension if not exists pg_trgm with schema extensions;\n"
    "create table notes (id uuid primary key default extensions.uuid_generate_v4());\n"
)
# the consolidated database's dump (the platform's entries too): uuid-ossp preinstalled in extensions
DUMP = """--
-- Name: uuid-ossp; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA extensions;

--
-- Name: notes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.notes (
    id uuid DEFAULT extensions.uuid_generate_v4() NOT NULL
);
"""


def _model():
    f = MigrationFile("1_init.sql", FileName("1", "init", Scheme.SUPABASE), "0", len(CHAIN), CHAIN)
    return analyze_dir(MigrationDir("d", Scheme.SUPABASE, (f,))).schema


def test_created_extensions_take_the_consolidated_schema():
    pgcrypto = ExtensionStandIn("pgcrypto", "extensions", ("extensions.digest",), create=False)
    got = created_extensions(_model(), DUMP, (pgcrypto,))
    # pg_trgm: the scratch server lacked it, nothing was built with it (reported as not proven)
    assert got == (("uuid-ossp", "extensions"), ("pgcrypto", "extensions"))


def test_clean_set_recreates_them_before_first_use():
    # the base's entries (uuid-ossp) were left out of the dump as the platform's
    entries = [
        DumpEntry("app", "SCHEMA", "-", "CREATE SCHEMA app;"),
        DumpEntry(
            "notes",
            "TABLE",
            "public",
            "CREATE TABLE public.notes (id uuid DEFAULT extensions.uuid_generate_v4());",
        ),
    ]
    domains = (Domain("tables", patterns=("*",)), Domain("extensions", kinds=("extension", "schema")))
    files = build_clean_set(
        entries,
        "",
        domains,
        ["1", "2"],
        [],
        extensions=(("uuid-ossp", "extensions"), ("pgcrypto", "extensions")),
    )
    text = "\n".join(f.text for f in files)
    create = 'CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA "extensions";'
    assert create in text
    assert 'CREATE EXTENSION IF NOT EXISTS "pgcrypto" WITH SCHEMA "extensions";' in text
    # the extensions' domain comes after the table's in this plan: they are moved to the first file
    assert files[0].domain == "tables"
    assert text.index(create) < text.index("uuid_generate_v4")


def test_an_extension_already_in_the_dump_is_not_doubled():
    entries = [
        DumpEntry("pgcrypto", "EXTENSION", "-", "CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;")
    ]
    files = build_clean_set(
        entries, "", (Domain("all", patterns=("*",)),), ["1"], [], extensions=(("pgcrypto", "public"),)
    )
    assert files[0].text.count("CREATE EXTENSION") == 1
