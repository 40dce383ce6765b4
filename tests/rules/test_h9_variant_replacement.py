"""variant-files: a file re-creating what an earlier file dropped is a replacement, not a variant."""

from __future__ import annotations

import pytest

TABLE = (
    "create table m (id uuid primary key, v real);\n"
    "create index m_v on m (v);\n"
    "create trigger m_t before update on m for each row execute function f();\n"
)
FUNCS = (
    "create function p() returns int language sql as $$select 1$$;\n"
    "create function q() returns int language sql as $$select 1$$;\n"
)

OK = [
    (
        "table dropped by a file in between, then re-created with its index and trigger",
        {
            "1_a.sql": TABLE,
            "2_drop.sql": "drop table m;",
            "3_c.sql": TABLE.replace("v real", "v real not null"),
            "4_d.sql": "alter table m add column w int;",
        },
    ),
    (
        "functions dropped by a file in between",
        {"1_a.sql": FUNCS, "2_drop.sql": "drop function p();\ndrop function q();", "3_c.sql": FUNCS},
    ),
    (
        "the earlier file itself drops what it made",
        {"1_a.sql": FUNCS + "drop function p();\ndrop function q();", "2_b.sql": FUNCS},
    ),
]

BAD = [
    ("re-created with no drop in between", {"1_a.sql": FUNCS, "2_b.sql": FUNCS}, [("2_b.sql", "1_a.sql")]),
    (
        "a variant of the replacement, not of the dropped original",
        {
            "1_a.sql": FUNCS,
            "2_drop.sql": "drop function p();\ndrop function q();",
            "3_c.sql": FUNCS,
            "4_d.sql": FUNCS.replace("select 1", "select 2"),
        },
        [("4_d.sql", "3_c.sql")],
    ),
    (
        "the earlier file drops and re-creates: a later copy is still its variant",
        {"1_a.sql": FUNCS + "drop function p();\ndrop function q();\n" + FUNCS, "2_b.sql": FUNCS},
        [("2_b.sql", "1_a.sql")],
    ),
    (
        "a drop after both files does not make them replacements",
        {"1_a.sql": TABLE, "2_b.sql": TABLE, "3_drop.sql": "drop table m;"},
        [("2_b.sql", "1_a.sql")],
    ),
]


@pytest.mark.parametrize(("why", "files"), OK, ids=[o[0] for o in OK])
def test_replacements_are_not_variants(check, why: str, files: dict[str, str]) -> None:
    assert check("variant-files", files) == [], why


@pytest.mark.parametrize(("why", "files", "expected"), BAD, ids=[b[0] for b in BAD])
def test_variants_are_found(check, why: str, files: dict[str, str], expected: list[tuple[str, str]]) -> None:
    found = check("variant-files", files)
    assert [(f.location.file, f.objects[0]) for f in found] == expected, why
