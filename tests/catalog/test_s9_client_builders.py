"""The client's shortcuts give what the plain definitions give: a function body's hash (one-line bodies
skip the search for untidy line ends), the columns' two indexes by table (made in one pass), and the
sequences' owners."""

from __future__ import annotations

from hashlib import sha256
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.catalog.normalize import body_hash, normalize_body
from pgconsolidate.catalog.reader import _ColumnRows
from pgconsolidate.db.connect import connection

_BODY_TEXT = st.text(alphabet=st.sampled_from(list("ab ;\n\r\t\f\v\u00a0\u2028é'$")), max_size=40)


def _reference_hash(text: str | None) -> str:
    return "sha256:" + sha256(normalize_body(text or "").encode("utf-8")).hexdigest()[:16]


@given(st.one_of(st.none(), _BODY_TEXT))
def test_body_hash_is_the_hash_of_the_normalised_body(text: str | None) -> None:
    assert body_hash(text) == _reference_hash(text)


def test_body_hash_of_usual_bodies() -> None:
    for text in ["", None, " SELECT 1 ", "\nBEGIN\n  RETURN 1;\nEND\n", "a \nb", "a\r\nb", "\u00a0x\u00a0"]:
        assert body_hash(text) == _reference_hash(text)
    assert body_hash(" SELECT 1 ") == body_hash("SELECT 1")  # the ends are stripped
    assert body_hash("a \nb") == body_hash("a\nb")  # trailing spaces before a line end are not a change
    assert body_hash("a\r\nb") == body_hash("a\nb")


def _plain_indexes(rows: list[tuple[Any, ...]]) -> tuple[dict[int, dict[int, int]], dict[int, Any]]:
    tables: dict[int, dict[int, int]] = {}
    keys: dict[int, dict[int, Any]] = {}
    for place, extra in enumerate(rows):
        tables.setdefault(extra[3], {})[extra[4]] = place
        keys.setdefault(extra[3], {})[extra[4]] = extra
    return tables, keys


@given(
    st.lists(
        st.tuples(st.sampled_from([1, 2, 3, 40]), st.integers(min_value=1, max_value=6)),
        unique=True,
        max_size=30,
    )
)
def test_column_indexes_in_one_pass_equal_the_plain_ones(columns: list[tuple[int, int]]) -> None:
    # (quoted name, type, collation, table oid, attnum, acl); tables interleaved or not
    rows = [(f"c{attnum}", 25, 0, relid, attnum, None) for relid, attnum in columns]
    tables, keys = _plain_indexes(rows)
    first = _ColumnRows(rows)
    assert first.tables == tables
    assert first.key_columns == keys
    second = _ColumnRows(rows)
    assert second.key_columns == keys  # whichever is asked for first
    assert second.tables == tables


def test_sequences_owned_by_columns_interleaved_with_unowned_ones(scratch_db: str) -> None:
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(
            """
            CREATE TABLE public.a (id serial, x int);
            CREATE SEQUENCE public.free;
            CREATE TABLE public.b (y int, id bigint GENERATED ALWAYS AS IDENTITY);
            CREATE SEQUENCE public.owned_by_x OWNED BY public.a.x;
            ALTER TABLE public.b DROP COLUMN y;
            """
        )
    owners = {s.identity: s.owned_by for s in read_snapshot(scratch_db).sequences}
    assert owners == {
        "public.a_id_seq": "public.a.id",
        "public.b_id_seq": "public.b.id",
        "public.free": None,
        "public.owned_by_x": "public.a.x",
    }
