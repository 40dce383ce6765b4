"""Statements of the old chain that fail on the scratch server for want of something the target has — a
role, an extension the scratch server lacks, a privilege — carried into the clean set (pure).

The clean set is a dump of the chain replayed on an empty scratch database, so what a statement would
have made when it fails there (``ALTER TABLE orders OWNER TO app_owner`` without that role, a table of
PostGIS type without PostGIS, an index on that table...) is not in the dump. Those statements are not
errors of the chain: they fail for want of something the project's databases have. So they are not
dropped: each is carried, as written, into a last clean-set file (``<version>_carried_statements.sql``),
with the file:line it comes from and the reason it failed here, in a block that runs it and, where it
still cannot run, raises a WARNING naming it instead of stopping the migration. Statements of the
chain's own mistakes (a duplicate CREATE, a wrong order) are not carried: the clean set replaces them.
Statements that schedule pg_cron jobs or grant on its schema are carried too, even when they ran: what they
make is in schema cron, which no dump of the project holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from psycopg import sql

from pgconsolidate.generate.cleanset import CleanFile, file_style
from pgconsolidate.generate.render import comment_block, do_block, dollar_tag, render
from pgconsolidate.sources.model import MigrationDir
from pgconsolidate.statements.split import split_sql

DOMAIN = "carried_statements"

#: What the scratch server lacks that the project's databases have (PostgreSQL's messages).
_ENVIRONMENT = re.compile(
    r'role "[^"]+" does not exist|extension "[^"]+" is not available|could not open extension control '
    r"file|has no installation script|permission denied|must be superuser|must be owner of database|"
    r"must have CREATEROLE|must be member of role|is not available: pgconsolidate stand-in for",
    re.IGNORECASE,
)
#: Statements a DO block cannot run (they refuse to run inside a transaction block).
_OUTSIDE_TRANSACTION = re.compile(
    r"^\s*(?:CREATE|DROP|REINDEX)\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY|^\s*(?:VACUUM|CREATE\s+DATABASE|"
    r"DROP\s+DATABASE|ALTER\s+SYSTEM|REINDEX\s+(?:DATABASE|SYSTEM))",
    re.IGNORECASE,
)


class _Where(Protocol):
    @property
    def file(self) -> str: ...
    @property
    def line(self) -> int: ...


class Failure(Protocol):
    """A failed statement of the replayed chain (``replay.model.ReplayFailure``)."""

    @property
    def file(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def message(self) -> str: ...
    @property
    def root_cause(self) -> _Where | None: ...


class Skip(Protocol):
    """A statement the replay did not run (``replay.model.Skipped``)."""

    @property
    def file(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def reason(self) -> str: ...


#: A statement that schedules, changes or removes pg_cron jobs, or grants on pg_cron's schema: what it does
#: lives in schema cron (the rows of ``cron.job``), which no schema dump of the project holds.
_CRON_CALL = re.compile(r"\bcron\s*\.\s*(?:schedule|schedule_in_database|unschedule|alter_job)\s*\(", re.I)
_CRON_GRANT = re.compile(
    r"\b(?:on|in)\s+schema\s+\"?cron\"?(?![\w$])|\bon\s+(?:table\s+)?\"?cron\"?\s*\.", re.I
)
_CRON_KINDS = frozenset({"SelectStmt", "DoStmt", "GrantStmt"})
CRON_REASON = (
    "it acts on pg_cron's jobs or schema (rows of cron.job), which the schema dump the clean set is made "
    "from does not hold"
)


@dataclass(frozen=True)
class Carried:
    file: str
    line: int
    reason: str
    text: str | None  # the statement as written; None when it cannot be found again (said in the file)
    failed: bool = True  # False: it ran on the scratch server, and is carried for what no dump holds


def cron_statements(mdir: MigrationDir) -> list[tuple[str, int, str]]:
    """(file, line, text) of the forward statements that schedule, change or remove pg_cron jobs
    (``SELECT cron.schedule(...)``, a DO block that performs it) or grant on schema cron, in the chain's
    order (pure). A function whose body schedules a job is not one: it is in the dump."""
    out: list[tuple[str, int, str]] = []
    for f in mdir.files:
        if f.filename.direction == "down" or not f.forward_sql or "cron" not in f.forward_sql.lower():
            continue
        for st in split_sql(f.path, f.forward_sql, first_line=f.span_line).statements:
            if st.kind not in _CRON_KINDS:
                continue
            pattern = _CRON_GRANT if st.kind == "GrantStmt" else _CRON_CALL
            if pattern.search(st.text):
                out.append((f.path, st.line, st.text))
    return out


def environment_statements(
    failures: Iterable[Failure], skipped: Iterable[Skip]
) -> list[tuple[str, int, str]]:
    """(file, line, reason) of every statement that failed for want of something the scratch server
    lacks (a role, an extension, a privilege), what cascades from such a failure, and what the replay
    skipped because an extension is unavailable; in the chain's order."""
    failures = list(failures)
    roots = {
        (f.file, f.line): f.message
        for f in failures
        if f.root_cause is None and _ENVIRONMENT.search(f.message)
    }
    out: dict[tuple[str, int], str] = {}
    for f in failures:
        if (f.file, f.line) in roots:
            out[(f.file, f.line)] = f.message
        elif f.root_cause is not None and (f.root_cause.file, f.root_cause.line) in roots:
            root = f.root_cause
            out[(f.file, f.line)] = (
                f"{f.message} (because {root.file}:{root.line} failed: {roots[(root.file, root.line)]})"
            )
    for s in skipped:
        out.setdefault((s.file, s.line), s.reason)
    return [(file, line, reason) for (file, line), reason in out.items()]


def carried_statements(
    mdir: MigrationDir, failures: Iterable[Failure], skipped: Iterable[Skip]
) -> list[Carried]:
    """The statements to carry, with their text from the files, in the chain's applied order: those that
    failed for want of something the scratch server lacks, and those that act on pg_cron's jobs or schema
    (:func:`cron_statements`; carried even when they ran, since no dump holds cron.job: a pg_cron stand-in
    runs them on the scratch server, and without this the clean set lost every scheduled job)."""
    wanted = environment_statements(failures, skipped)
    failing = {(file, line) for file, line, _ in wanted}
    cron = [(file, line, text) for file, line, text in cron_statements(mdir) if (file, line) not in failing]
    if not wanted and not cron:
        return []
    order = {f.path: i for i, f in enumerate(mdir.files)}
    texts: dict[tuple[str, int], str] = {}
    for path in {w[0] for w in wanted}:
        f = mdir.by_path(path)
        if f is None or f.text is None:
            continue
        for st in split_sql(f.path, f.forward_sql, first_line=f.span_line).statements:
            texts[(f.path, st.line)] = st.text
    carried = [Carried(file, line, reason, texts.get((file, line))) for file, line, reason in wanted]
    carried += [Carried(file, line, CRON_REASON, text, failed=False) for file, line, text in cron]
    return sorted(carried, key=lambda c: (order.get(c.file, len(order)), c.line))


def carried_block(c: Carried) -> str:
    """One carried statement: run as written; where it still cannot run, a WARNING names it."""
    why = f"it failed on the scratch server: {c.reason}" if c.failed else c.reason
    head = comment_block(f"carried from {c.file}:{c.line}; {why}")
    if c.text is None:
        return head + comment_block(
            "(the statement could not be found again in the file: copy it here by hand)"
        )
    statement = c.text.strip().rstrip(";").strip()
    if _OUTSIDE_TRANSACTION.search(statement):
        # cannot run in a block: written as is, commented out, for the user to run where it belongs
        return head + comment_block(
            "cannot run inside a transaction: run it by hand where it is needed:\n" + statement
        )
    tag = dollar_tag(statement, "stmt")
    said = (
        f"pgconsolidate: {c.file}:{c.line} not applied here (".replace("%", "%%")
        + "%"
        + f"): {c.reason}".replace("%", "%%")
    )
    body = (
        f"  EXECUTE {tag}{statement}{tag};\nEXCEPTION WHEN OTHERS THEN\n"
        f"  RAISE WARNING {render(sql.Literal(said))}, SQLERRM;"
    )
    return head + do_block(body)


def carried_file(carried: Sequence[Carried], tool: str, version: str) -> CleanFile | None:
    """The last clean-set file: every carried statement in the chain's order (None when there is none)."""
    if not carried:
        return None
    name, opening, closing = file_style(tool, version, DOMAIN)
    head = comment_block(
        "pgconsolidate clean set: statements carried from the old files\n\n"
        "Each failed on the empty scratch database the clean set was built on, for want of something\n"
        "the project's databases have (a role, an extension, a privilege), or acts on pg_cron's jobs, so\n"
        "the dump the other files come from does not hold what they make. They are carried as written;\n"
        "each runs in a block that raises a WARNING naming it, instead of stopping, where it still cannot\n"
        "run."
    )
    blocks = "\n".join(carried_block(c) for c in carried)
    objects = tuple(f"STATEMENT {c.file}:{c.line}" for c in carried)
    return CleanFile(name, DOMAIN, version, opening + head + "\n" + blocks + closing, objects)
