"""Found on imbhargav5/nextbase-nextjs-supabase-starter: its first migration is a ``pg_dump`` of the hosted
project (``supabase db dump`` writes the same), with ``ALTER SCHEMA "public" OWNER TO "postgres";``. The clean
set is made from ``pg_dump --no-owner``, so it left that out: public stayed owned by pg_database_owner and
consolidate said "NOT verified" (``~ schema public: owner: postgres -> pg_database_owner``) for a chain it
reproduced. The clean set now restates public's owner when the migrations changed it."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.cli import run

from .helpers import consolidated, migrations

DUMP = 'ALTER SCHEMA "public" OWNER TO "postgres";\nCREATE TABLE public.items (id bigint PRIMARY KEY);\n'


def test_public_owner_is_restated_and_verified(tmp_path: Path) -> None:
    d = migrations(
        tmp_path, {"20230116105323_remote_commit.sql": DUMP, "20230208104717_more.sql": "select 1;\n"}
    )
    out = consolidated(tmp_path, d)  # exit 0: verified
    text = "\n".join(p.read_text() for p in sorted((out / "migrations").glob("*.sql")))
    assert 'ALTER SCHEMA public OWNER TO "postgres";' in text
    assert run(["verify", str(out)]) == 0


def test_untouched_public_is_not_restated(tmp_path: Path) -> None:
    d = migrations(tmp_path, {"20230116105323_a.sql": "CREATE TABLE public.items (id bigint PRIMARY KEY);\n"})
    out = consolidated(tmp_path, d)
    text = "\n".join(p.read_text() for p in sorted((out / "migrations").glob("*.sql")))
    assert "ALTER SCHEMA public OWNER" not in text
