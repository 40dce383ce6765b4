"""atuin's server (sqlx): `20220426080938_history-index.sql` builds an index CONCURRENTLY, which sqlx runs
outside a transaction when the file begins with `-- no-transaction`. The replay wrapped it in a
transaction anyway: 'CREATE INDEX CONCURRENTLY cannot run inside a transaction block', and `inspect
--against` reported the index the files build as made by hand in the live database. Now the directive is
honoured where it is sqlx's (a first line of a file named as sqlx names them), exactly as sqlx reads it."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.replay.runner import replay_into
from pgconsolidate.sources.reader import read_dir

from .helpers import migrations

_TABLE = "create table history (id bigserial primary key, user_id bigint, ts timestamp);\n"
_INDEX = 'create index concurrently if not exists "history_idx" on history using btree (user_id, ts);\n'


def _index_names(url: str) -> set[str]:
    import psycopg

    with psycopg.connect(url) as conn:
        return {r[0] for r in conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'history'")}


def test_sqlx_no_transaction_directive_is_honoured(tmp_path: Path, scratch_db: str) -> None:
    d = migrations(
        tmp_path,
        {
            "20210425153745_create_history.sql": _TABLE,
            "20220426080938_history-index.sql": "-- no-transaction\n" + _INDEX,
        },
    )
    result = replay_into(scratch_db, read_dir(str(d)))
    assert result.ok, result.failures
    assert "history_idx" in _index_names(scratch_db)


def test_directive_elsewhere_is_a_comment(tmp_path: Path, scratch_db: str) -> None:
    d = migrations(
        tmp_path,
        {
            "20210425153745_create_history.sql": _TABLE,
            # sqlx reads the directive only at the very start of the file
            "20220426080938_history-index.sql": "\n-- no-transaction\n" + _INDEX,
        },
    )
    result = replay_into(scratch_db, read_dir(str(d)))
    assert not result.ok
    assert any("cannot run inside a transaction block" in f.message for f in result.failures)
