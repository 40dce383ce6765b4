"""ALTER DEFAULT PRIVILEGES stay statements, run first; objects get only grants the defaults do not give."""

from __future__ import annotations

from pgconsolidate.generate.cleanset import DumpEntry, build_clean_set
from pgconsolidate.plan.model import Domain

DEFAULTS = [
    DumpEntry(
        "DEFAULT PRIVILEGES FOR TABLES",
        "DEFAULT ACL",
        "app",
        "ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA app GRANT SELECT ON TABLES TO authenticated;",
    ),
    DumpEntry(
        "DEFAULT PRIVILEGES FOR FUNCTIONS",
        "DEFAULT ACL",
        "-",
        "ALTER DEFAULT PRIVILEGES FOR ROLE postgres REVOKE ALL ON FUNCTIONS FROM PUBLIC;",
    ),
]
OBJECTS = [
    DumpEntry("app", "SCHEMA", "-", "CREATE SCHEMA app;"),
    DumpEntry("things", "TABLE", "app", "CREATE TABLE app.things (id integer);"),
    DumpEntry("secret", "TABLE", "app", "CREATE TABLE app.secret (id integer);"),
    DumpEntry(
        "f()", "FUNCTION", "app", "CREATE FUNCTION app.f() RETURNS integer LANGUAGE sql AS $$select 1$$;"
    ),
    DumpEntry(
        "TABLE things",
        "ACL",
        "app",
        "GRANT SELECT ON TABLE app.things TO authenticated;\nGRANT INSERT ON TABLE app.things TO anon;",
    ),
    DumpEntry("FUNCTION f()", "ACL", "app", "REVOKE ALL ON FUNCTION app.f() FROM PUBLIC;"),
]
DOMAINS = (
    Domain("schemas", kinds=("schema", "extension")),
    Domain("tables", patterns=("*",)),
    Domain("security", kinds=("grant", "acl", "default acl")),
)


def _text() -> str:
    files = build_clean_set([*OBJECTS, *DEFAULTS], "", DOMAINS, ["1", "2", "3"], [])
    return "\n".join(f.text for f in files)


def test_default_privileges_kept_as_statements_before_the_objects():
    text = _text()
    adp = "ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA app GRANT SELECT ON TABLES TO authenticated;"
    assert adp in text
    assert "ALTER DEFAULT PRIVILEGES FOR ROLE postgres REVOKE ALL ON FUNCTIONS FROM PUBLIC;" in text
    assert text.index(adp) < text.index("CREATE TABLE IF NOT EXISTS app.things")
    assert text.index("CREATE SCHEMA IF NOT EXISTS app") < text.index(adp)


def test_only_grants_that_differ_from_the_defaults():
    text = _text()
    assert "GRANT SELECT ON TABLE app.things" not in text  # the default gives it
    assert "REVOKE ALL ON FUNCTION app.f() FROM PUBLIC" not in text  # so does the global default
    assert 'GRANT INSERT ON TABLE app.things TO "anon";' in text
    # no ACL entry: the built-in default, less than the schema's default gives
    assert 'REVOKE ALL ON TABLE "app"."secret" FROM "authenticated";' in text
    assert "pg_default_acl" not in text  # no reset blocks


def test_overloads_are_matched_to_their_acl_entries_by_argument_types():
    entries = [
        DumpEntry(
            "f(integer)", "FUNCTION", "public", "CREATE FUNCTION public.f(a integer) RETURNS integer AS 'x';"
        ),
        DumpEntry(
            "f(integer, integer)",
            "FUNCTION",
            "public",
            "CREATE FUNCTION public.f(a integer, b integer DEFAULT 1) RETURNS integer AS 'x';",
        ),
        DumpEntry(
            "FUNCTION f(a integer)",
            "ACL",
            "public",
            "REVOKE ALL ON FUNCTION public.f(a integer) FROM PUBLIC;",
        ),
        DEFAULTS[1],  # new functions: no EXECUTE for PUBLIC
    ]
    files = build_clean_set(entries, "", DOMAINS, ["1", "2", "3"], [])
    text = "\n".join(f.text for f in files)
    # f(integer) has the ACL the default gives; f(integer, integer) was made before the default: PUBLIC
    # keeps EXECUTE on it, which the clean set must grant back
    assert "public.f(a integer) FROM PUBLIC" not in text
    assert 'GRANT ALL ON FUNCTION "public"."f"(integer, integer) TO PUBLIC;' in text
    assert '"f"(integer) TO PUBLIC' not in text
