"""ALTER DEFAULT PRIVILEGES: the effect carries grant/revoke, object type, privileges, grantees, FOR ROLE,
IN SCHEMA and the grant option (issue 4: every one used to be recorded as a REVOKE of nothing)."""

from __future__ import annotations

import pytest

from pgconsolidate.model.effects import statement_effects
from pgconsolidate.model.types import Action, DefaultPrivilegesDef, Effect, ObjectKind
from pgconsolidate.statements.split import split_sql

from .helpers import effects_of, schema_of

A = Action


def only(sql: str) -> tuple[Effect, DefaultPrivilegesDef]:
    effs = effects_of(sql)
    assert len(effs) == 1, effs
    e = effs[0]
    assert isinstance(e.detail, DefaultPrivilegesDef), e
    assert e.kind == ObjectKind.OTHER and e.id == "default-privileges"
    return e, e.detail


def test_grant_on_tables_in_schema_to_roles() -> None:
    e, d = only(
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT ON TABLES TO anon, authenticated;"
    )
    assert e.action == A.GRANT
    assert d == DefaultPrivilegesDef("table", ("public",), ("select", "insert"), ("anon", "authenticated"))
    assert not d.revoke and not d.grant_option and d.for_roles == ()
    assert e.uses == ("public",) and not e.cascade


@pytest.mark.parametrize(
    ("target", "object_type"),
    [
        ("TABLES", "table"),
        ("SEQUENCES", "sequence"),
        ("FUNCTIONS", "function"),
        ("ROUTINES", "function"),
        ("TYPES", "type"),
        ("SCHEMAS", "schema"),
    ],
)
def test_object_types(target: str, object_type: str) -> None:
    _e, d = only(f"ALTER DEFAULT PRIVILEGES GRANT ALL ON {target} TO app_user;")
    assert d.object_type == object_type
    assert d.privileges == ("all",) and d.grantees == ("app_user",) and d.schemas == ()


@pytest.mark.parametrize("all_form", ["ALL", "ALL PRIVILEGES"])
def test_all_is_kept_as_all_like_grant(all_form: str) -> None:
    _e, d = only(f"ALTER DEFAULT PRIVILEGES GRANT {all_form} ON FUNCTIONS TO anon;")
    assert d.privileges == ("all",)
    (g,) = effects_of(f"GRANT {all_form} ON FUNCTION f() TO anon;")
    assert g.detail.privileges == d.privileges


def test_public_grantee_and_execute_revoke() -> None:
    e, d = only("ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;")
    assert e.action == A.REVOKE
    assert d.revoke and d.object_type == "function"
    assert d.privileges == ("execute",) and d.grantees == ("public",)
    assert not d.grant_option


def test_for_role_several_roles_and_schemas_with_grant_option() -> None:
    e, d = only(
        'ALTER DEFAULT PRIVILEGES FOR ROLE postgres, "Admin Role" IN SCHEMA api, "Ext" '
        "GRANT USAGE, SELECT ON SEQUENCES TO service_role, PUBLIC WITH GRANT OPTION;"
    )
    assert e.action == A.GRANT
    assert d.for_roles == ("postgres", "Admin Role")
    assert d.schemas == ("api", "Ext")
    assert d.privileges == ("usage", "select")
    assert d.grantees == ("service_role", "public")
    assert d.grant_option and not d.revoke
    assert e.uses == ("api", "Ext")


def test_for_user_and_current_user_grantee() -> None:
    _e, d = only("ALTER DEFAULT PRIVILEGES FOR USER owner GRANT USAGE ON TYPES TO CURRENT_USER;")
    assert d.for_roles == ("owner",) and d.object_type == "type"
    assert d.grantees == ("current_user",) and d.privileges == ("usage",)


def test_revoke_grant_option_for_cascade() -> None:
    e, d = only(
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        "REVOKE GRANT OPTION FOR SELECT ON TABLES FROM authenticated CASCADE;"
    )
    assert e.action == A.REVOKE and d.revoke
    assert d.grant_option  # only the grant option is revoked
    assert d.privileges == ("select",) and d.grantees == ("authenticated",)
    assert e.cascade


def test_revoke_all_from_several_roles() -> None:
    e, d = only("ALTER DEFAULT PRIVILEGES REVOKE ALL ON TABLES FROM anon, authenticated RESTRICT;")
    assert e.action == A.REVOKE and d.revoke
    assert d.privileges == ("all",) and d.grantees == ("anon", "authenticated")
    assert not e.cascade


def test_statement_effects_directly() -> None:
    fs = split_sql("x.sql", "ALTER DEFAULT PRIVILEGES GRANT CREATE ON SCHEMAS TO deployer;")
    (st,) = fs.statements
    (e,) = statement_effects(st)
    assert e.action == A.GRANT and e.ref.file == "x.sql" and e.ref.line == 1
    assert e.detail == DefaultPrivilegesDef("schema", (), ("create",), ("deployer",))


def test_fold_keeps_default_privileges_in_order_and_out_of_grants() -> None:
    schema = schema_of(
        "create table t (id int);\n"
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO anon;\n"
        "grant select on t to authenticated;\n",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM anon;\n"
        "ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;\n",
    )
    dps = schema.default_privileges
    assert [(e.action, e.ref.file, e.ref.line) for e in dps] == [
        (A.GRANT, "1.sql", 2),
        (A.REVOKE, "2.sql", 1),
        (A.REVOKE, "2.sql", 2),
    ]
    details = [e.detail for e in dps]
    assert all(isinstance(d, DefaultPrivilegesDef) for d in details)
    assert [(d.object_type, d.revoke, d.grantees) for d in details] == [
        ("table", False, ("anon",)),
        ("table", True, ("anon",)),
        ("function", True, ("public",)),
    ]
    # default privileges are not grants on an object: they do not touch existing objects' privileges
    assert [e.id for e in schema.grants] == ["public.t"]
    assert ("public.t", "anon") not in schema.privileges
    assert schema.privileges[("public.t", "authenticated")] == frozenset({"select"})
    assert "default-privileges" not in schema.objects


def test_supabase_style_defaults_match_the_rules_derivation() -> None:
    """The model's effects agree with what the rules derive from the statements themselves."""
    from pgconsolidate.rules.privileges import default_privileges

    sql = (
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO anon, service_role;\n"
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS TO anon, authenticated;\n"
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE EXECUTE ON FUNCTIONS FROM anon;\n"
    )
    fs = split_sql("1.sql", sql)
    model = [e.detail for e in effects_of(sql, "1.sql")]
    rules = [e.detail for e in default_privileges([fs])]
    assert len(model) == len(rules) == 3
    for m, r in zip(model, rules, strict=True):
        assert isinstance(m, DefaultPrivilegesDef) and isinstance(r, DefaultPrivilegesDef)
        assert (m.object_type, m.schemas, m.privileges, m.grantees, m.revoke) == (
            r.object_type,
            r.schemas,
            r.privileges,
            r.grantees,
            r.revoke,
        )


def test_revoke_grant_option_for_keeps_the_privilege_in_the_fold() -> None:
    """``REVOKE GRANT OPTION FOR`` takes away only the right to pass the privilege on."""
    schema = schema_of(
        "create table t (id int);\n"
        "grant select, insert on t to app with grant option;\n"
        "revoke grant option for select on t from app;\n"
        "revoke insert on t from app;\n"
    )
    assert schema.privileges[("public.t", "app")] == frozenset({"select"})
