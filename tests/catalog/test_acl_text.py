"""The catalog queries return ACLs as one aclitem[] text each: :func:`acl_items` splits it exactly as
the server's own array decoding does, for any element text (quotes, backslashes, commas, braces, spaces)."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgconsolidate.catalog.acl import acl_items
from pgconsolidate.errors import DatabaseError
from pgconsolidate.scratch import ScratchServer

ELEMENT = st.text(alphabet=st.sampled_from([*'ab =/,{}"\\\t\nNUL*Xr', "é", "ß"]), max_size=12)


@pytest.fixture(scope="module")
def conn(scratch_server: ScratchServer) -> Iterator[psycopg.Connection]:
    with psycopg.connect(scratch_server.admin_url, autocommit=True) as c:
        yield c


@settings(max_examples=150, deadline=None)
@given(st.lists(ELEMENT, max_size=5))
def test_array_text_splits_like_the_server(conn: psycopg.Connection, elements: list[str]) -> None:
    row = conn.execute("SELECT %s::text[]::text", [elements]).fetchone()
    assert row is not None
    assert acl_items(row[0]) == tuple(elements)


def test_real_acls(conn: psycopg.Connection) -> None:
    # (roles with awkward names, end to end: test_snapshot.test_grants_to_roles_with_awkward_names)
    row = conn.execute("SELECT acldefault('f', 10)::text, acldefault('f', 10)::text[]").fetchone()
    assert row is not None
    assert acl_items(row[0]) == tuple(row[1]) and len(row[1]) == 2


@pytest.mark.parametrize("text", ["", "{", "[1:2]={a,b}", '{"a}', '{"a"b}', "a,b"])
def test_malformed_text_is_refused(text: str) -> None:
    with pytest.raises(DatabaseError):
        acl_items(text)
