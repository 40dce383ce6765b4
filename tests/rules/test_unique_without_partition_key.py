"""ok/bad cases of ``unique-without-partition-key``."""

from __future__ import annotations

import pytest

from pgconsolidate.rules.finding import Severity

RULE = "unique-without-partition-key"
EVENTS = (
    "create table ev (\n  id bigint {pk},\n  at date not null,\n  kind text\n) partition by range (at);\n"
)

CASES = [
    # inline PRIMARY KEY on a column that is not the partition key: reported at the constraint's line
    ({"1_a.sql": EVENTS.format(pk="primary key")}, [("1_a.sql", 2, "public.ev.ev_pkey")]),
    ({"1_a.sql": EVENTS.format(pk="not null") + "alter table ev add primary key (id, at);\n"}, []),
    (
        {
            "1_a.sql": EVENTS.format(pk="not null"),
            "2_b.sql": "alter table ev add constraint ev_k unique (kind);",
        },
        [("2_b.sql", 1, "public.ev.ev_k")],
    ),
    (
        {"1_a.sql": EVENTS.format(pk="not null"), "2_b.sql": "\ncreate unique index ev_u on ev (id);"},
        [("2_b.sql", 2, "public.ev_u")],
    ),
    ({"1_a.sql": EVENTS.format(pk="not null") + "create unique index ev_u on ev (kind, at);\n"}, []),
    ({"1_a.sql": EVENTS.format(pk="not null") + "create index ev_i on ev (kind);\n"}, []),  # not unique
    # a table constraint on two lines down
    (
        {
            "1_a.sql": "create table ev (id bigint, at date,\n  k text,\n"
            "  constraint ev_pk primary key (id))\n  partition by list (at);\n"
        },
        [("1_a.sql", 3, "public.ev.ev_pk")],
    ),
    # an expression as partition key: no unique key at all
    (
        {
            "1_a.sql": "create table ev (id bigint, at date) partition by range ((at + 1));\n"
            "alter table ev add primary key (id, at);\n"
        },
        [("1_a.sql", 2, "public.ev.ev_pkey")],
    ),
    # tables that are not partitioned, and partitions (their keys are their parent's)
    ({"1_a.sql": "create table t (id bigint primary key, at date unique);"}, []),
    (
        {
            "1_a.sql": "create table ev (id bigint, at date, primary key (id, at)) partition by range (at);\n"
            "create table ev_1 partition of ev for values from ('2024-01-01') to ('2025-01-01');\n"
            "create unique index ev_1_id on ev_1 (id);\n"
        },
        [],
    ),
]


@pytest.mark.parametrize(("files", "expected"), CASES)
def test_cases(check, files, expected):
    found = check(RULE, files)
    got = sorted((f.location.file, f.location.line, f.objects[0]) for f in found)
    assert got == sorted(expected)
    for f in found:
        assert f.severity == Severity.ERROR and f.help and "partition" in f.message


def test_message_says_which_columns_to_add(check):
    [f] = check(RULE, {"1_a.sql": EVENTS.format(pk="primary key")})
    assert "lacks partition key column at" in f.message and "make it (id, at)" in f.message
    assert f.related and f.related[0].line == 1  # the CREATE TABLE ... PARTITION BY
