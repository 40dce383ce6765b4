"""Values the columns and indexes queries no longer send twice: a column's attnum is its ``position`` as read,
an index's opclass oids are its ``opclasses`` as read. What is built from them (column positions after a
dropped column, sequence owners, index definitions with a non-default opclass, relation comments found by
the ``_oid`` after the repeated value) reads as before, in one session and in two."""

from __future__ import annotations

import pytest

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.catalog import reader as reader_module
from pgconsolidate.catalog.model import Column, Index, Sequence
from pgconsolidate.db.connect import connection

SCHEMA = """
CREATE TABLE t (gone int, id serial PRIMARY KEY, code text NOT NULL, later int);
ALTER TABLE t DROP COLUMN gone;
CREATE SEQUENCE t_later_seq OWNED BY t.later;
CREATE INDEX t_code_pattern ON t (code text_pattern_ops);
CREATE INDEX t_code_plain ON t (code) WHERE later IS NOT NULL;
COMMENT ON INDEX t_code_pattern IS 'pattern search';
COMMENT ON TABLE t IS 'the table';
"""


def test_repeated_values_are_not_sent_twice() -> None:
    """The queries have no ``_attnum`` / ``_opclasses``; the reader puts the field's column in their place."""
    assert b"_attnum" not in reader_module._query("columns", 180000)
    assert b"_opclasses" not in reader_module._query("indexes", 180000)
    names = [
        "identity",
        "table",
        "position",
        "type",
        "_quoted",
        "_type_oid",
        "_collation",
        "_table_oid",
        "_acl",
    ]
    assert reader_module._extras_places(Column, names) == (4, 5, 6, 7, 2, 8)
    row = tuple(range(len(names)))
    assert reader_module._extras_getter(Column, names)(row) == (4, 5, 6, 7, 2, 8)
    names = [
        "identity",
        "opclasses",
        "comment",
        "_head",
        "_oid",
        "_table_oid",
        "_keys",
        "_collations",
        "_tree",
    ]
    assert reader_module._extras_places(Index, names) == (3, 4, 5, 6, 7, 1, 8)
    # a kind with nothing repeated keeps its trailing columns
    assert reader_module._extras_places(Sequence, ["identity", "_a", "_b"]) == (1, 2)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_objects_built_from_repeated_values(
    scratch_db: str, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(SCHEMA)
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", workers)
    monkeypatch.setattr(reader_module, "PARALLEL_FROM", 0)
    snap = read_snapshot(scratch_db)
    columns = {c.identity: c for c in snap.columns}
    assert [columns[f"public.t.{n}"].position for n in ("id", "code", "later")] == [1, 2, 3]
    sequences = {s.identity: s for s in snap.sequences}
    assert sequences["public.t_later_seq"].owned_by == "public.t.later"
    assert sequences["public.t_id_seq"].owned_by == "public.t.id"
    indexes = {i.identity: i for i in snap.indexes}
    pattern = indexes["public.t_code_pattern"]
    assert pattern.definition == "CREATE INDEX t_code_pattern ON public.t USING btree (code text_pattern_ops)"
    assert pattern.opclasses == ("text_pattern_ops",)
    assert pattern.comment == "pattern search"
    plain = indexes["public.t_code_plain"]
    assert (
        plain.definition
        == "CREATE INDEX t_code_plain ON public.t USING btree (code) WHERE (later IS NOT NULL)"
    )
    assert plain.comment is None
    assert {t.identity: t.comment for t in snap.tables} == {"public.t": "the table"}
