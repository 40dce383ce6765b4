"""The clean set's domains come from the project's own objects (plan/domains.py), not from the example."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pgconsolidate.catalog.model import Constraint, Function, Snapshot, Table, View
from pgconsolidate.generate.cleanset import DumpEntry, assign_domains
from pgconsolidate.plan.domains import derive_domains, singular
from pgconsolidate.plan.model import Domain, Plan
from pgconsolidate.plan.toml_read import read_plan
from pgconsolidate.plan.toml_write import write_plan
from pgconsolidate.verify.pipeline import consolidate, make_plan, verify_outdir


def _table(ident: str) -> Table:
    return Table(identity=ident, relkind="r", persistence="p", rls_enabled=False, rls_forced=False, owner="o")


def _fk(table: str, ref: str) -> Constraint:
    return Constraint(
        identity=f"{table}.{ref.split('.')[-1]}_fkey",
        table=table,
        contype="foreign key",
        definition=f"FOREIGN KEY (x_id) REFERENCES {ref}(id)",
        deferrable=False,
        deferred=False,
        validated=True,
    )


def _fn(ident: str) -> Function:
    return Function(
        identity=ident,
        prokind="function",
        arguments="",
        result="integer",
        language="sql",
        volatility="volatile",
        strict=False,
        security_definer=False,
        leakproof=False,
        parallel="unsafe",
        cost="100",
        rows="0",
        body_hash="x",
        owner="o",
    )


def _snap(tables: list[str], fks: list[tuple[str, str]] = (), functions=(), views=()) -> Snapshot:  # type: ignore[assignment]
    return Snapshot(
        source="test",
        server_version=180000,
        tables=tuple(_table(t) for t in tables),
        constraints=tuple(_fk(a, b) for a, b in fks),
        functions=tuple(_fn(f) for f in functions),
        views=tuple(View(identity=v, materialized=False, definition="SELECT 1", owner="o") for v in views),
    )


def _names(domains: tuple[Domain, ...]) -> list[str]:
    return [d.name for d in domains]


def _placed(domains: tuple[Domain, ...], kind: str, name: str, schema: str = "public", sql: str = "") -> str:
    entry = DumpEntry(name, kind, schema, sql or f"CREATE {kind} {schema}.{name} ();")
    return domains[assign_domains([entry], domains)[0]].name


SLEEP = [
    "public.sleep_sessions",
    "public.sleep_stages",
    "public.sleep_scores",
    "public.users",
    "public.user_settings",
    "public.devices",
    "public.device_readings",
    "public.alarms",
]


def test_singular_folds_plurals_and_keeps_words_ending_in_s() -> None:
    assert [
        singular(w) for w in ("memories", "memory", "orders", "boxes", "status", "address", "analysis")
    ] == [
        "memory",
        "memory",
        "order",
        "box",
        "status",
        "address",
        "analysis",
    ]


def test_sleep_app_gets_its_own_families_not_the_example_s() -> None:
    fks = [
        ("public.sleep_sessions", "public.users"),
        ("public.sleep_stages", "public.sleep_sessions"),
        ("public.sleep_scores", "public.sleep_sessions"),
        ("public.user_settings", "public.users"),
        ("public.device_readings", "public.devices"),
        ("public.devices", "public.users"),
        ("public.alarms", "public.users"),
    ]
    doms = derive_domains(_snap(SLEEP, fks, functions=["public.sleep_quality(uuid)"]))
    names = _names(doms)
    assert names[0] == "extensions" and names[1] == "initial_schema" and names[-1] == "security_policies"
    assert set(names[2:-1]) == {"sleep", "user", "device"}
    assert names.index("user") < names.index("sleep") and names.index("user") < names.index("device")
    assert "agent_system" not in names and "memory_system" not in names
    assert _placed(doms, "TABLE", "sleep_sessions") == "sleep"
    assert _placed(doms, "FUNCTION", "sleep_quality(s uuid)") == "sleep"
    assert _placed(doms, "TABLE", "alarms") == "initial_schema"  # a single small table: the fallback
    assert _placed(doms, "POLICY", "sleep_sessions own") == "security_policies"
    assert _placed(doms, "TYPE", "sleep_phase") == "initial_schema"  # types before the tables using them


def test_shop_orders_families_by_foreign_keys() -> None:
    tables = [
        "public.orders",
        "public.order_items",
        "public.products",
        "public.product_images",
        "public.customers",
        "public.customer_addresses",
        "public.reviews",
    ]
    fks = [
        ("public.order_items", "public.orders"),
        ("public.order_items", "public.products"),
        ("public.orders", "public.customers"),
        ("public.product_images", "public.products"),
        ("public.reviews", "public.products"),
        ("public.customer_addresses", "public.customers"),
    ]
    doms = derive_domains(_snap(tables, fks, functions=["public.place_order(uuid)"]))
    names = _names(doms)
    assert names == ["extensions", "initial_schema", "customer", "product", "order", "security_policies"]
    assert _placed(doms, "TABLE", "order_items") == "order"
    assert _placed(doms, "FUNCTION", "place_order(c uuid)") == "order"
    assert _placed(doms, "SEQUENCE", "orders_id_seq") == "order"
    # an entry naming an object of a later domain moves there (dependency order holds)
    entries = [
        DumpEntry("orders", "TABLE", "public", "CREATE TABLE public.orders (id int);"),
        DumpEntry("reviews", "TABLE", "public", "CREATE TABLE public.reviews (o int, x public.orders);"),
    ]
    assert [doms[i].name for i in assign_domains(entries, doms)] == ["order", "order"]


def test_a_non_public_schema_is_a_family_of_its_own() -> None:
    tables = [
        "billing.invoices",
        "billing.payments",
        "public.projects",
        "public.project_members",
        "public.tasks",
        "public.task_comments",
        "public.notes",
    ]
    fks = [("billing.invoices", "public.projects"), ("public.task_comments", "public.tasks")]
    doms = derive_domains(_snap(tables, fks))
    names = _names(doms)
    assert "billing" in names and names.index("project") < names.index("billing")
    billing = next(d for d in doms if d.name == "billing")
    assert billing.patterns == ("billing.*",)
    assert _placed(doms, "FUNCTION", "charge(i integer)", schema="billing") == "billing"
    # a table named like a public family in another schema stays with its schema
    assert _placed(doms, "TABLE", "tasks", schema="billing") == "billing"
    assert _placed(doms, "TABLE", "tasks") == "task"


def test_a_small_project_gets_three_domains() -> None:
    assert _names(derive_domains(_snap(["public.items", "public.item_tags", "public.settings"]))) == [
        "extensions",
        "initial_schema",
        "security_policies",
    ]
    # many tables but few families: also small
    few = [f"public.memory_{i}" for i in range(8)] + ["public.users"]
    assert len(derive_domains(_snap(few))) == 3


def test_plurals_prefixes_merged_tables_and_managed_schemas() -> None:
    tables = [
        "public.memories",
        "public.memory_links",
        "public.memory_tags",
        "public.ai_memories",
        "public.agents",
        "public.agent_tools",
        "public.tb_x",
        "public.users",
        "auth.users",
        "auth.sessions",
        "storage.objects",
    ]
    doms = derive_domains(_snap(tables), frozenset({"public.ai_memories"}))
    names = _names(doms)
    assert names == ["extensions", "initial_schema", "agent", "memory", "security_policies"]
    assert _placed(doms, "TABLE", "ai_memories") == "memory"  # "ai_" is a prefix: the family is "memory"
    assert _placed(doms, "FUNCTION", "search_memories(q text)") == "memory"
    assert not any(n in names for n in ("auth", "storage", "session"))


def test_domain_names_are_file_name_safe_and_unique() -> None:
    tables = [
        'public."Sleep-Log"',
        "public.sleep_logs",
        "public.extensions_used",
        "public.extension_notes",
        "public.a",
        "public.b",
        "public.c",
        "initial_schema.runs",
        "initial_schema.steps",
    ]
    doms = derive_domains(_snap(tables))
    names = _names(doms)
    assert len(set(names)) == len(names)
    assert all(n and n.replace("_", "").isalnum() and n.islower() for n in names)
    assert "extension" in names and "initial_schema_2" in names
    assert _placed(doms, "TABLE", "Sleep-Log") == "sleep"


def test_derived_domains_round_trip_through_the_plan_toml_and_a_user_s_own_win(tmp_path: Path) -> None:
    doms = derive_domains(_snap(SLEEP))
    plan = Plan("x", "dbmate", (), domains=doms)
    back, problems = read_plan(write_plan(plan))
    assert problems == () and back.domains == doms
    edited = write_plan(plan).replace('name = "sleep"', 'name = "nights"')
    assert "nights" in _names(read_plan(edited)[0].domains)


MIGRATIONS = {
    "20240101000000_users.sql": """-- migrate:up
CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text UNIQUE NOT NULL);
CREATE TABLE user_settings (user_id bigint PRIMARY KEY REFERENCES users(id), tz text DEFAULT 'UTC');
CREATE TYPE sleep_phase AS ENUM ('light', 'deep', 'rem');
-- migrate:down
""",
    "20240102000000_sleep.sql": """-- migrate:up
CREATE TABLE sleep_sessions (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users(id), started timestamptz NOT NULL, ended timestamptz);
CREATE TABLE sleep_stages (id bigserial PRIMARY KEY, session_id bigint REFERENCES sleep_sessions(id),
  phase sleep_phase NOT NULL, minutes int);
CREATE FUNCTION sleep_minutes(s bigint) RETURNS bigint LANGUAGE sql STABLE
  AS $$ SELECT coalesce(sum(minutes), 0) FROM sleep_stages WHERE session_id = s $$;
CREATE VIEW sleep_totals AS SELECT id, sleep_minutes(id) AS minutes FROM sleep_sessions;
CREATE TABLE devices (id serial PRIMARY KEY, user_id bigint REFERENCES users(id), name text);
CREATE TABLE device_readings (device_id int REFERENCES devices(id), at timestamptz, value real);
CREATE TABLE alarms (id serial PRIMARY KEY, user_id bigint REFERENCES users(id), at time);
INSERT INTO users (email) VALUES ('a@example.com');
-- migrate:down
""",
}


def test_consolidated_sleep_app_is_split_by_its_own_families_and_verifies(tmp_path: Path) -> None:
    src = tmp_path / "migrations"
    src.mkdir()
    for name, text in MIGRATIONS.items():
        (src / name).write_text(text)
    plan = make_plan(str(src), None)
    assert _names(plan.domains) == [
        "extensions",
        "initial_schema",
        "user",
        "device",
        "sleep",
        "security_policies",
    ]
    (tmp_path / "plan.toml").write_text(write_plan(plan))
    res = consolidate(str(src), tmp_path / "plan.toml", tmp_path / "out")
    assert res.differences == [] and res.second_run_differences == []
    by_domain = {c.domain: c.text for c in res.clean}
    assert "-- TABLE: sleep_sessions (public)" in by_domain["sleep"]
    assert "-- VIEW: sleep_totals (public)" in by_domain["sleep"]
    assert "-- FUNCTION: sleep_minutes(bigint) (public)" in by_domain["sleep"]
    assert "-- TABLE: users (public)" in by_domain["user"]
    assert "-- TABLE: device_readings (public)" in by_domain["device"]
    assert "-- TYPE: sleep_phase (public)" in by_domain["initial_schema"]  # used by sleep_stages: earlier
    assert "-- TABLE: alarms (public)" in by_domain["initial_schema"]  # a single small table
    # its foreign key names users (placed later): it moves to the users' file
    assert "-- FK CONSTRAINT: alarms alarms_user_id_fkey (public)" in by_domain["user"]
    assert [c.domain for c in res.clean] == ["initial_schema", "user", "device", "sleep"]
    assert verify_outdir(tmp_path / "out")["ok"]


_WORDS = st.sampled_from(
    ["memories", "memory", "order", "orders", "a", "tb", "x", "Sleep", "status", "é", "_"]
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["public", "billing", "auth", "Weird Schema"]), st.lists(_WORDS, min_size=1)
        ),
        max_size=20,
    )
)
def test_any_schema_gets_unique_safe_names_in_a_fixed_frame(tables: list[tuple[str, list[str]]]) -> None:
    idents = sorted(
        {f'"{s}"."{"_".join(words)}"' if " " in s else f"{s}.{'_'.join(words)}" for s, words in tables}
    )
    doms = derive_domains(_snap(idents))
    names = _names(doms)
    assert names[:2] == ["extensions", "initial_schema"] and names[-1] == "security_policies"
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[a-z0-9_]+", n) for n in names)
    plan = Plan("x", "dbmate", (), domains=doms)
    assert read_plan(write_plan(plan))[0].domains == doms
