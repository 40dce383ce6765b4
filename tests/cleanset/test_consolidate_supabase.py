"""End to end on a Supabase directory: extensions re-created, default privileges kept as statements,
ambiguous overloads kept as the replayed database has them; the proof passes (verify)."""

from __future__ import annotations

import json
from pathlib import Path

from pgconsolidate.plan.toml_write import write_plan
from pgconsolidate.verify.pipeline import consolidate, make_plan, verify_outdir

FILES = {
    "20240101000000_init.sql": (
        'create extension if not exists "uuid-ossp" with schema extensions;\n'
        "create table public.notes (id uuid primary key default extensions.uuid_generate_v4(), title text);\n"
    ),
    "20240102000000_privs.sql": (
        "create schema app;\n"
        "create table app.early (id int);\n"  # made before the defaults: gets nothing from them
        "alter default privileges in schema app grant select on tables to authenticated;\n"
        "alter default privileges revoke execute on functions from public;\n"
        "create table app.things (id bigserial primary key, name text);\n"
        "create table app.secret (id int);\n"
        "revoke select on app.secret from authenticated;\n"
        "grant insert on app.things to anon;\n"
        "create function app.f() returns int language sql as 'select 1';\n"
    ),
    "20240103000000_overloads.sql": (
        "create function public.area(w int) returns int language sql as 'select w*w';\n"
        "create function public.area(w int, h int default 1) returns int language sql as 'select w*h';\n"
    ),
}


def test_clean_set_of_a_supabase_directory(tmp_path: Path) -> None:
    src = tmp_path / "supabase" / "migrations"
    src.mkdir(parents=True)
    for name, text in FILES.items():
        (src / name).write_text(text)
    plan = make_plan(str(src), None)
    # 5: both overloads are kept (the replayed database has both) and the plan says so
    (choice,) = plan.functions
    assert choice.drop == () and "all are kept" in choice.reason
    (tmp_path / "plan.toml").write_text(write_plan(plan))
    out = tmp_path / "out"
    res = consolidate(str(src), tmp_path / "plan.toml", out)
    assert res.differences == [] and res.second_run_differences == []
    manifest = json.loads((out / "pgconsolidate-output.json").read_text())
    clean = "\n".join((out / p).read_text() for p in manifest["clean_set"])
    # 4: uuid-ossp (preinstalled by the platform) is re-created in its schema before first use
    create = 'CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA "extensions";'
    assert create in clean and clean.index(create) < clean.index("uuid_generate_v4()")
    # 3: default privileges stay statements, before the objects; only differing grants are written
    adp = "ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA app GRANT SELECT ON TABLES TO authenticated;"
    assert adp in clean and clean.index(adp) < clean.index("CREATE TABLE IF NOT EXISTS app.things")
    assert "GRANT SELECT ON TABLE app.things" not in clean
    assert 'GRANT INSERT ON TABLE app.things TO "anon";' in clean
    assert 'REVOKE ALL ON TABLE "app"."secret" FROM "authenticated";' in clean
    assert 'REVOKE ALL ON TABLE "app"."early" FROM "authenticated";' in clean
    assert "pg_default_acl" not in clean
    # 5: both overloads in the clean set
    assert clean.count("CREATE OR REPLACE FUNCTION public.area(") == 2
    ver = verify_outdir(out)
    assert ver["ok"], ver
    # and says so: the stand-in lines of consolidate and verify, REPORT.md
    for lines in (manifest["summary"]["stand_ins"], ver["stand_ins"]):
        (line,) = [x for x in lines if x.startswith("uuid-ossp ")]
        assert "the clean set creates it" in line
    assert "`uuid-ossp` (schema `extensions`)" in (out / "REPORT.md").read_text()
