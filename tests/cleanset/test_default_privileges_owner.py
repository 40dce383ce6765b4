"""Default privileges that name the owner of the new objects, modelled as PostgreSQL merges them
(``get_user_default_acl``): a global entry starts from the built-in default, owner included; a schema's
entry starts empty and only adds to the global one; an empty result means the built-in default. Checked
against the real server's ACLs, then end to end: each directory consolidated and proved equivalent."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgconsolidate.db.connect import connection
from pgconsolidate.generate.cleanset import DefaultPrivileges, _defaults_of, split_dump
from pgconsolidate.plan.toml_write import write_plan
from pgconsolidate.verify.dump import dump_schema
from pgconsolidate.verify.pipeline import consolidate, make_plan, verify_outdir

ADP = "ALTER DEFAULT PRIVILEGES FOR ROLE postgres"
# pg_monitor: a predefined role, present on every server (no role to create on the shared cluster)
MODEL_CASES = {
    "schema grants the owner all": f"{ADP} IN SCHEMA s GRANT ALL ON TABLES TO postgres;",
    "schema grants the owner an option": (
        f"{ADP} IN SCHEMA s GRANT SELECT ON TABLES TO postgres WITH GRANT OPTION;"
    ),
    "global revokes all from the owner": f"{ADP} REVOKE ALL ON TABLES FROM postgres;",
    "global revokes one from the owner": f"{ADP} REVOKE SELECT ON TABLES FROM postgres;",
    "schema revokes from the owner": f"{ADP} IN SCHEMA s REVOKE ALL ON TABLES FROM postgres;",
    "global empty, schema grants the owner": (
        f"{ADP} REVOKE ALL ON TABLES FROM postgres; {ADP} IN SCHEMA s GRANT SELECT ON TABLES TO postgres;"
    ),
    "schema revoke leaves a global grant": (
        f"{ADP} GRANT SELECT ON TABLES TO pg_monitor;"
        f" {ADP} IN SCHEMA s REVOKE SELECT ON TABLES FROM pg_monitor;"
    ),
    "schema revoke takes back its own grant": (
        f"{ADP} IN SCHEMA s GRANT SELECT, UPDATE ON TABLES TO pg_monitor;"
        f" {ADP} IN SCHEMA s REVOKE SELECT ON TABLES FROM pg_monitor;"
    ),
    "functions: global revokes from the owner": f"{ADP} REVOKE EXECUTE ON FUNCTIONS FROM postgres;",
    "functions: global empty is the built-in default": (
        f"{ADP} REVOKE ALL ON FUNCTIONS FROM postgres; {ADP} REVOKE ALL ON FUNCTIONS FROM PUBLIC;"
    ),
    "functions: schema grants the owner an option": (
        f"{ADP} IN SCHEMA s GRANT EXECUTE ON FUNCTIONS TO postgres WITH GRANT OPTION;"
    ),
    "sequences: global revokes all from the owner, grants one": (
        f"{ADP} REVOKE ALL ON SEQUENCES FROM postgres; {ADP} GRANT SELECT ON SEQUENCES TO postgres;"
    ),
    "sequences: schema grants the owner": f"{ADP} IN SCHEMA s GRANT USAGE ON SEQUENCES TO postgres;",
}
OBJECTS = (
    "CREATE TABLE s.t (id int); CREATE TABLE public.t (id int);"
    " CREATE SEQUENCE s.q; CREATE SEQUENCE public.q;"
    " CREATE FUNCTION s.f() RETURNS int LANGUAGE sql AS 'select 1';"
    " CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'select 1';"
)
ACLS = """
SELECT n.nspname, o.kind, a.grantee, a.privilege_type, a.is_grantable
FROM (SELECT relnamespace, CASE relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
             COALESCE(relacl,
                      pg_catalog.acldefault((CASE relkind WHEN 'S' THEN 's' ELSE 'r' END)::"char", relowner))
      FROM pg_catalog.pg_class WHERE relkind IN ('r', 'S')
      UNION ALL
      SELECT pronamespace, 'FUNCTION', COALESCE(proacl, pg_catalog.acldefault('f'::"char", proowner))
      FROM pg_catalog.pg_proc) AS o(nsp, kind, acl)
JOIN pg_catalog.pg_namespace n ON n.oid = o.nsp AND n.nspname IN ('s', 'public'),
LATERAL pg_catalog.aclexplode(o.acl) a
"""


@pytest.mark.parametrize("defaults", MODEL_CASES.values(), ids=MODEL_CASES.keys())
def test_model_gives_what_the_server_gives(scratch_db: str, defaults: str) -> None:
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA s; {defaults} {OBJECTS}".encode())
        real: dict[tuple[str, str], dict[str, dict[str, bool]]] = {}
        for nsp, kind, grantee, priv, option in conn.execute(
            ACLS.replace("a.grantee", "CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END")
        ):
            real.setdefault((nsp, kind), {}).setdefault(grantee, {})[priv] = option
    model = DefaultPrivileges(_defaults_of(split_dump(dump_schema(scratch_db))))
    if model.role is None:  # no entry left (a schema's REVOKE of nothing): the owner is not modelled
        assert "IN SCHEMA s REVOKE" in defaults
        real = {k: {g: p for g, p in acl.items() if g != "postgres"} for k, acl in real.items()}
    else:
        assert model.role == "postgres"
    for (nsp, kind), acl in real.items():
        assert model.given(kind, nsp) == acl, (nsp, kind)


# --- end to end ---------------------------------------------------------------------------------------

DIRECTORIES = {
    "owner in a schema's GRANT ALL (the regression)": (
        f"{ADP} IN SCHEMA public GRANT ALL ON TABLES TO postgres;\n"
        "CREATE TABLE public.t (id int PRIMARY KEY);\n"
    ),
    "owner WITH GRANT OPTION": (
        "CREATE TABLE public.before (id int);\n"
        f"{ADP} IN SCHEMA public GRANT SELECT ON TABLES TO postgres WITH GRANT OPTION;\n"
        "CREATE TABLE public.after (id int);\n"
    ),
    "owner in a REVOKE": (
        "CREATE SCHEMA app;\n"
        "CREATE TABLE public.before (id int);\n"
        f"{ADP} REVOKE ALL ON TABLES FROM postgres;\n"
        "CREATE TABLE public.plain (id int);\n"  # an empty global entry: the built-in default
        f"{ADP} IN SCHEMA app GRANT SELECT ON TABLES TO postgres;\n"
        "CREATE TABLE app.only_select (id int);\n"
        f"{ADP} IN SCHEMA public REVOKE ALL ON TABLES FROM postgres;\n"  # changes nothing
        "CREATE TABLE public.last (id int);\n"
    ),
    "functions and sequences": (
        "CREATE SCHEMA app;\n"
        "CREATE FUNCTION public.f0() RETURNS int LANGUAGE sql AS 'select 0';\n"
        f"{ADP} REVOKE EXECUTE ON FUNCTIONS FROM postgres;\n"
        "CREATE FUNCTION public.f1() RETURNS int LANGUAGE sql AS 'select 1';\n"
        f"{ADP} IN SCHEMA app GRANT EXECUTE ON FUNCTIONS TO postgres WITH GRANT OPTION;\n"
        "CREATE FUNCTION app.f2() RETURNS int LANGUAGE sql AS 'select 2';\n"
        f"{ADP} REVOKE ALL ON FUNCTIONS FROM PUBLIC;\n"  # the global entry is now empty
        "CREATE FUNCTION public.f3() RETURNS int LANGUAGE sql AS 'select 3';\n"
        "CREATE SEQUENCE public.q0;\n"
        f"{ADP} REVOKE UPDATE ON SEQUENCES FROM postgres;\n"
        f"{ADP} IN SCHEMA public GRANT USAGE ON SEQUENCES TO postgres WITH GRANT OPTION;\n"
        "CREATE SEQUENCE public.q1;\n"
        "CREATE TABLE public.counted (id bigserial PRIMARY KEY);\n"
    ),
}


@pytest.mark.parametrize("migration", DIRECTORIES.values(), ids=DIRECTORIES.keys())
def test_consolidated_and_proved_equivalent(tmp_path: Path, migration: str) -> None:
    src = tmp_path / "migrations"
    src.mkdir()
    (src / "20240101000000_defaults.sql").write_text(migration)
    (tmp_path / "plan.toml").write_text(write_plan(make_plan(str(src), None)))
    out = tmp_path / "out"
    res = consolidate(str(src), tmp_path / "plan.toml", out)
    assert res.differences == [] and res.second_run_differences == []
    ver = verify_outdir(out)
    assert ver["ok"], ver
    clean = "\n".join(p.read_text() for p in sorted((out / "migrations").glob("*.sql")))
    if "GRANT ALL ON TABLES TO postgres;\nCREATE TABLE public.t" in migration:
        # the owner already holds everything: no grant or revoke for the table at all
        assert "ON TABLE " not in clean and "ALL ON TABLES TO postgres" in clean
