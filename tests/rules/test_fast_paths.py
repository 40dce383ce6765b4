"""The rules' shortcuts (prefilters, lazily built definitions, counts in C) find what the full checks find.

Each case exercises the branch a shortcut takes or skips: a call word that is not a call, a rename into
a name followed by a plain CREATE, a definition compared after ALTERs were folded into it, objects a
file defines again in a later file.
"""

from __future__ import annotations

import pytest

from pgconsolidate.model.types import Action, Effect, ObjectKind, ObjectState, SourceRef
from pgconsolidate.rules.privileges import function_execute
from pgconsolidate.rules.registry import RuleContext, Silencer

CASES = [
    # missing-extension: a call word must be followed by a call
    (
        "missing-extension",
        {"1_a.sql": "create table t (id int, similarity double precision, crypt_key text);"},
        [],
    ),
    (
        "missing-extension",
        {"1_a.sql": "create table t (id uuid default extensions.uuid_generate_v4 ());"},
        [("1_a.sql", 1, "uuid-ossp")],
    ),
    (
        "missing-extension",
        {"1_a.sql": "select cron.schedule('x', '* * * * *', 'select 1');"},
        [("1_a.sql", 1, "pg_cron")],
    ),
    (
        "missing-extension",
        {
            "1_a.sql": "create extension if not exists pg_trgm;",
            "2_b.sql": "select similarity('a', 'b');\ncreate index i on t using gin (x gin_trgm_ops);",
        },
        [],
    ),
    (
        "missing-extension",
        {"1_a.sql": "create table t (x text);\n\ncreate index i on t using gin (x gin_trgm_ops);"},
        [("1_a.sql", 3, "pg_trgm")],
    ),
    # duplicate-create: a rename into a name, then a plain CREATE of that name
    (
        "duplicate-create",
        {
            "1_a.sql": "create table a (id int);",
            "2_b.sql": "alter table a rename to b;",
            "3_c.sql": "create table b (id int);",
        },
        [("3_c.sql", 1, "public.b")],
    ),
    ("duplicate-create", {"1_a.sql": "create table a (id int);", "2_b.sql": "create table b (id int);"}, []),
    # variant-files: two objects of an earlier file defined again; dropped first: a deliberate change
    (
        "variant-files",
        {
            "1_a.sql": "create or replace function f() returns int language sql as $$select 1$$;\n"
            "create or replace function g() returns int language sql as $$select 2$$;",
            "2_b.sql": "create or replace function f() returns int language sql as $$select 3$$;\n"
            "create or replace function g() returns int language sql as $$select 4$$;",
        },
        [("2_b.sql", 0, "1_a.sql")],
    ),
    (
        "variant-files",
        {
            "1_a.sql": "create table t (id int);\ncreate table u (id int);",
            "2_b.sql": "drop table t;\ndrop table u;\ncreate table t (id int);\ncreate table u (id int);",
        },
        [],
    ),
    # unindexed-foreign-key: one-column keys compared directly, several columns as sets
    (
        "unindexed-foreign-key",
        {
            "1_a.sql": "create table p (id int primary key, k int, unique (id, k));\n"
            "create table c (id int primary key, p_id int references p (id));\n"
            "create index c_p on c (p_id, id);",
        },
        [],
    ),
    (
        "unindexed-foreign-key",
        {
            "1_a.sql": "create table p (id int, k int, primary key (id, k));\n"
            "create table c (id int primary key, a int, b int, foreign key (b, a) references p (id, k));\n"
            "create index c_ab on c (a, b);",
        },
        [],
    ),
    (
        "unindexed-foreign-key",
        {
            "1_a.sql": "create table p (id int, k int, primary key (id, k));\n"
            "create table c (id int primary key, a int, b int, foreign key (b, a) references p (id, k));\n"
            "create index c_a on c (a, id);",
        },
        [("1_a.sql", 2, "public.c.b")],
    ),
    # non-idempotent: the text prefilters (no ADD, a guarded ADD, OR REPLACE spelled several ways, a
    # non-ASCII text) say only what the parse tree says
    (
        "non-idempotent",
        {
            "1_a.sql": "create table if not exists t (id int);\n"
            "alter table t enable row level security;\n"
            "alter table t add column if not exists a int;\n"
            "ALTER TABLE t ADD COLUMN b int;\n"
            "alter table t add c int, add column if not exists d int;\n"
            'alter table "tä" add column e int;\n'
            "create or replace function f() returns int language sql as $$select 1$$;\n"
            "CREATE  OR\n REPLACE FUNCTION g() returns int language sql as $$select 1$$;\n"
            "create function h() returns int language sql as $$select 1$$;\n"
            "create table if   not\texists u (id int);\n"
            "create index if not exists i on t (a);\n"
            "create index j on t (b);",
        },
        [
            ("1_a.sql", 4, "public.t.b"),
            ("1_a.sql", 5, "public.t.c"),
            ("1_a.sql", 6, "public.tä.e"),
            ("1_a.sql", 10, "public.h()"),
            ("1_a.sql", 13, "public.j"),
        ],
    ),
    # dimensionless-vector-index: a column's types are replayed only when one of them lacks dimensions
    (
        "dimensionless-vector-index",
        {
            "1_a.sql": "create table t (id int, e vector(3), f vector(3));\n"
            "create index t_e on t using hnsw (e vector_cosine_ops);\n"
            "alter table t alter column e type vector;\n"
            "create index t_e2 on t using HNSW (e vector_cosine_ops);\n"
            "create index t_f on t using hnsw (f vector_cosine_ops);\n"
            "create index t_e3 on t using btree (e);",
        },
        [("1_a.sql", 4, "public.t_e2")],
    ),
    # concurrently-in-transaction: the tool is asked only about a file with such a statement
    (
        "concurrently-in-transaction",
        {
            "1_a.sql": "create table t (a int);\ncreate index i on t (a);",
            "2_b.sql": "begin;\ncreate index concurrently j on t (a);\ncommit;",
        },
        [("2_b.sql", 2, "public.j")],
    ),
    # drop-missing: ALTER TABLE without the word DROP is passed over; with it, read
    (
        "drop-missing",
        {
            "1_a.sql": "create table t (a int, b int);\nalter table t add column c int;\n"
            "alter table t drop column b;\nalter table t drop column if exists c;",
        },
        [("1_a.sql", 3, "public.t.b")],
    ),
    # version-collision and mixed-version-schemes: the usual directory has neither
    ("version-collision", {"1_a.sql": "select 1;", "2_b.sql": "select 2;"}, []),
    (
        "version-collision",
        {"1_a.sql": "select 1;", "1_b.sql": "select 2;"},
        [("1_a.sql", 0, "1"), ("1_b.sql", 0, "1")],
    ),
    ("mixed-version-schemes", {"1_a.sql": "select 1;", "2_b.sql": "select 2;"}, []),
]


@pytest.mark.parametrize(("rule", "files", "expected"), CASES)
def test_fast_path_cases(check, rule, files, expected):
    found = check(rule, files)
    got = sorted((f.location.file, f.location.line, f.objects[0] if f.objects else "") for f in found)
    assert got == sorted(expected)


def test_redefinition_compares_the_definition_after_its_alters(check):
    definer = "create or replace function f(a text) returns int language sql as $$select 1$$;"
    files = {
        "1_a.sql": definer,
        "2_b.sql": "alter function f(text) security definer;\nalter function f(text) stable;",
        "3_c.sql": definer,
    }
    (f,) = check("conflicting-redefinition", files)
    assert "security definer → invoker" in f.message and "volatility STABLE → VOLATILE" in f.message
    assert "body" not in f.message.split("differs in:")[1]


def test_overloads_live_and_dropped(check):
    one = "create or replace function f(a text) returns int language sql as $$select 1$$;"
    two = "create or replace function f(a text, b text default '') returns int language sql as $$select 2$$;"
    (live,) = check("overload-ambiguity", {"1_a.sql": one, "2_b.sql": two})
    assert live.severity.value == "error"
    dropped = {"1_a.sql": one, "2_b.sql": two, "3_c.sql": "drop function f(text);"}
    (gone,) = check("overload-ambiguity", dropped)
    assert gone.severity.value == "warning" and "until one of them is dropped" in gone.message


def test_ignore_comments_still_silence(check):
    files = {
        "1_a.sql": "create table t (x text);\n\n"
        "-- pgconsolidate: ignore non-idempotent\n"
        "create table u (x text);",
        "2_b.sql": "create table v (x text);",
    }
    found = check("non-idempotent", files)
    assert sorted((f.location.file, f.location.line) for f in found) == [("1_a.sql", 1), ("2_b.sql", 1)]


def test_silencer_is_built_once_per_context():
    from pgconsolidate.sources.model import MigrationDir, Scheme

    ctx = RuleContext(mdir=MigrationDir(root=".", tool=Scheme.SUPABASE, files=()), files=())
    assert ctx.silencer is ctx.silencer
    assert isinstance(ctx.silencer, Silencer) and not ctx.silencer.by_file and not ctx.silencer.file_wide


def test_function_execute_follows_grants_and_revokes_in_order():
    from pgconsolidate.model.types import GrantDef

    def grant(line: int, roles: tuple[str, ...], revoke: bool = False) -> Effect:
        detail = GrantDef(ObjectKind.FUNCTION, "public.f()", ("execute",), roles, revoke=revoke)
        action = Action.REVOKE if revoke else Action.GRANT
        return Effect(action, ObjectKind.FUNCTION, "public.f()", SourceRef("1_a.sql", line, 1, line), detail)

    create = Effect(Action.CREATE, ObjectKind.FUNCTION, "public.f()", SourceRef("1_a.sql", 1, 1, 0))
    events = (create, grant(3, ("anon",)), grant(2, ("public",), revoke=True))
    fn = ObjectState("public.f()", ObjectKind.FUNCTION, None, True, events)
    privs = function_execute(fn, (), {"1_a.sql": 0})
    # the revoke (line 2) runs before the grant (line 3)
    assert privs.roles == frozenset({"anon"}) and privs.revoked_from == frozenset({"PUBLIC"})
    assert [loc.line for loc in privs.grants] == [3] and [loc.line for loc in privs.revokes] == [2]


def test_altered_definition_equals_dataclasses_replace():
    import dataclasses

    from pgconsolidate.model.types import Change, FunctionDef
    from pgconsolidate.rules.function_history import _altered

    d = FunctionDef("public", "f", config=(("search_path", "public"), ("work_mem", "1MB")), body="select 1")
    assert _altered(d, Change("add_config", ("search_path", "''"))) == dataclasses.replace(
        d, config=(("work_mem", "1MB"), ("search_path", "''"))
    )
    assert _altered(d, Change("reset_config", "work_mem")) == dataclasses.replace(
        d, config=(("search_path", "public"),)
    )
    for attr, value in (("security_definer", True), ("volatility", "stable"), ("owner", "postgres")):
        assert _altered(d, Change(attr, value)) == dataclasses.replace(d, **{attr: value})
    assert _altered(d, Change("rename", "g")) is d
