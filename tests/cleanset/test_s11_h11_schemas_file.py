"""The clean set's file of the default first domain (``extensions``: extensions and schemas) is named for what
it holds: ``<version>_schemas.sql`` when the project creates no extension, only schemas (it was
``<version>_extensions.sql`` holding a lone CREATE SCHEMA, seen on a goose project); the history row the
clean set gets carries the same name."""

from __future__ import annotations

from pgconsolidate.generate.cleanset import DumpEntry, build_clean_set
from pgconsolidate.generate.history import generate_history_repair
from pgconsolidate.plan.model import DEFAULT_DOMAINS, Domain

_SCHEMA = DumpEntry("app", "SCHEMA", "-", "CREATE SCHEMA app;")
_TABLE = DumpEntry("t", "TABLE", "app", "CREATE TABLE app.t (id integer);")
_EXT = DumpEntry("pgcrypto", "EXTENSION", "-", "CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA app;")


def _names(entries: list[DumpEntry], domains: tuple[Domain, ...] = DEFAULT_DOMAINS) -> list[tuple[str, str]]:
    files = build_clean_set(entries, "", domains, ["1", "2", "3"], [], tool="supabase")
    return [(f.name, f.domain) for f in files]


def test_schemas_only() -> None:
    files = build_clean_set([_SCHEMA, _TABLE], "", DEFAULT_DOMAINS, ["1", "2", "3"], [], tool="supabase")
    assert [(f.name, f.domain) for f in files] == [
        ("1_schemas.sql", "schemas"),
        ("2_initial_schema.sql", "initial_schema"),
    ]
    assert files[0].text.startswith("-- 1_schemas.sql: schemas (pgconsolidate clean set)")
    repair = generate_history_repair(
        "supabase_migrations.schema_migrations",
        [(f.version, f.domain) for f in files],
        ["0"],
        tool="supabase",
    )
    assert "'schemas'" in repair and "'extensions'" not in repair


def test_extensions_keep_their_name() -> None:
    assert _names([_SCHEMA, _EXT, _TABLE])[0] == ("1_extensions.sql", "extensions")


def test_a_plan_domain_named_schemas_is_left_alone() -> None:
    domains = (*DEFAULT_DOMAINS[:2], Domain("schemas", patterns=("app.nothing",)))
    assert _names([_SCHEMA, _TABLE], domains)[0] == ("1_extensions.sql", "extensions")
