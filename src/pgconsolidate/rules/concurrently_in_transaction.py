"""Rule ``concurrently-in-transaction``: CONCURRENTLY (or VACUUM ...) where a transaction wraps the file."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pgconsolidate.rules.finding import Location, Severity
from pgconsolidate.rules.nodes import body, relation_schema
from pgconsolidate.rules.registry import Hit, RuleContext, rule
from pgconsolidate.sources.directives import sqlx_no_transaction
from pgconsolidate.sources.model import MigrationFile, Scheme
from pgconsolidate.statements.model import Statement

# tools that run each migration file inside one transaction unless told otherwise
# Prisma sends migration.sql as one multi-statement query (an implicit transaction); drizzle-kit's
# migrator runs all pending files in one transaction
_WRAPPING_TOOLS = {
    Scheme.SUPABASE,
    Scheme.FLYWAY,
    Scheme.FLYWAY_REPEATABLE,
    Scheme.GOOSE,
    Scheme.DBMATE,
    Scheme.SQL_MIGRATE,
    Scheme.TERN,
    Scheme.PRISMA,
    Scheme.DRIZZLE,
}
_GOOSE = Scheme.GOOSE
_DBMATE = Scheme.DBMATE
_GOLANG_MIGRATE = Scheme.GOLANG_MIGRATE
_GOOSE_NO_TX = re.compile(r"--\s*\+goose\s+NO\s+TRANSACTION", re.IGNORECASE)
_DBMATE_NO_TX = re.compile(r"--\s*migrate:up\s+transaction:false", re.IGNORECASE)
_SQL_MIGRATE_NO_TX = re.compile(r"^-- \+migrate[ \t]+Up[ \t][^\n]*\bnotransaction\b", re.MULTILINE)


def _file_wrapped(tool: Scheme, mf: MigrationFile | None) -> bool:
    text = mf.text if mf is not None and mf.text else ""
    if mf is not None and sqlx_no_transaction(mf.scheme, text):  # sqlx runs it outside a transaction
        return False
    if tool == _GOOSE or (mf is not None and mf.scheme == _GOOSE):
        return not _GOOSE_NO_TX.search(text)
    if tool == _DBMATE:
        return not _DBMATE_NO_TX.search(text)
    if tool == Scheme.SQL_MIGRATE:
        return not _SQL_MIGRATE_NO_TX.search(text)
    if tool == Scheme.TERN:
        return "---- tern: disable-tx ----" not in text
    if tool == _GOLANG_MIGRATE:
        # golang-migrate sends the file as one query: an implicit transaction when it holds more than one
        # statement (a file of one statement runs outside any: told by the caller)
        return True
    return tool in _WRAPPING_TOOLS


_NO_TX_KINDS = frozenset(
    {
        "IndexStmt",
        "DropStmt",
        "ReindexStmt",
        "VacuumStmt",
        "CreatedbStmt",
        "DropdbStmt",
        "AlterSystemStmt",
        "CreateTableSpaceStmt",
    }
)


_FLYWAY = frozenset({Scheme.FLYWAY, Scheme.FLYWAY_REPEATABLE})


def _transactional(st: Statement) -> bool:
    """A statement Flyway would run in a transaction (not BEGIN/COMMIT themselves)."""
    return st.kind != "TransactionStmt" and no_transaction_statement(st) is None


def no_transaction_statement(st: Statement) -> tuple[str, str] | None:
    """(what, object id) when ``st`` cannot run inside a transaction block."""
    if st.kind not in _NO_TX_KINDS:
        return None
    if st.kind in ("IndexStmt", "DropStmt", "ReindexStmt") and "concurrently" not in st.text.lower():
        return None
    b = body(st)
    if st.kind == "IndexStmt" and b.get("concurrent"):
        return "CREATE INDEX CONCURRENTLY", f"{relation_schema(b.get('relation'))}.{b.get('idxname', '')}"
    if st.kind == "DropStmt" and b.get("concurrent"):
        return "DROP INDEX CONCURRENTLY", ""
    if st.kind == "ReindexStmt":
        for p in b.get("params") or ():
            if p.get("DefElem", {}).get("defname") == "concurrently":
                return "REINDEX CONCURRENTLY", ""
    if st.kind == "VacuumStmt":
        return ("VACUUM", "") if b.get("is_vacuumcmd") else None
    if st.kind in ("CreatedbStmt", "DropdbStmt", "AlterSystemStmt", "CreateTableSpaceStmt"):
        return st.first_line.split("(")[0][:40], ""
    return None


@rule(
    id="concurrently-in-transaction",
    severity=Severity.ERROR,
    help="Move the statement to its own migration that runs outside a transaction (goose: `-- +goose NO "
    "TRANSACTION`; dbmate: `transaction:false`), or drop CONCURRENTLY when the table is small.",
)
def concurrently_in_transaction(ctx: RuleContext) -> Iterator[Hit]:
    """CREATE/DROP INDEX CONCURRENTLY (or VACUUM, REINDEX CONCURRENTLY) inside a transaction block.

    PostgreSQL refuses these in a transaction (``25001 ... cannot run inside a transaction block``).
    Supabase, goose and dbmate wrap every migration file in a transaction; Flyway too, except a file
    whose statements all run outside one (it refuses a file that mixes both unless ``flyway.mixed``);
    golang-migrate and Prisma send the file as one query (an implicit transaction when it holds more
    than one statement: golang-migrate's own advice is a file holding only the CONCURRENTLY statement) and
    drizzle-kit runs all pending files in one transaction; an explicit ``BEGIN`` does the same for any
    tool. Such statements were usually run by hand in production, so the index exists there but never on
    a fresh database.
    """
    tool = ctx.mdir.tool
    by_path: dict[str, MigrationFile] | None = None  # made when a statement needs its file
    for fs in ctx.files:
        wrapped: bool | None = None  # whether the tool wraps the file: told on the first statement found
        in_block = False
        for st in fs.statements:
            kind = st.kind
            if kind == "TransactionStmt":
                k = body(st).get("kind", "")
                if k in ("TRANS_STMT_BEGIN", "TRANS_STMT_START"):
                    in_block = True
                elif k in ("TRANS_STMT_COMMIT", "TRANS_STMT_ROLLBACK", "TRANS_STMT_PREPARE"):
                    in_block = False
                continue
            if kind not in _NO_TX_KINDS:  # what no_transaction_statement looks at first
                continue
            found = no_transaction_statement(st)
            if found is None:
                continue
            if wrapped is None:
                if by_path is None:
                    by_path = {f.path: f for f in ctx.mdir.files}
                wrapped = _file_wrapped(tool, by_path.get(fs.file))
                if wrapped and tool in _FLYWAY:  # Flyway runs a file of such statements without one
                    wrapped = any(_transactional(s) for s in fs.statements)
                elif wrapped and tool == _GOLANG_MIGRATE:  # one query: a lone statement is not in a block
                    wrapped = sum(s.kind != "TransactionStmt" for s in fs.statements) > 1
            if not (wrapped or in_block):
                continue
            what, obj = found
            why = (
                "inside BEGIN ... COMMIT"
                if in_block
                else "and Flyway refuses a migration that mixes it with transactional statements unless "
                "flyway.mixed is true"
                if tool in _FLYWAY
                else "and golang-migrate sends a file of several statements as one query, an implicit "
                "transaction: give it a file of its own"
                if tool == _GOLANG_MIGRATE
                else f"and {ctx.mdir.tool_name} runs each file in a transaction"
            )
            yield Hit(
                f"{what} cannot run inside a transaction block ({why}): the migration fails",
                Location(st.file, st.line, st.column),
                objects=(obj,) if obj else (),
            )
