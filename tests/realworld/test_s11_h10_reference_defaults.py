"""Found on a real Supabase chat app (``INSERT INTO storage.buckets (id, name, public) VALUES (...)``): the
clean set's reference rows are a dump of the replayed chain, every column of every row, so the buckets came
out with ``owner, created_at, updated_at, ...`` and the scratch replay's timestamps frozen into the clean set,
where the old files let each database stamp its own. The columns the files never set are now left out of
the rows (their defaults apply, as with the old files), in any table, not only a platform's; what the files
or anything else may have set stays (see generate/defaulted.py), and the proof still verifies."""

from __future__ import annotations

import json
from pathlib import Path

from pgconsolidate.generate.cleanset import DumpEntry
from pgconsolidate.generate.defaulted import columns_set, leave_defaulted, without_columns
from pgconsolidate.sources.reader import read_dir

from .helpers import consolidated, migrations

FILES = {
    "20240101000000_a.sql": (
        "insert into storage.buckets (id, name, public) values ('avatars', 'avatars', true);\n"
        "create table public.plans (id serial primary key, name text unique, price int default 0,\n"
        "  created_at timestamptz not null default now(), tier text);\n"
        "insert into public.plans (name) values ('free');\n"
        "insert into public.plans (name, price) values ('pro', 10);\n"
        # the rows then present get 1; a database built from the clean set must have 1 too, not 2
        "alter table public.plans add column level int default 1;\n"
        "alter table public.plans alter column level set default 2;\n"
        "create table public.settings (k text primary key, v int default 0, at timestamptz default now());\n"
        "create function public.seed() returns void language sql\n"
        "  as $$ insert into public.settings values ('x', 5) $$;\n"  # positional: every column may be set
        "insert into public.settings (k) values ('y');\n"
        "select public.seed();\n"
    ),
}


def _data(text: str, table: str) -> list[str]:
    return [ln for ln in text.splitlines() if ln.startswith(f"INSERT INTO {table} ")]


def test_columns_the_files_never_set_keep_their_defaults(tmp_path: Path) -> None:
    d = migrations(tmp_path, FILES, sub="supabase/migrations")
    out = consolidated(tmp_path, d)
    assert json.loads((out / "pgconsolidate-output.json").read_text())["verified"]
    text = "\n".join(p.read_text() for p in sorted((out / "migrations").glob("*.sql")))
    assert _data(text, "storage.buckets") == [
        "INSERT INTO storage.buckets (id, name, public) VALUES ('avatars', 'avatars', true) "
        "ON CONFLICT DO NOTHING;"
    ]
    assert (
        "owner, created_at, updated_at" in text
        and "never set by the old files, left to their defaults" in text
    )
    # id: the primary key (ON CONFLICT needs it); name: unique and set; price: set; level: ADD COLUMN's
    # default; created_at, tier: never set
    assert _data(text, "public.plans") == [
        "INSERT INTO public.plans (id, name, price, level) VALUES (1, 'free', 0, 1) ON CONFLICT DO NOTHING;",
        "INSERT INTO public.plans (id, name, price, level) VALUES (2, 'pro', 10, 1) ON CONFLICT DO NOTHING;",
    ]
    # a function writes into settings: every column stays
    rows = _data(text, "public.settings")
    assert len(rows) == 2 and all(r.startswith("INSERT INTO public.settings (k, v, at) VALUES") for r in rows)


def test_columns_set_reads_every_writer(tmp_path: Path) -> None:
    d = migrations(
        tmp_path,
        {
            "001_a.sql": "insert into t (a) values (1) on conflict (a) do update set b = 2;\n"
            "update u set c = 1;\n"
            "insert into u (a) values (1);\n"
            "insert into v (y) values (1);\n"
            "insert into w values (1);\n"
            "alter table u alter column d type int using d::int;\n"
            "alter table u rename column e to f;\n"
            "insert into m (a) values (1);\n"
            "insert into n (a) values (1);\n"
            "do $$ begin insert into n values (2, 3); end $$;\n"
            "copy v (x) from stdin;\n1\n\\.\n",
        },
    )
    found = columns_set(read_dir(str(d)), also="UPDATE public.m SET b = 1;")
    assert found["public.t"] == frozenset({"a", "b"})
    assert found["public.u"] == frozenset({"a", "c", "d", "e", "f"})
    assert found["public.v"] == frozenset({"x", "y"})
    assert found["public.w"] is None  # no column list: every column
    assert found["public.m"] is None  # the fix names it
    assert found["public.n"] is None  # a DO block names it


def test_without_columns() -> None:
    stmt = (
        'INSERT INTO s."T" (id, "Na,me", created_at, tags) VALUES '
        "('a''(,', -1, '2024-01-01 00:00:00+00', ARRAY['x,y', 'z']) ON CONFLICT DO NOTHING"
    )
    assert without_columns(stmt, frozenset({"id", "tags"})) == (
        "INSERT INTO s.\"T\" (id, tags) VALUES ('a''(,', ARRAY['x,y', 'z']) ON CONFLICT DO NOTHING",
        ("Na,me", "created_at"),
    )
    assert without_columns(stmt, frozenset({"Na,me"}))[0].startswith(
        'INSERT INTO s."T" ("Na,me") VALUES (-1)'
    )
    assert without_columns(stmt, frozenset()) == (stmt, ())  # no column would remain: as it is
    assert without_columns("INSERT INTO t VALUES (1)", frozenset({"a"})) == ("INSERT INTO t VALUES (1)", ())
    entries, left = leave_defaulted(
        [DumpEntry("T", "TABLE DATA", "s", stmt + ";\n" + stmt.replace("'a''(,'", "'é'") + ";")],
        {"s.T": frozenset({"id"})},
    )
    assert left == {"s.T": ("Na,me", "created_at", "tags")}
    assert entries[0].sql.splitlines() == [
        "INSERT INTO s.\"T\" (id) VALUES ('a''(,') ON CONFLICT DO NOTHING;",
        "INSERT INTO s.\"T\" (id) VALUES ('é') ON CONFLICT DO NOTHING;",
    ]
    assert entries[0].note.startswith("Na,me, created_at, tags: never set by the old files")
