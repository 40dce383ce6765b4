"""cal.com (Prisma) production with a column added by hand (`users.plan`, of an enum made by hand):
`plan --database-url` listed the enum in `live_only` but not the column, so the plan the user reviews
("Objects listed in live_only exist only in the live database") did not say the clean set carries it.
Now columns and constraints added by hand to a table the files create are listed; those of a table made
by hand come with the table (listed once)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import psycopg

from pgconsolidate.cli import run
from pgconsolidate.replay.runner import replay_into
from pgconsolidate.sources.reader import read_dir

from .helpers import migrations

_INIT = 'CREATE TABLE "users" ("id" SERIAL NOT NULL, "email" TEXT, PRIMARY KEY ("id"));\n'


def test_hand_added_columns_and_constraints_are_live_only(tmp_path: Path, scratch_db: str) -> None:
    d = migrations(tmp_path, {"20210605225044_init.sql": _INIT})
    assert replay_into(scratch_db, read_dir(str(d))).ok
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute("CREATE TYPE \"UserPlan\" AS ENUM ('FREE', 'PRO')")
        conn.execute('ALTER TABLE users ADD COLUMN "plan" "UserPlan" NOT NULL DEFAULT \'FREE\'')
        conn.execute("ALTER TABLE users ADD CONSTRAINT users_email_check CHECK (email <> '')")
        conn.execute("CREATE TABLE audit (id int PRIMARY KEY, note text)")
    plan = tmp_path / "p.toml"
    assert run(["plan", str(d), "--database-url", scratch_db, "-o", str(plan)]) == 0
    live_only = tomllib.loads(plan.read_text())["live_only"]
    assert "public.users.plan" in live_only and "public.users.users_email_check" in live_only
    assert "public.UserPlan" in live_only and "public.audit" in live_only
    assert not [x for x in live_only if x.startswith("public.audit.")], live_only
    assert "public.users.id" not in live_only and "public.users.email" not in live_only
    assert run(["plan", "--check", str(plan), "--database-url", scratch_db]) == 0
