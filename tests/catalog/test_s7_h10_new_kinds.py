"""Issue 5: kinds compare could not see (a false "equivalent"): text search configurations and
dictionaries, operators, foreign data wrappers and foreign servers (and their USAGE grants), range types.

``NEW_KIND_CASES`` join the cases of test_compare_kinds.py (one per attribute, on the catalog tests' schema,
which now holds one of each; its structural test fails for an attribute without a case); here they are
also run on PostgreSQL 16, and the attributes the embedded servers cannot give a second value (an FDW
handler needs a C function) are proved on snapshots. The census runs no query for these kinds when a
database holds none (pgvector's own operators count only when extension objects are read).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from pgconsolidate.catalog import Snapshot, read_snapshot, snapshot_from_json, snapshot_to_json
from pgconsolidate.catalog import reader as reader_module
from pgconsolidate.catalog.serialize import snapshot_to_dict
from pgconsolidate.compare import diff_snapshots
from pgconsolidate.compare.diff import ADDED, CHANGED, REMOVED
from pgconsolidate.compare.render import text_lines
from pgconsolidate.db.connect import connection
from pgconsolidate.scratch import ScratchServer, throwaway_database

from .schema import OWNER, build, changed

SUPER = "pgc_cat_super"  # made by test_compare_kinds' fixture (and here): FDWs belong to superusers
_MAKE_SUPER = (
    f"DO $$ BEGIN CREATE ROLE {SUPER} SUPERUSER NOLOGIN; "
    "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
)
_OP = "app.===(integer, text)"
_RECREATE_OP = (
    "DROP OPERATOR app.===(integer, text); CREATE OPERATOR app.=== (LEFTARG = integer, RIGHTARG = text, "
)
_NEW_DICT = (
    "ALTER TEXT SEARCH CONFIGURATION app.tsc ALTER MAPPING FOR word WITH english_stem; "
    "DROP TEXT SEARCH DICTIONARY app.tsd; "
)

# (case id, statements, collection, identity, attribute changed | ADDED | REMOVED)
NEW_KIND_CASES: list[tuple[str, str, str, str, str]] = [
    # text search configurations
    (
        "ts-config-added",
        "CREATE TEXT SEARCH CONFIGURATION app.tsc2 (COPY = simple)",
        "text_search_configurations",
        "app.tsc2",
        ADDED,
    ),
    (
        "ts-config-removed",
        "DROP TEXT SEARCH CONFIGURATION app.tsc",
        "text_search_configurations",
        "app.tsc",
        REMOVED,
    ),
    (
        "ts-config-mappings",
        "ALTER TEXT SEARCH CONFIGURATION app.tsc DROP MAPPING FOR email",
        "text_search_configurations",
        "app.tsc",
        "mappings",
    ),
    (
        "ts-config-mapping-order",
        "ALTER TEXT SEARCH CONFIGURATION app.tsc ALTER MAPPING FOR word WITH english_stem, app.tsd",
        "text_search_configurations",
        "app.tsc",
        "mappings",
    ),
    (
        "ts-config-owner",
        f"ALTER TEXT SEARCH CONFIGURATION app.tsc OWNER TO {OWNER}",
        "text_search_configurations",
        "app.tsc",
        "owner",
    ),
    (
        "ts-config-comment",
        "COMMENT ON TEXT SEARCH CONFIGURATION app.tsc IS 'x'",
        "text_search_configurations",
        "app.tsc",
        "comment",
    ),
    # text search dictionaries
    (
        "ts-dict-added",
        "CREATE TEXT SEARCH DICTIONARY app.tsd2 (TEMPLATE = simple)",
        "text_search_dictionaries",
        "app.tsd2",
        ADDED,
    ),
    ("ts-dict-removed", _NEW_DICT, "text_search_dictionaries", "app.tsd", REMOVED),
    (
        "ts-dict-template",
        _NEW_DICT + "CREATE TEXT SEARCH DICTIONARY app.tsd (TEMPLATE = snowball, LANGUAGE = english)",
        "text_search_dictionaries",
        "app.tsd",
        "template",
    ),
    (
        "ts-dict-options",
        "ALTER TEXT SEARCH DICTIONARY app.tsd (ACCEPT = false)",
        "text_search_dictionaries",
        "app.tsd",
        "options",
    ),
    (
        "ts-dict-owner",
        f"ALTER TEXT SEARCH DICTIONARY app.tsd OWNER TO {OWNER}",
        "text_search_dictionaries",
        "app.tsd",
        "owner",
    ),
    (
        "ts-dict-comment",
        "COMMENT ON TEXT SEARCH DICTIONARY app.tsd IS 'x'",
        "text_search_dictionaries",
        "app.tsd",
        "comment",
    ),
    # operators
    (
        "operator-added",
        "CREATE OPERATOR app.=== (LEFTARG = integer, RIGHTARG = integer, FUNCTION = int4eq)",
        "operators",
        "app.===(integer, integer)",
        ADDED,
    ),
    ("operator-removed", "DROP OPERATOR app.===(integer, text)", "operators", _OP, REMOVED),
    (
        "operator-function",
        "CREATE FUNCTION app.eq_it2(integer, text) RETURNS boolean LANGUAGE sql AS $$ SELECT true $$; "
        + _RECREATE_OP
        + "FUNCTION = app.eq_it2)",
        "operators",
        _OP,
        "function",
    ),
    (
        "operator-result",
        "CREATE FUNCTION app.eq_it2(integer, text) RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$; "
        + _RECREATE_OP
        + "FUNCTION = app.eq_it2)",
        "operators",
        _OP,
        "result",
    ),
    (
        "operator-commutator",
        _RECREATE_OP + "FUNCTION = app.eq_it, COMMUTATOR = ====)",
        "operators",
        _OP,
        "commutator",
    ),
    ("operator-negator", _RECREATE_OP + "FUNCTION = app.eq_it, NEGATOR = !===)", "operators", _OP, "negator"),
    ("operator-restrict", f"ALTER OPERATOR {_OP} SET (RESTRICT = eqsel)", "operators", _OP, "restrict"),
    ("operator-join", f"ALTER OPERATOR {_OP} SET (JOIN = eqjoinsel)", "operators", _OP, "join"),
    ("operator-hashes", _RECREATE_OP + "FUNCTION = app.eq_it, HASHES)", "operators", _OP, "hashes"),
    ("operator-merges", _RECREATE_OP + "FUNCTION = app.eq_it, MERGES)", "operators", _OP, "merges"),
    ("operator-owner", f"ALTER OPERATOR {_OP} OWNER TO {OWNER}", "operators", _OP, "owner"),
    ("operator-comment", f"COMMENT ON OPERATOR {_OP} IS 'x'", "operators", _OP, "comment"),
    # foreign data wrappers
    ("fdw-added", "CREATE FOREIGN DATA WRAPPER pgc_cat_fdw2", "foreign_data_wrappers", "pgc_cat_fdw2", ADDED),
    (
        "fdw-removed",
        "DROP FOREIGN DATA WRAPPER pgc_cat_fdw CASCADE",
        "foreign_data_wrappers",
        "pgc_cat_fdw",
        REMOVED,
    ),
    (
        "fdw-validator",
        "ALTER FOREIGN DATA WRAPPER pgc_cat_fdw VALIDATOR postgresql_fdw_validator",
        "foreign_data_wrappers",
        "pgc_cat_fdw",
        "validator",
    ),
    (
        "fdw-options",
        "ALTER FOREIGN DATA WRAPPER pgc_cat_fdw OPTIONS (ADD debug 'true')",
        "foreign_data_wrappers",
        "pgc_cat_fdw",
        "options",
    ),
    (
        "fdw-owner",
        f"ALTER FOREIGN DATA WRAPPER pgc_cat_fdw OWNER TO {SUPER}",
        "foreign_data_wrappers",
        "pgc_cat_fdw",
        "owner",
    ),
    (
        "fdw-comment",
        "COMMENT ON FOREIGN DATA WRAPPER pgc_cat_fdw IS 'x'",
        "foreign_data_wrappers",
        "pgc_cat_fdw",
        "comment",
    ),
    (
        "fdw-grant",
        f"GRANT USAGE ON FOREIGN DATA WRAPPER pgc_cat_fdw TO {OWNER}",
        "grants",
        f"foreign data wrapper pgc_cat_fdw to {OWNER}",
        ADDED,
    ),
    # foreign servers
    (
        "server-added",
        "CREATE SERVER pgc_cat_srv2 FOREIGN DATA WRAPPER pgc_cat_fdw",
        "foreign_servers",
        "pgc_cat_srv2",
        ADDED,
    ),
    ("server-removed", "DROP SERVER pgc_cat_srv CASCADE", "foreign_servers", "pgc_cat_srv", REMOVED),
    (
        "server-wrapper",
        "CREATE FOREIGN DATA WRAPPER pgc_cat_fdw2; DROP SERVER pgc_cat_srv CASCADE; "
        "CREATE SERVER pgc_cat_srv FOREIGN DATA WRAPPER pgc_cat_fdw2 OPTIONS (host 'localhost')",
        "foreign_servers",
        "pgc_cat_srv",
        "wrapper",
    ),
    (
        "server-type",
        "DROP SERVER pgc_cat_srv CASCADE; "
        "CREATE SERVER pgc_cat_srv TYPE 'pg' FOREIGN DATA WRAPPER pgc_cat_fdw OPTIONS (host 'localhost')",
        "foreign_servers",
        "pgc_cat_srv",
        "type",
    ),
    ("server-version", "ALTER SERVER pgc_cat_srv VERSION '16'", "foreign_servers", "pgc_cat_srv", "version"),
    (
        "server-options",
        "ALTER SERVER pgc_cat_srv OPTIONS (SET host 'db.example.com')",
        "foreign_servers",
        "pgc_cat_srv",
        "options",
    ),
    (
        "server-owner",
        f"GRANT USAGE ON FOREIGN DATA WRAPPER pgc_cat_fdw TO {OWNER}; "
        f"ALTER SERVER pgc_cat_srv OWNER TO {OWNER}",
        "foreign_servers",
        "pgc_cat_srv",
        "owner",
    ),
    ("server-comment", "COMMENT ON SERVER pgc_cat_srv IS 'x'", "foreign_servers", "pgc_cat_srv", "comment"),
    (
        "server-grant",
        f"GRANT USAGE ON FOREIGN SERVER pgc_cat_srv TO {OWNER}",
        "grants",
        f"foreign server pgc_cat_srv to {OWNER}",
        ADDED,
    ),
]

_RNG = "DROP TYPE app.rng; CREATE TYPE app.rng AS RANGE "
NEW_KIND_CASES += [
    ("range-added", "CREATE TYPE app.rng2 AS RANGE (subtype = int4)", "ranges", "app.rng2", ADDED),
    ("range-removed", "DROP TYPE app.rng", "ranges", "app.rng", REMOVED),
    ("range-subtype", _RNG + "(subtype = numeric)", "ranges", "app.rng", "subtype"),
    (
        "range-subtype-opclass",
        _RNG + "(subtype = text, subtype_opclass = text_pattern_ops)",
        "ranges",
        "app.rng",
        "subtype_opclass",
    ),
    ("range-collation", _RNG + '(subtype = text, collation = "C")', "ranges", "app.rng", "collation"),
    (
        "range-subtype-diff",
        _RNG + "(subtype = float8, subtype_diff = float8mi)",
        "ranges",
        "app.rng",
        "subtype_diff",
    ),
    (
        "range-multirange",
        _RNG + "(subtype = float8, multirange_type_name = app.rng_many)",
        "ranges",
        "app.rng",
        "multirange",
    ),
    ("range-owner", f"ALTER TYPE app.rng OWNER TO {OWNER}", "ranges", "app.rng", "owner"),
    ("range-comment", "COMMENT ON TYPE app.rng IS 'x'", "ranges", "app.rng", "comment"),
]

NEW_KIND_CASES += [  # foreign tables: their server and options, their columns' options
    (
        "foreign-table-server",
        "CREATE SERVER pgc_cat_srv2 FOREIGN DATA WRAPPER pgc_cat_fdw; DROP FOREIGN TABLE app.ft; "
        "CREATE FOREIGN TABLE app.ft (x integer) SERVER pgc_cat_srv2 OPTIONS (table_name 'remote')",
        "tables",
        "app.ft",
        "server",
    ),
    (
        "foreign-table-options",
        "ALTER FOREIGN TABLE app.ft OPTIONS (SET table_name 'other')",
        "tables",
        "app.ft",
        "foreign_options",
    ),
    (
        "foreign-column-options",
        "ALTER FOREIGN TABLE app.ft ALTER COLUMN x OPTIONS (ADD column_name 'y')",
        "columns",
        "app.ft.x",
        "foreign_options",
    ),
]

# Attributes no statement on the embedded servers can give a second value: proved on snapshots below.
NEW_KIND_ON_SNAPSHOTS = {
    ("text_search_configurations", "parser"),  # another parser needs C functions
    ("foreign_data_wrappers", "handler"),  # a handler needs a C function (an extension's)
    ("ranges", "canonical"),  # a canonical function takes the range type: C only
}


def _base(url: str) -> Snapshot:
    build(url)
    with connection(url, autocommit=True) as conn:
        conn.execute(_MAKE_SUPER)
    return read_snapshot(url)


@pytest.fixture(scope="module")
def base_16() -> Iterator[tuple[str, Snapshot]]:
    from pgconsolidate.scratch import get_scratch_server

    try:
        server: ScratchServer = get_scratch_server(major=16)
    except Exception as exc:  # pragma: no cover - the embedded 16 is optional
        pytest.skip(f"embedded PostgreSQL 16 not available: {exc}")
    with throwaway_database(server) as url:
        yield url, _base(url)


@pytest.mark.parametrize(
    ("statements", "collection", "identity", "expected"),
    [c[1:] for c in NEW_KIND_CASES],
    ids=[c[0] for c in NEW_KIND_CASES],
)
def test_difference_is_seen_on_16(
    base_16: tuple[str, Snapshot], statements: str, collection: str, identity: str, expected: str
) -> None:
    url, before = base_16
    after = changed(url, statements)
    result = diff_snapshots(before, after)
    found = [d for d in result.differences if d.collection == collection and d.identity == identity]
    assert found, f"no difference reported for {identity}; got {text_lines(result)}"
    (d,) = found
    if expected in (ADDED, REMOVED):
        assert d.change == expected
    else:
        assert d.change == CHANGED
        assert expected in {c.name for c in d.changes}, text_lines(result)


@pytest.mark.parametrize(
    ("collection", "identity", "attribute", "value"),
    [
        ("text_search_configurations", "app.tsc", "parser", "app.my_parser"),
        ("foreign_data_wrappers", "pgc_cat_fdw", "handler", "public.my_fdw_handler()"),
        ("ranges", "app.rng", "canonical", "public.rng_canonical(app.rng)"),
    ],
)
def test_attributes_proved_on_snapshots(
    scratch_db: str, collection: str, identity: str, attribute: str, value: str
) -> None:
    snap = _base(scratch_db)
    (obj,) = [o for o in snap.objects(collection) if o.identity == identity]
    other = replace(snap, **{collection: (replace(obj, **{attribute: value}),)})
    (d,) = diff_snapshots(snap, other).differences
    assert [c.name for c in d.changes] == [attribute]
    assert value in text_lines(diff_snapshots(snap, other))[0]


def test_what_is_read(scratch_db: str) -> None:
    snap = _base(scratch_db)
    (tsc,) = snap.text_search_configurations
    assert tsc.identity == "app.tsc" and tsc.parser == "default"  # type: ignore[attr-defined]
    assert "word: app.tsd, english_stem" in tsc.mappings  # type: ignore[attr-defined]
    (tsd,) = snap.text_search_dictionaries
    assert (tsd.template, tsd.options) == ("simple", "stopwords = 'english'")  # type: ignore[attr-defined]
    (op,) = snap.operators
    assert (op.identity, op.function, op.result) == (_OP, "app.eq_it(integer, text)", "boolean")  # type: ignore[attr-defined]
    (fdw,) = snap.foreign_data_wrappers
    assert (fdw.identity, fdw.handler, fdw.validator) == ("pgc_cat_fdw", None, None)  # type: ignore[attr-defined]
    (srv,) = snap.foreign_servers
    assert (srv.wrapper, srv.options) == ("pgc_cat_fdw", ("host=localhost",))  # type: ignore[attr-defined]
    assert {g.identity for g in snap.grants if g.object_kind.startswith("foreign")} == {
        "foreign data wrapper pgc_cat_fdw to postgres",
        "foreign server pgc_cat_srv to postgres",
    }
    # a file round trip keeps them
    assert diff_snapshots(snap, snapshot_from_json(snapshot_to_json(snap))).equivalent


def test_pgvector_operators_and_empty_kinds_cost_nothing(scratch_db: str) -> None:
    """An ordinary database (pgvector installed): the census finds none of the new kinds, no query of
    theirs is run, and the snapshot file has no entry for them (it is the file it was before)."""
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION vector; CREATE TABLE t (id int PRIMARY KEY, v vector(3))")
    new = ("text_search_configurations", "text_search_dictionaries", "operators")
    new += ("foreign_data_wrappers", "foreign_servers", "ranges")
    skip = reader_module.skipped_schemas(False)
    with connection(scratch_db) as conn, conn.transaction():
        preamble, census = reader_module._send_preamble(conn, skip, False)
        params = reader_module._prepared(preamble, skip, False).params
        empty = reader_module._empty_kinds(census)
        assert set(new) <= empty
        for kind in new:
            assert conn.execute(reader_module._query(kind, conn.info.server_version), params).fetchall() == []
    snap = read_snapshot(scratch_db)
    assert not any(snap.objects(kind) for kind in new)
    assert not set(new) & set(snapshot_to_dict(snap)["objects"])
    # with extension objects, pgvector's operators are read
    with connection(scratch_db) as conn, conn.transaction():
        preamble, census = reader_module._send_preamble(conn, skip, True)
        reader_module._prepared(preamble, skip, True)
        assert "operators" not in reader_module._empty_kinds(census)
    assert read_snapshot(scratch_db, include_extension_objects=True).operators


@pytest.mark.parametrize("schema", ["app", "public"])
@pytest.mark.parametrize("major", [18, 16])
def test_census_is_a_superset_for_the_new_kinds(
    scratch_db: str, scratch_db_16: str, schema: str, major: int
) -> None:
    """Each new kind's census (read from pg_depend for all but wrappers) says "some" whenever its query
    returns rows: one object of each kind at a time, in a schema of one's own and in public (the one
    schema PostgreSQL made that is never pinned, so its objects' dependencies on it are recorded)."""
    url = scratch_db if major == 18 else scratch_db_16
    one_each = {
        "text_search_configurations": f"CREATE TEXT SEARCH CONFIGURATION {schema}.c (COPY = simple)",
        "text_search_dictionaries": f"CREATE TEXT SEARCH DICTIONARY {schema}.d (TEMPLATE = simple)",
        "operators": f"CREATE OPERATOR {schema}.=== (LEFTARG = int, RIGHTARG = int, FUNCTION = int4eq)",
        "foreign_data_wrappers": "CREATE FOREIGN DATA WRAPPER w",
        "foreign_servers": "CREATE FOREIGN DATA WRAPPER w; CREATE SERVER s FOREIGN DATA WRAPPER w",
        "ranges": f"CREATE TYPE {schema}.r AS RANGE (subtype = int4)",
    }
    skip = reader_module.skipped_schemas(False)
    with connection(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION vector; CREATE SCHEMA IF NOT EXISTS app")
    for kind, statements in one_each.items():
        with connection(url) as conn:
            conn.execute(statements.encode())
            preamble, census = reader_module._send_preamble(conn, skip, False)
            params = reader_module._prepared(preamble, skip, False).params
            empty = reader_module._empty_kinds(census)
            for other in one_each:
                rows = conn.execute(reader_module._query(other, conn.info.server_version), params).fetchall()
                made = other == kind or (kind, other) == ("foreign_servers", "foreign_data_wrappers")
                assert bool(rows) == (other not in empty) == made, (kind, other)
            conn.rollback()
