"""ok/bad cases of ``duplicate-index`` (Supabase's duplicate_index lint, from the migrations)."""

from __future__ import annotations

import pytest

from pgconsolidate.report.analyze import analyze_directory

from .helpers import EXAMPLE_MIGRATIONS

RULE = "duplicate-index"
TABLE = "create table t (id int primary key, email text unique, a int, b int, c text);\n"

CASES = [
    # same columns, different names
    (TABLE + "create index t_a on t (a);\ncreate index t_a2 on t using btree (a);", [(3, "public.t_a2")]),
    # a unique index next to the primary key / a unique constraint
    (TABLE + "create unique index t_id on t (id);", [(2, "public.t_id")]),
    (TABLE + "create unique index t_email on t (email);", [(2, "public.t_email")]),
    # a later constraint duplicating an earlier index: the constraint's statement is reported
    (
        "create table t (a int);\ncreate unique index t_a_uq on t (a);\nalter table t add unique (a);",
        [(3, "public.t_a_key")],
    ),
    # expressions, predicates, opclasses, included columns, options: equal
    (
        TABLE + "create index x1 on t (lower(c)) where b > 0;\ncreate index x2 on t (lower(c)) where b > 0;",
        [(3, "public.x2")],
    ),
    # three identical: one finding, at the last, naming both earlier ones
    (
        TABLE + "create index x1 on t (a);\ncreate index x2 on t (a);\ncreate index x3 on t (a);",
        [(4, "public.x3")],
    ),
    # --- ok: not the same index
    (TABLE + "create index t_a on t (a);\ncreate index t_a_desc on t (a desc);", []),
    (TABLE + "create index t_a on t (a);\ncreate index t_a_nf on t (a nulls first);", []),
    (TABLE + 'create index t_c on t (c);\ncreate index t_c_c on t (c collate "C");', []),
    (TABLE + "create index t_c on t (c);\ncreate index t_c_trgm on t using gin (c gin_trgm_ops);", []),
    (TABLE + "create index t_a on t (a);\ncreate unique index t_a_uq on t (a);", []),
    (TABLE + "create index t_b1 on t (b) where b > 0;\ncreate index t_b2 on t (b) where b > 1;", []),
    (TABLE + "create index t_b1 on t (b);\ncreate index t_b2 on t (b) include (c);", []),
    (TABLE + "create index t_ab on t (a, b);\ncreate index t_ba on t (b, a);", []),
    (TABLE + "create index t_a on t (a);\ncreate index t_a_p on t (a) with (fillfactor = 70);", []),
    (TABLE + "create unique index t_e on t (email) nulls not distinct;", []),
    # dropped, or on another table: no duplicate
    (TABLE + "create index t_a on t (a);\ncreate index t_a2 on t (a);\ndrop index t_a;", []),
    (
        "create table t (a int);\ncreate table u (a int);\n"
        "create index ta on t (a);\ncreate index ua on u (a);",
        [],
    ),
    # exclusion constraints: their operators are not in the model
    (
        "create table r (room int, during tstzrange, constraint a exclude using gist (room with =, during "
        "with &&), constraint b exclude using gist (room with <>, during with &&));",
        [],
    ),
    (TABLE + "create index t_a on t (a);\ncreate index t_a_h on t using hash (a);", []),
    # an index made by EXECUTE is not compared (the model cannot read it)
    (TABLE + "create index t_a on t (a);\ndo $$ begin execute 'create index t_a2 on t (a)'; end $$;", []),
]


@pytest.mark.parametrize(("sql", "expected"), CASES)
def test_cases(check, sql, expected):
    found = check(RULE, {"1_a.sql": sql})
    assert sorted((f.location.line, f.objects[0]) for f in found) == expected
    for f in found:
        assert f.message and f.help and f.related


def test_applied_order_and_related(check):
    files = {
        "1_a.sql": "create table t (a int);\ncreate index first_a on t (a);",
        "2_b.sql": "create index second_a on t (a);",
    }
    (f,) = check(RULE, files)
    assert (f.location.file, f.location.line) == ("2_b.sql", 1)
    assert [(r.file, r.line) for r in f.related] == [("1_a.sql", 2)]
    assert f.objects == ("public.second_a", "public.first_a")
    assert "public.first_a" in f.message


def test_three_identical_name_all(check):
    sql = (
        "create table t (a int);\ncreate index x1 on t (a);\n"
        "create index x2 on t (a);\ncreate index x3 on t (a);"
    )
    (f,) = check(RULE, {"1_a.sql": sql})
    assert f.objects == ("public.x3", "public.x1", "public.x2") and len(f.related) == 2


def test_ignore_comment(check):
    sql = (
        "create table t (a int);\ncreate index x1 on t (a);\n"
        "-- pgconsolidate: ignore duplicate-index\ncreate index x2 on t (a);"
    )
    assert check(RULE, {"1_a.sql": sql}) == []


def test_example():
    found = analyze_directory(EXAMPLE_MIGRATIONS, select=[RULE]).findings
    assert [(f.location.file, f.objects) for f in found] == [
        ("20250719191801_create_memories.sql", ("public.memories_user_id_idx", "public.idx_memories_user_id"))
    ]
