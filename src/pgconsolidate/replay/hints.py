"""Map PostgreSQL's SQLSTATE and message to the cause a migration author can act on (pure)."""

from __future__ import annotations

import difflib
import re

from pgconsolidate.replay.model import Location
from pgconsolidate.statements.psql import meta_command_hint, meta_command_name

# Flyway's ``${name}`` / ``${flyway:defaultSchema}`` (Liquibase's too): substituted by the tool, not SQL.
_PLACEHOLDER = re.compile(r"\$\{[\w:.\-]+\}")


#: a function of an extension's stand-in that cannot compute what the extension does raised: "f() is not
#: available", "f() cannot make requests" (pg_net, http), "f() needs SHA-1, which core PostgreSQL lacks";
#: group ``fn`` the function, group ``ext`` the extension ("the http extension" -> http)
STAND_IN_RAISED = re.compile(
    r"^(?P<fn>.*?) (?:is not available|cannot make requests|needs [^:]*): pgconsolidate stand-in for "
    r"(?:the )?(?P<ext>[a-z][\w-]*)"
)


#: 42704 for a setting: ``SET x = 1``, ``SHOW x``, ``ALTER ROLE ... SET x``, ``set_config('x', ...)`` name one
#: PostgreSQL does not have (a custom setting needs a dotted name); ``current_setting('app.x')`` and ``SHOW
#: app.x`` a custom one nothing has set (``SET app.x = 1`` itself is accepted whatever the name)
_UNKNOWN_SETTING = re.compile(r'^unrecognized configuration parameter "(?P<name>[^"]+)"')


def _unknown_setting(name: str) -> str:
    """The hint of a failure on the setting ``name`` that the server does not know."""
    if "." in name:
        return (
            f"unset setting {name}: a custom (dotted) setting has no value until something sets it, and "
            f"reading it fails until then (current_setting('{name}'), SHOW); an extension's setting exists "
            "only once the extension is loaded: set it first (ALTER DATABASE/ROLE ... SET, or SET), or read "
            f"it with current_setting('{name}', true), which gives NULL"
        )
    return (
        f"unknown setting {name}: this PostgreSQL has no setting of that name; a custom setting needs a "
        f"dotted name (app.{name}); a server setting may be misspelled, or belong to another PostgreSQL "
        "version (added after this one, or since removed: replay on a matching server with --scratch-url)"
    )


#: 42704 for a function's ``LANGUAGE``: the server has no procedural language of that name
_UNKNOWN_LANGUAGE = re.compile(r'^language "(?P<name>[^"]+)" does not exist')
#: the languages every PostgreSQL has (pg_language: internal, c, sql; plpgsql installed by default)
BUILT_IN_LANGUAGES = ("plpgsql", "sql", "c", "internal")
#: languages an extension of the same name creates (contrib's, and the common third-party ones: plv8 on
#: Supabase, plrust, pljava, plr, pllua, plsh; plcoffee and plls came with plv8 up to 2.x)
EXTENSION_LANGUAGES = (
    "plpython3u",
    "plperl",
    "plperlu",
    "pltcl",
    "pltclu",
    "plv8",
    "plcoffee",
    "plls",
    "plrust",
    "pljava",
    "plr",
    "pllua",
    "plluau",
    "plsh",
)


def _unknown_language(name: str) -> str:
    """The hint of a function or DO block in the language ``name``, which the server does not have."""
    low = name.lower()
    if low != name and low in (*BUILT_IN_LANGUAGES, *EXTENSION_LANGUAGES):
        return (
            f'unknown language "{name}": language names are lower case, and a quoted name keeps its case: '
            f"write LANGUAGE {low}"
        )
    if low in EXTENSION_LANGUAGES:
        return (
            f"missing language {name}: it comes from extension {name}, which no earlier migration creates "
            f"(enabled from the dashboard?): add CREATE EXTENSION IF NOT EXISTS {name} before its first use "
            "(on a scratch server without it, replay with --scratch-url on one that has it)"
        )
    close = difflib.get_close_matches(low, (*BUILT_IN_LANGUAGES, *EXTENSION_LANGUAGES), n=1, cutoff=0.75)
    if close:
        return (
            f"unknown language {name}: a misspelling of {close[0]}? (no PostgreSQL language has that name: "
            f"write LANGUAGE {close[0]})"
        )
    return (
        f"unknown language {name}: PostgreSQL has {', '.join(BUILT_IN_LANGUAGES)}; any other comes from an "
        f"extension ({', '.join(EXTENSION_LANGUAGES[:6])}...), which no earlier migration creates: create it "
        "first, or write the function in a language the server has"
    )


#: 55P04: the value an ``ALTER TYPE ... ADD VALUE`` adds is usable only once its transaction commits
_NEW_ENUM_VALUE = re.compile(r'^unsafe use of new value "(?P<value>[^"]*)" of enum type "?(?P<type>[^"]+)"?')


def _new_enum_value(value: str, type_name: str, tool: str, pending_together: bool) -> str:
    """The hint of a use of enum value ``value`` in the transaction that added it; ``tool``: the directory's
    tool as a sentence names it; ``pending_together``: it applies every pending file in one transaction
    (drizzle-kit's migrator), so only a later deploy commits the value first."""
    head = (
        f"new enum value used before it is committed: {type_name}'s value {value} is usable only once the "
        "transaction of its ALTER TYPE ... ADD VALUE commits, and this statement runs in that transaction"
    )
    if pending_together:
        return (
            f"{head}; {tool} applies every pending migration file in one transaction, so a later file of "
            "the same deploy does not help: add the value in one deploy and use it in the next (a separate "
            f"{tool} migrate run)"
        )
    return (
        f"{head}; move the statements that use it to a later migration file ({tool} commits each file on "
        "its own; in a file run without a transaction, end the BEGIN ... COMMIT block after ADD VALUE)"
    )


def _at(loc: Location | None) -> str:
    return f"{loc.file}:{loc.line}" if loc else ""


def hint_for(
    sqlstate: str,
    message: str,
    *,
    earlier: Location | None = None,
    later: Location | None = None,
    cascade_of: Location | None = None,
    stand_in: bool = False,
    statement: str = "",
    removed: tuple[Location, str] | None = None,
    later_unparsable: bool = False,
    left_out: tuple[str, str] | None = None,
    columns_lost: tuple[str, ...] = (),
    platform: str | None = None,
    commented: Location | None = None,
    referenced_row: bool = False,
    tool: str = "the migration tool",
    pending_together: bool = False,
) -> str:
    """A one-sentence hint. ``earlier``: where the object named by an "already exists" error was first
    created; ``later``: where a missing object is created after this statement; ``cascade_of``: the
    failed statement that would have created the missing object; ``statement``: its text; ``removed``:
    where an earlier statement that ran dropped (or renamed, the second item says which) the missing
    object; ``later_unparsable``: the statement at ``later`` has a syntax error itself; ``left_out``: a file
    of the directory the migration tool does not run (and why) that creates the missing object;
    ``columns_lost``: columns of a failed ``CREATE TABLE`` that no earlier statement added to the table;
    ``platform``: the platform extension (Supabase's, preinstalled) whose missing schema, role or security
    label provider the error names; ``commented``: a CREATE of the missing object that only a ``--``
    comment holds; ``referenced_row``: ``cascade_of`` would have inserted the row a foreign key violation
    names as missing; ``tool``: the directory's tool as a sentence names it; ``pending_together``: it applies
    every pending file in one transaction (drizzle-kit)."""
    msg = message
    if cascade_of is not None and referenced_row:
        return (
            f"cascade: the statement at {_at(cascade_of)}, which failed, inserts rows into the table whose "
            "row this one references"
        )
    if cascade_of is not None:
        return f"cascade: the statement at {_at(cascade_of)} that would have created it failed"
    if platform is not None:
        return (
            f"platform extension: what it needs is extension {platform}'s, which every Supabase project has "
            "before its first migration and the scratch server lacks; the statement is skipped (carried "
            "into a consolidated set as written; replay on a server that has it with --scratch-url)"
        )
    if sqlstate in ("42P07", "42710", "42723") or "already exists" in msg:
        where = f" (first created at {_at(earlier)})" if earlier else ""
        lost = (
            f"; columns only this definition has are not added by any earlier statement: "
            f"{', '.join(columns_lost)} (the table keeps the first definition's columns)"
            if columns_lost
            else ""
        )
        return (
            f"duplicate create: the object already exists{where}{lost}; make one definition the source of "
            "truth or use IF NOT EXISTS / CREATE OR REPLACE"
        )
    raised = STAND_IN_RAISED.search(msg)
    if sqlstate == "0A000" and raised:
        return (
            f"extension {raised['ext']} is not on the scratch server, and its stand-in does not compute "
            f"{raised['fn']} (it raises rather than guess); the statement is skipped (carried into a "
            f"consolidated set as written; replay on a server that has {raised['ext']} with --scratch-url)"
        )
    ext = re.search(r'extension "([^"]+)" is not available', msg)
    if sqlstate == "0A000" and ext:
        if stand_in:
            return f"extension {ext[1]} is not installed on the scratch server; a stand-in was created"
        return (
            f"extension {ext[1]} is not available on the scratch server and has no stand-in; statements "
            "that need it are reported as skipped (replay on a server that has it with --scratch-url)"
        )
    if sqlstate == "0A000" and (
        "must include all partitioning columns" in msg or "with partition key definition" in msg
    ):
        return (
            "partition key missing from a unique key: a PRIMARY KEY or UNIQUE constraint/index on a "
            "partitioned table must include every partition key column (PRIMARY KEY (id, created_at)), and "
            "cannot exist when the partition key is an expression"
        )
    if sqlstate == "42704" and re.search(r'type "(vector|halfvec|sparsevec)" does not exist', msg):
        if later is None:
            return (
                "missing extension: the vector type needs the vector extension, which no migration creates "
                "(enabled from the dashboard or by a setup script?); add CREATE EXTENSION IF NOT EXISTS "
                "vector before its first use"
            )
        return (
            "extension created later: the vector type is used before the vector extension exists "
            f"(CREATE EXTENSION at {_at(later)}); move CREATE EXTENSION vector before its first use"
        )
    if sqlstate == "42P13" and "cannot change return type" in msg:
        return (
            "return type change: CREATE OR REPLACE cannot change a function's return type; "
            "DROP FUNCTION (with its argument types) first, then create it"
        )
    if sqlstate == "42725" and "is not unique" in msg:
        return (
            "ambiguous overloads: several functions of this name accept these arguments (a changed argument "
            "list adds an overload instead of replacing); drop the old overload by its exact signature"
        )
    if sqlstate == "22023" and "does not have dimensions" in msg:
        return (
            "dimensionless vector index: hnsw/ivfflat need a typed column such as vector(1536); index an "
            "expression (embedding::vector(1536)) with a matching WHERE filter, "
            "or give the column a dimension"
        )
    dims = re.search(r"expected (\d+) dimensions, not (\d+)", msg)
    if dims:
        return (
            f"dimension mismatch: the column holds vectors of {dims[1]} dimensions and this value has "
            f"{dims[2]}; "
            "the embedding model and the column type disagree"
        )
    enum_value = _NEW_ENUM_VALUE.match(msg) if sqlstate == "55P04" else None
    if enum_value:
        return _new_enum_value(enum_value["value"], enum_value["type"], tool, pending_together)
    if sqlstate == "25001":
        return (
            "runs outside a transaction only: the migration tool wraps each file in a transaction; put this "
            "statement in a file of its own that runs without a transaction, or drop CONCURRENTLY"
        )
    placeholder = _PLACEHOLDER.search(statement) if sqlstate == "42601" else None
    if placeholder:
        return (
            f"placeholder {placeholder[0]}: this directory's tool sends it as written, and PostgreSQL cannot "
            "parse it, so the statement fails wherever it runs (Flyway substitutes placeholders from its "
            "configuration, as replay does for a Flyway directory; goose only after -- +goose ENVSUB ON): "
            "write the value (e.g. the schema name), or turn on the tool's substitution"
        )
    if sqlstate == "42601" and statement.lstrip().startswith("\\"):
        return meta_command_hint(meta_command_name(statement))  # analyze's finding says the same
    if sqlstate == "42601":
        return (
            "syntax error: this statement never ran anywhere as written; "
            "fix it (and check what depended on it)"
        )
    setting = _UNKNOWN_SETTING.match(msg) if sqlstate == "42704" else None
    if setting:
        return _unknown_setting(setting["name"])
    if sqlstate in ("42P01", "42704", "42883", "3F000", "42703") or "does not exist" in msg:
        if removed is not None:
            dropped_at, how = removed
            again = f" (it is created again later, at {_at(later)})" if later is not None else ""
            if how == "renamed":
                return (
                    f"use after rename: an earlier statement renamed it, at {_at(dropped_at)}{again}; "
                    "use its new name here, or move this statement before the rename"
                )
            return (
                f"use after drop: an earlier statement dropped the object, at {_at(dropped_at)}{again}; "
                "move this statement before the drop, or delete it"
            )
        if later is not None and later_unparsable:
            return (
                f"use before create: the object is created later, at {_at(later)}, by a statement with a "
                "syntax error: fix that statement, then move it before this one"
            )
        if later is not None:
            return f"use before create: the object is created later, at {_at(later)}; reorder the files"
        if left_out is not None:
            return (
                f"missing object: only {left_out[0]} creates it, and the migration tool does not run that "
                f"file ({left_out[1]}); give it a name the tool runs, in order, or move its statements into "
                "a migration"
            )
        if commented is not None:
            return (
                f"missing object: no statement creates it; only a commented-out CREATE does, at "
                f"{_at(commented)}: uncomment it (and check it is what production has) or drop the "
                "statements that use it"
            )
        language = _UNKNOWN_LANGUAGE.match(msg) if sqlstate == "42704" else None
        if language:
            return _unknown_language(language["name"])
        if sqlstate == "42883" or msg.startswith("function"):
            return (
                "missing function: created by no earlier migration (enabled from the dashboard, an extension "
                "the scratch server lacks, or wrong argument types)"
            )
        if msg.startswith(("index", "policy", "trigger", "constraint")) and "does not exist" in msg:
            return "drop of a missing object: add IF EXISTS, or the object was only ever created by hand"
        return (
            "missing object: created by no earlier migration (made by hand or from a dashboard, or the "
            "migration that created it was deleted or edited since?)"
        )
    if sqlstate == "2BP01":
        return (
            "other objects depend on this one: drop or re-create them in the same migration "
            "(CASCADE drops them)"
        )
    if sqlstate in ("23505", "23503", "23502", "23514"):
        return (
            "data conflict: the rows this statement writes do not fit the table's constraints "
            "on a fresh database"
        )
    if sqlstate.startswith("42501") or "must be owner" in msg or "permission denied" in msg:
        return "privilege: the role running the migration may not do this (needs a superuser or the owner)"
    if sqlstate == "42809":
        return "wrong object kind: the name refers to another kind of object than the statement expects"
    return ""
