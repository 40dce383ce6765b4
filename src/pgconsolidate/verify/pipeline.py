"""``plan``, ``consolidate`` and ``verify`` end to end (the I/O layer around the pure stages).

consolidate: read DIR and the plan; refuse a non-empty OUTDIR, a stale plan (sha256) or an impossible one
before anything is written; replay the old chain once on scratch exactly as ``pgconsolidate replay`` does
(``verify.replay``: the owning tool's transactions, the Supabase base when needed, stand-ins for the
extensions the scratch server lacks); it serves the plan check, the fix run, the dump and the fix's second
run, which must change nothing. The clean set is built from the dump (minus what the Supabase base
provides, and minus the stand-ins' objects: the clean set creates the extension instead). With a live
database, a scratch copy of it is restored (``verify.livecopy``; what could not be copied is a
difference), the fix runs there twice and every row of every merged table is accounted for, and the clean
set is built from that copy instead (production is what the repository must describe; its differences
from the old chain are listed as declared). The clean set is written, replayed twice on an empty database
by the same engine, and compared: (a) clean set = (b) chain + fix (beyond the declared differences) and,
with a live database, = (c) live copy + fix. Stand-ins' objects are left out of every snapshot alike. The
output is written into a temporary directory renamed into place at the end.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from psycopg import sql

from pgconsolidate.analysis import analyze_dir
from pgconsolidate.catalog.model import Snapshot
from pgconsolidate.compare.diff import SnapshotDiff, diff_snapshots
from pgconsolidate.compare.render import text_lines
from pgconsolidate.config import load_config
from pgconsolidate.db.connect import connection, load_sql
from pgconsolidate.errors import InputError
from pgconsolidate.generate.carried import carried_file, carried_statements
from pgconsolidate.generate.cleanset import (
    CleanFile,
    DumpEntry,
    ExtensionStandIn,
    build_clean_set,
    created_extensions,
    extensions_created_by,
    split_dump,
)
from pgconsolidate.generate.defaulted import columns_set, leave_defaulted
from pgconsolidate.generate.files_only import creation_sql
from pgconsolidate.generate.fix import generate_fix
from pgconsolidate.generate.history import generate_history_repair, history_tool
from pgconsolidate.generate.layouts import companions, in_place_refusal, layout_files
from pgconsolidate.generate.render import qualified
from pgconsolidate.history import read_history, reconcile
from pgconsolidate.history.objects import history_object_names, history_tables_in, without_history
from pgconsolidate.history.reconcile import normalize_version, owning_histories, version_order_key
from pgconsolidate.model.types import Analysis
from pgconsolidate.plan.check import (
    check_plan,
    live_only_absent,
    live_only_line,
    live_only_missing,
    live_only_unlisted,
    planned_drops,
)
from pgconsolidate.plan.dependents import drop_source_problems, keep_used_sources, routines_using
from pgconsolidate.plan.facts import DataFacts
from pgconsolidate.plan.files_only import files_only_lines, files_only_objects, files_only_problems
from pgconsolidate.plan.model import Plan
from pgconsolidate.plan.propose import live_only_objects, merge_proposals, propose
from pgconsolidate.plan.recreated import recreated_tables
from pgconsolidate.plan.similar import reported_pairs, similar_threshold
from pgconsolidate.plan.toml_read import PlanProblem, read_plan
from pgconsolidate.plan.toml_write import not_merged_line
from pgconsolidate.plan.unbuilt import unbuilt_relations
from pgconsolidate.replay.model import ReplayFailure, ReplayResult, Skipped, StandIn
from pgconsolidate.replay.nested import nested_hint
from pgconsolidate.replay.placeholders import read_settings
from pgconsolidate.scratch import ScratchServer, get_scratch_server, throwaway_database
from pgconsolidate.scratch.standins import SPECS
from pgconsolidate.sources.layouts import unwritable_layout
from pgconsolidate.sources.model import MigrationDir, Scheme
from pgconsolidate.sources.reader import read_dir
from pgconsolidate.statements.split import split_sql
from pgconsolidate.verify.dump import base_entries, dump_data, dump_schema, managed_triggers, without_base
from pgconsolidate.verify.facts import read_facts
from pgconsolidate.verify.livecopy import (
    LiveCopy,
    account_rows,
    collisions,
    copy_live,
    drop_history_tables,
    is_supabase,
    live_stand_ins,
    measure,
    not_copied,
)
from pgconsolidate.verify.replay import (
    facts_without,
    replayed_chain,
    replayed_clean,
    run_script,
    snapshot_without,
    stood_in,
)

QUERIES = "pgconsolidate.verify.queries"
OUTPUT_MANIFEST = "pgconsolidate-output.json"
VERIFY_INFO = ("stand_ins", "live_copy_notes")  # lists in verify's result that are not differences
Step = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


KEYS = ("primary key", "unique")


@dataclass(frozen=True)
class Gathered:
    chain: Snapshot
    chain_facts: DataFacts
    failures: tuple[ReplayFailure, ...]
    live: Snapshot | None = None
    live_facts: DataFacts | None = None
    skipped: tuple[Skipped, ...] = ()
    stand_ins: tuple[StandIn, ...] = ()
    supabase: bool = False
    provided: tuple[Skipped, ...] = ()  # CREATE EXTENSION the platform provides (not run on scratch)
    placeholders: tuple[str, ...] = ()  # placeholders the chain ran with (Flyway, goose ENVSUB): baked in


def read_live(live_url: str | None) -> tuple[Snapshot | None, DataFacts | None]:
    """The live database's catalog and facts, without stand-ins it may hold (a scratch-built one)."""
    if not live_url:
        return None, None
    stand = live_stand_ins(live_url)
    return snapshot_without(live_url, stand), facts_without(read_facts(live_url), stand)


def live_schema(live: Snapshot, chain: Snapshot) -> Snapshot:
    """``live`` without the migration tool's history tables (goose_db_version, schema_migrations, ...) that
    the files do not create (``chain``: what they build), and what hangs on them: the tool made them, they
    are reconciled as history, and a plan listing them as made by hand would have the clean set create
    them."""
    built = {t.identity for t in chain.tables}
    tables = [t for t in history_tables_in(live) if t not in built]
    return without_history(live, history_object_names(live, tables, chain))


def live_history_lines(live_url: str, mdir: MigrationDir) -> list[str]:
    """Each disagreement between the live database's migration history and the files (a dirty
    golang-migrate flag, a failed Flyway row, a version applied without a file, a file changed after it
    was applied, ...), one line each: the consolidation was proven on the database as it is, and
    history_repair.sql replaces these versions, so what it papers over is said."""
    tables = read_history(live_url)
    owning = owning_histories(tables, mdir.tool.value) or list(tables)
    lines: list[str] = []
    for h in owning:
        for issue in reconcile(h, mdir).issues:
            lines.append(f"migration history {h.table} ({h.tool}) before the consolidation: {issue.message}")
    return lines


def refuse_pending(live_url: str, mdir: MigrationDir) -> None:
    """Refuse (InputError, nothing written) to consolidate against a live database whose history has not
    applied the newest files yet: the clean set would describe the database without them, and their
    changes, archived with the old files, would be applied nowhere. Files older than the newest applied
    version that the history lacks are only named (:func:`live_history_lines`)."""
    tables = read_history(live_url)
    owning = owning_histories(tables, mdir.tool.value)
    for h in owning:
        applied = {
            normalize_version(h.tool, e.version) for e in h.entries if e.version and e.success is not False
        }
        if not applied:
            continue
        newest = max(version_order_key(h.tool, v) for v in applied)
        pending = [
            f.path
            for f in mdir.files
            if f.version
            and normalize_version(h.tool, f.version) not in applied
            and version_order_key(h.tool, normalize_version(h.tool, f.version)) > newest
        ]
        if pending:
            shown = ", ".join(pending[:5]) + (f" and {len(pending) - 5} more" if len(pending) > 5 else "")
            raise InputError(
                f"{len(pending)} file(s) newer than what {h.table} ({h.tool}) records as applied were never "
                f"applied to the live database: {shown}; apply them with {h.tool} first (or consolidate "
                "without --database-url): the clean set would describe the database without their changes; "
                "nothing was written"
            )


def _supabase(live_url: str | None) -> bool | None:
    """Whether the proof's databases get the Supabase base: always when the live database is a Supabase
    project (its copy lives on the platform the clean set will be deployed to); else as ``replay``
    decides from the files (None)."""
    return True if live_url and is_supabase(live_url) else None


def _gathered(result: ReplayResult, live: Snapshot | None, live_facts: DataFacts | None) -> Gathered:
    assert result.url is not None
    chain = snapshot_without(result.url, result.stand_ins)
    return Gathered(
        chain,
        facts_without(read_facts(result.url), result.stand_ins),
        result.failures,
        None if live is None else live_schema(live, chain),
        live_facts,
        result.skipped,
        result.stand_ins,
        result.supabase_base,
        result.provided,
        tuple(p for p in result.placeholders if "->" in p),
    )


def gather(mdir: MigrationDir, live_url: str | None, scratch_url: str | None = None) -> Gathered:
    server = get_scratch_server(scratch_url)
    live, live_facts = read_live(live_url)
    with replayed_chain(server, mdir, supabase=_supabase(live_url)) as result:
        return _gathered(result, live, live_facts)


def _indexes_the_chain_builds(plan: Plan, chain: Snapshot, live: Snapshot) -> Plan:
    """``plan`` without the proposed indexes over a column the live database has and a replay of the files
    does not (a migration not applied there yet, a column added by hand): the fix runs on both, and
    ``consolidate`` refused the plan ``plan`` had just written. Each one left out is a note."""
    in_chain = {c.identity for c in chain.columns}
    in_live = {c.identity for c in live.columns}
    kept, notes = [], []
    for ix in plan.indexes:
        gone = [c for c in ix.columns if f"{ix.table}.{c}" in in_live and f"{ix.table}.{c}" not in in_chain]
        if gone:
            notes.append(
                f"index {ix.name} on {ix.table} ({', '.join(ix.columns)}) not proposed: the live database "
                f"has column {', '.join(gone)}, a replay of the files does not (the fix runs on both)"
            )
        else:
            kept.append(ix)
    if not notes:
        return plan
    return replace(plan, indexes=tuple(kept), notes=plan.notes + tuple(notes))


def make_plan(
    directory: str | None,
    live_url: str | None,
    scratch_url: str | None = None,
    *,
    analysis: Analysis | None = None,
) -> Plan:
    """Propose a plan for ``directory`` (with the live database at ``live_url``, when given). The files'
    object model is built once (``analysis``: already built by the caller) and serves the proposal, the
    pairs ``analyze`` reports similar, the unbuilt relations and the routines using merge sources."""
    mdir = analysis.mdir if analysis is not None else read_dir(directory)
    g = gather(mdir, live_url, scratch_url)
    if analysis is None:
        analysis = analyze_dir(mdir, keep_trees=False)
    config = load_config(Path(mdir.root))
    plan = propose(
        mdir,
        g.chain,
        g.chain_facts,
        g.live,
        g.live_facts,
        reported=reported_pairs(analysis, config),
        threshold=similar_threshold(config),
        analysis=analysis,
    )
    # relations the files create but a fresh replay does not build: planned only from a live database
    model = analysis.schema
    missing = unbuilt_relations(model, g.chain, ((f.file, f.line, f.message) for f in g.failures))
    if g.live is not None:  # the replay lacks it, the live database has it: planned from the live database
        live_has = {o.identity for o in (*g.live.tables, *g.live.views)}
        missing = tuple(u for u in missing if u.identity not in live_has)
    if missing:
        plan = replace(plan, notes=tuple(u.render(g.live is not None) for u in missing))
    if g.live is not None:
        plan = _indexes_the_chain_builds(plan, g.chain, g.live)
    if mdir.tool is Scheme.FLYWAY:  # the table Flyway keeps: flyway.table in its default schema
        table = read_settings(Path(mdir.root)).history_table
        plan = replace(plan, settings=replace(plan.settings, history_table=table))
    if live_url is not None:  # names sqlx shares with other tools: sqlx's when its database keeps its table
        owning = owning_histories(read_history(live_url), mdir.tool.value)
        if owning and owning[0].tool == "sqlx":
            plan = replace(plan, settings=replace(plan.settings, history_table=owning[0].table))
    # a source that routines, views or policies still use is kept (drop_source = false), they are named
    return keep_used_sources(plan, routines_using(model, (m.source for m in plan.merges)))


def not_merged_lines(
    plan: Plan, state: Snapshot, live_facts: DataFacts | None, analysis: Analysis, *, origin_live: bool
) -> list[str]:
    """The similar tables ``plan`` does not merge, with the reason, for REPORT.md: those the proposal
    would not merge (the reasons ``plan`` gives) and those it would but the plan's editor took out."""
    config = load_config(Path(analysis.mdir.root))
    origin = "the live database" if origin_live else "a fresh replay of the files"
    reported = reported_pairs(analysis, config)
    proposed, skipped = merge_proposals(state, live_facts, similar_threshold(config), reported, origin)
    planned = {frozenset((m.source, m.target)) for m in plan.merges}
    out = [not_merged_line(n) for n in skipped if n.pair not in planned]
    for m in proposed:
        if frozenset((m.source, m.target)) not in planned:
            out.append(
                f"{m.source} ~ {m.target}: not merged: the proposal merged them, this plan does not "
                "(edited out)"
            )
    return out


def load_plan(
    plan_path: Path,
    directory: str | None,
    snapshots: tuple[Snapshot, ...] | None = None,
    scratch_url: str | None = None,
    live_url: str | None = None,
    *,
    analysis: Analysis | None = None,
    notes: list[str] | None = None,
) -> tuple[Plan, MigrationDir, list[str]]:
    """Read and check a plan; returns (plan, directory, problems rendered as ``file:line: message``).
    ``analysis``: the directory's object model when the caller has built it (used when it is the
    directory's; else it is built here if the check needs it). Without ``snapshots`` the chain is replayed
    here and, with ``live_url``, the live database read: its ``live_only`` entries are checked against it,
    and the live-only objects the plan does not list are appended to ``notes`` (when given)."""
    try:
        text = plan_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read plan {plan_path}: {exc.strerror}") from None
    plan, problems = read_plan(text, str(plan_path))
    mdir = read_dir(directory or plan.directory or None)
    live_problems: tuple[PlanProblem, ...] = ()
    if snapshots is None:
        live, live_facts = read_live(live_url)
        with replayed_chain(get_scratch_server(scratch_url), mdir, supabase=_supabase(live_url)) as result:
            g = _gathered(result, live, live_facts)
        snapshots = (g.chain,) + ((g.live,) if g.live else ())
        if live is not None and g.live is not None:
            live_problems = live_only_missing(plan, text, live)
            live_problems += files_only_problems(plan, text, g.chain, g.live)
            if notes is not None:
                notes += live_only_unlisted(plan, live_only_objects(g.chain, g.live, planned_drops(plan)))
                listed = {e.object for e in plan.files_only}
                absent = files_only_objects(g.chain, g.live, planned_drops(plan))
                notes += files_only_lines(plan, [f for f in absent if f.object not in listed])
    shown = replace(plan, directory=directory) if directory else plan  # messages name the directory given
    more = check_plan(shown, text, current_files={f.path: f.sha256 for f in mdir.files}, snapshots=snapshots)
    more = (*more, *live_problems)
    if any(m.drop_source for m in plan.merges):
        if analysis is None or analysis.mdir.root != mdir.root:
            analysis = analyze_dir(mdir, keep_trees=False)
        model = analysis.schema
        users = routines_using(model, (m.source for m in plan.merges if m.drop_source))
        more = (*more, *drop_source_problems(plan, text, users))
    return plan, mdir, [p.render(str(plan_path)) for p in (*problems, *more)]


def refuse_missing_live_only(plan_path: Path, live: Snapshot) -> None:
    """Refuse (InputError, one line, nothing written) a plan whose ``live_only`` names an object the live
    database (its catalog ``live``) does not have."""
    try:
        text = plan_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read plan {plan_path}: {exc.strerror}") from None
    plan, _ = read_plan(text, str(plan_path))  # the reader's problems are reported by load_plan
    absent = live_only_absent(plan, live)
    if absent:
        where = ", ".join(
            f"{plan_path}:{n}: {e}" if (n := live_only_line(text, e)) else f"{plan_path}: {e}" for e in absent
        )
        raise InputError(
            f"the plan's live_only names {len(absent)} object(s) the live database does not have ({where}): "
            "remove them, or run `pgconsolidate plan --database-url` again; nothing was written"
        )


def tables_present(url: str, names: list[str]) -> set[str]:
    """Which of ``names`` (``schema.table``) exist in the database at ``url``."""
    out: set[str] = set()
    with connection(url, autocommit=True) as conn:
        for name in names:
            schema, _, table = name.partition(".")
            row = conn.execute(
                sql.SQL("SELECT to_regclass(format('%I.%I', {s}::text, {t}::text)) IS NOT NULL").format(
                    s=sql.Literal(schema), t=sql.Literal(table)
                )
            ).fetchone()
            if row and row[0]:
                out.add(name)
    return out


def tables_with_rows(url: str, names: list[str]) -> list[str]:
    """Which of ``names`` (``schema.table``, tables that exist) hold at least one row, in that order."""
    out: list[str] = []
    if not names:
        return out
    with connection(url, autocommit=True) as conn:
        for name in names:
            row = conn.execute(sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(qualified(name))).fetchone()
            if row and row[0]:
                out.append(name)
    return out


def key_columns(url: str, tables: list[str]) -> dict[str, frozenset[str]]:
    """The columns of each of ``tables``' (``schema.name``) primary key and unique indexes."""
    if not tables:
        return {}
    out: dict[str, set[str]] = {}
    with connection(url) as conn:
        for table, column in conn.execute(load_sql(QUERIES, "key_columns.sql").encode(), {"names": tables}):
            out.setdefault(str(table), set()).add(str(column))
    return {t: frozenset(c) for t, c in out.items()}


def reference_tables(mdir: MigrationDir) -> list[str]:
    """Tables the old files INSERT into (lookup / reference data)."""
    out: list[str] = []
    for f in mdir.files:
        for st in split_sql(f.path, f.forward_sql, first_line=f.span_line).statements:
            if st.kind == "InsertStmt":
                rel = st.body.get("relation", {})
                name = f"{rel.get('schemaname', 'public')}.{rel.get('relname', '')}"
                if name not in out:
                    out.append(name)
    return out


@dataclass
class Result:
    outdir: Path
    files: dict[str, str] = field(default_factory=dict)  # relative path -> role
    clean: list[CleanFile] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    second_run_differences: list[str] = field(default_factory=list)
    declared: list[str] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)


def _fingerprint(mdir: MigrationDir) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A directory's root and its files' paths and sha256 (two reads of the same files are equal)."""
    return str(Path(mdir.root).resolve()), tuple((f.path, f.sha256) for f in mdir.files)


def _stamp(base: dt.datetime, seconds: int) -> str:
    return (base + dt.timedelta(seconds=seconds)).strftime("%Y%m%d%H%M%S")


#: a pg_cron job as the proof compares it: name, schedule, command, active, runs in this database
CronJob = tuple[object, ...]


def cron_jobs(url: str) -> set[CronJob] | None:
    """The distinct pg_cron jobs of the database at ``url`` (empty without ``cron.job``; None when the role
    may not read it, a live database's): the clean set carries the statements that schedule them (no dump
    holds cron.job), and the proof compares what they scheduled. Distinct, since the clean set is replayed
    twice and a job without a name is scheduled again each time."""
    with connection(url, autocommit=True) as conn:
        row = conn.execute(load_sql(QUERIES, "cron_readable.sql").encode()).fetchone()
        if not row or row[0] is None:
            return set()
        if not row[0]:
            return None
        return {tuple(r) for r in conn.execute(load_sql(QUERIES, "cron_jobs.sql").encode()).fetchall()}


def cron_differences(
    before: set[CronJob],
    after: set[CronJob],
    sides: tuple[str, str] = ("after the chain + fix", "after the clean set"),
) -> list[str]:
    """The pg_cron jobs that ``before`` and ``after`` do not share, each side said by ``sides``."""

    def said(job: CronJob) -> str:
        name, schedule, command, active, here = job
        return (
            f"{name or '(no name)'} '{schedule}' {command!r}"
            + ("" if active else " (inactive)")
            + ("" if here else " (in another database)")
        )

    return [f"pg_cron job only {sides[0]}: {said(j)}" for j in sorted(before - after, key=str)] + [
        f"pg_cron job only {sides[1]}: {said(j)}" for j in sorted(after - before, key=str)
    ]


def cron_proof(
    chain: set[CronJob] | None,
    clean: set[CronJob] | None,
    live: set[CronJob] | bool | None = False,
) -> list[str]:
    """Every proof's comparison of pg_cron jobs (consolidate's, with or without a live database, and
    ``verify OUTDIR``'s): the clean set's jobs against the chain + fix's, and, with a live database,
    against the live database's (``LiveProof.cron``), where a job made by hand (the dashboard's Cron page)
    that no file schedules is a job a database built from the clean set would lack. ``live``: False
    without a live database, None when its role may not read cron.job (the proof then says it could not
    compare: the jobs are not proven)."""
    out = cron_differences(chain or set(), clean or set())
    if live is None:
        out.append(
            "live database vs clean set: pg_cron jobs not compared: the role may not read cron.job (USAGE on "
            "schema cron, SELECT on cron.job), so the jobs the clean set schedules are not proven"
        )
    elif not isinstance(live, bool):
        out += [
            f"live database vs clean set: {x}"
            for x in cron_differences(live, clean or set(), ("in the live database", "after the clean set"))
        ]
    return out


def row_counts(url: str, tables: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    with connection(url) as conn:
        for t in tables:
            row = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(qualified(t))).fetchone()
            out[t] = int(row[0]) if row else 0
    return out


def sequence_positions(url: str, sequences: list[str]) -> dict[str, int | None]:
    """``pg_sequence_last_value`` of each of ``sequences`` (``schema.name``): None until first used."""
    if not sequences:
        return {}
    with connection(url) as conn:
        rows = conn.execute(
            load_sql(QUERIES, "sequence_positions.sql").encode(), {"names": sequences}
        ).fetchall()
    return {str(r[0]): (int(r[1]) if r[1] is not None else None) for r in rows}


def behind(before: Mapping[str, int | None], after: Mapping[str, int | None]) -> list[str]:
    """Sequences that stand further in ``before`` (the chain + fix) than in ``after`` (the clean set): a
    fresh database built from the clean set would hand out keys its reference rows already hold."""
    out = []
    for seq, pos in sorted(before.items()):
        then = after.get(seq)
        if pos is not None and (then is None or then < pos):
            where = "its start" if then is None else str(then)
            out.append(
                f"sequence: {seq} stands at {pos} after chain + fix, at {where} after the clean set: the "
                "next insert into its reference table would reuse a key"
            )
    return out


@dataclass
class LiveProof:
    snapshot: Snapshot  # the copy of the live database after the fix
    second_run: list[str]
    accounting: list[str]
    copy: LiveCopy
    not_copied: list[str]  # what the live database has that its copy lacks (before the fix)
    schema_sql: str
    triggers: list[Any]
    rows_before: dict[str, int]
    rows_after: dict[str, int]
    collisions: dict[str, int]
    # the live database's pg_cron jobs, read from it: the fix never schedules one (the statements that do
    # are carried into the clean set only), and the copy's cron.job (restored from the dump into a
    # stand-in) names the live database, not the copy, as where each job runs; None: it may not be read
    cron: set[CronJob] | None = field(default_factory=set)


def _public_owner(snap: Snapshot) -> list[DumpEntry]:
    """``ALTER SCHEMA public OWNER TO role`` when the migrations gave ``public`` an owner other than the one
    a new database gives it (``pg_database_owner``, PostgreSQL 15+); empty otherwise."""
    owner = next((s.owner for s in snap.schemas if s.identity == "public"), None)
    if owner is None or owner == "pg_database_owner":
        return []
    stmt = sql.SQL("ALTER SCHEMA public OWNER TO {};").format(sql.Identifier(owner)).as_string(None)
    return [DumpEntry("public", "SCHEMA OWNER", "-", stmt)]


def _managed_label(entry: DumpEntry) -> str:
    """``policy 'name' on storage.objects`` for an app trigger or policy on a managed table."""
    table, _, name = entry.name.partition(" ")
    table = table if "." in table else f"{entry.schema}.{table}"
    return f"{entry.type.lower()} {name!r} on {table}"


def prove_live(
    live_url: str, plan: Plan, fix: str, server: ScratchServer, live: Snapshot, *, supabase: bool
) -> LiveProof:
    """(c): a scratch copy of the live database (checked against ``live``, its catalog), the fix applied
    to it twice, every row accounted for."""
    jobs = cron_jobs(live_url)
    with throwaway_database(server) as c:
        copied = copy_live(live_url, c, server, supabase=supabase)
        drop_history_tables(c, keep={t.identity for t in live.tables})
        missing = not_copied(live, snapshot_without(c, copied.stand_ins), copied)
        before = measure(c, plan)
        colliding = collisions(c, plan)
        run_script(c, fix, "consolidation fix on a copy of the live database")
        after = measure(c, plan)
        accounting = account_rows(before, after, plan, c)
        snap = snapshot_without(c, copied.stand_ins)
        schema_sql = dump_schema(c, server.major)
        triggers = managed_triggers(c)
        run_script(c, fix, "consolidation fix on the live copy (second run)")
        second = text_lines(diff_snapshots(snap, snapshot_without(c, copied.stand_ins)))
    return LiveProof(
        snap,
        second,
        accounting,
        copied,
        missing,
        schema_sql,
        triggers,
        {k: v.rows for k, v in before.items()},
        {k: v.rows for k, v in after.items()},
        colliding,
        jobs,
    )


def requested_schemas(mdir: MigrationDir, stand_ins: tuple[StandIn, ...]) -> dict[str, str]:
    """Extension -> the schema its ``CREATE EXTENSION`` (the one a stand-in replaced) asked for."""
    out: dict[str, str] = {}
    for s in stand_ins:
        f = mdir.by_path(s.file)
        if f is None:
            continue
        for st in split_sql(f.path, f.forward_sql, first_line=f.span_line).statements:
            if st.kind == "CreateExtensionStmt" and st.line == s.line:
                out[s.extension] = "public"  # no WITH SCHEMA: the first schema of the search_path
                for opt in st.body.get("options", []):
                    d = opt.get("DefElem", {}) if isinstance(opt, dict) else {}
                    if d.get("defname") == "schema":
                        out[s.extension] = str(d.get("arg", {}).get("String", {}).get("sval", ""))
    return {k: v for k, v in out.items() if v}


def extension_stand_ins(
    stand_ins: tuple[StandIn, ...], supabase: bool, schemas: dict[str, str]
) -> tuple[ExtensionStandIn, ...]:
    """The stand-ins of a replay or copy, as the clean-set generator needs them. ``schemas``: the schema
    each extension was created in, when known (else where the stand-in is; for an extension whose objects
    live in a schema of their own, pg_net, the platform's ``extensions`` or ``public``)."""
    out: list[ExtensionStandIn] = []
    for s in stood_in(stand_ins, supabase):
        if s.extension not in SPECS:
            continue
        fallback = s.schema
        if SPECS[s.extension].fixed_schema is not None:
            fallback = "extensions" if supabase else "public"
        schema = schemas.get(s.extension) or fallback
        out.append(ExtensionStandIn(s.extension, schema, s.objects, create=s.requested, note=s.note))
    return tuple(out)


def not_proven(skipped: tuple[Skipped, ...]) -> list[str]:
    """Statements of the old chain that could not run on scratch (an extension without a stand-in): what
    they create is missing from both sides, so the proof cannot vouch for it."""
    return [f"not proven: {s.file}:{s.line} `{s.statement}` was skipped: {s.reason}" for s in skipped]


def undeclared(diff: SnapshotDiff, declared: set[str]) -> list[str]:
    """The lines of ``diff`` whose object (or its table) is not in ``declared``."""
    keep = [d for d in diff.differences if d.identity not in declared and (d.parent or "") not in declared]
    return text_lines(SnapshotDiff(diff.a, diff.b, tuple(keep), diff.ignored))


def stand_in_lines(
    sources: list[tuple[tuple[StandIn, ...], str]], supabase: bool, created: frozenset[str] = frozenset()
) -> list[str]:
    """One line per extension stood in for (by the replay or in the live copy), and what it means.
    ``created``: the extensions the clean set creates (a platform-provided one the chain created too)."""
    out: list[str] = []
    seen: set[str] = set()
    for stand_ins, where in sources:
        for s in stood_in(stand_ins, supabase):
            if s.extension in seen:
                continue
            seen.add(s.extension)
            how = (
                "the clean set creates it (CREATE EXTENSION IF NOT EXISTS)"
                if s.requested or s.extension in created
                else "provided by the platform's base (as on a hosted Supabase project), not by the clean set"
            )
            out.append(f"{s.extension} (stand-in objects in schema {s.schema}, {where}): {s.note}; {how}")
    return out


@contextmanager
def _staging(outdir: Path) -> Iterator[Path]:
    """A temporary directory next to ``outdir``, removed unless the caller renames it into place."""
    tmp = outdir.with_name(f".{outdir.name}.pgc-tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def consolidate(
    directory: str | None,
    plan_path: Path,
    outdir: Path,
    *,
    live_url: str | None = None,
    scratch_url: str | None = None,
    in_place: bool = False,
    now: dt.datetime | None = None,
    step: Step = _quiet,
    analysis: Analysis | None = None,
) -> Result:
    """Write and verify the consolidation of ``directory`` by the plan at ``plan_path`` into ``outdir``
    (see the module docstring). ``analysis``: the directory's object model when the caller has built it
    (``demo`` builds it once for the plan and for this); it is used when its files are the directory's."""
    from pgconsolidate.archive.files import apply_in_place, copy_archive, write_manifest
    from pgconsolidate.fsio import write_atomic
    from pgconsolidate.generate.report import callers_of, generate_report

    if outdir.exists() and (not outdir.is_dir() or any(outdir.iterdir())):
        raise InputError(f"output directory {outdir} is not empty: choose a new one (nothing was written)")
    server = get_scratch_server(scratch_url)
    if directory is None:
        try:
            planned, _ = read_plan(plan_path.read_text(encoding="utf-8"), str(plan_path))
        except OSError as exc:
            raise InputError(f"cannot read plan {plan_path}: {exc.strerror}") from None
        directory = planned.directory or None
    mdir0 = read_dir(directory)
    if not mdir0.files:
        skipped = "; ".join(f"{lo.path}: {lo.reason}" for lo in mdir0.left_out[:3])
        raise InputError(
            f"{mdir0.root}: no migration files to consolidate"
            + (f" (left out: {skipped})" if skipped else "")
            + nested_hint(mdir0)
            + "; nothing was written"
        )
    if (why := unwritable_layout(mdir0.tool)) is not None:
        raise InputError(f"{mdir0.root}: {why}; nothing was written")
    # the old files' object model, built once: the plan check (routines using a merge source) and the
    # findings before/after in REPORT.md read it
    if live_url:
        refuse_pending(live_url, mdir0)
    live, live_facts = read_live(live_url)
    if live is not None:
        refuse_missing_live_only(plan_path, live)
    if analysis is None or _fingerprint(analysis.mdir) != _fingerprint(mdir0):
        analysis = analyze_dir(mdir0, keep_trees=False)
    # one replay of the old chain serves the plan check, the fix run, the dump and the second run; it is
    # kept until the end, so that roles its migrations created exist while the clean set replays
    step(f"replaying the {len(mdir0.files)} old files on a scratch database")
    with replayed_chain(server, mdir0, supabase=_supabase(live_url)) as chain:
        assert chain.url is not None
        chain_url = chain.url
        g = _gathered(chain, live, live_facts)
        plan, mdir, problems = load_plan(
            plan_path,
            directory,
            (g.chain,) + ((g.live,) if g.live else ()),
            scratch_url,
            analysis=analysis,
        )
        if g.live is not None:  # files_only entries checked against the live database and the files
            text = plan_path.read_text(encoding="utf-8")
            problems += [p.render(str(plan_path)) for p in files_only_problems(plan, text, g.chain, g.live)]
        if problems:
            raise InputError(
                f"the plan has {len(problems)} problem(s); nothing was written:\n" + "\n".join(problems)
            )
        if in_place and (why := in_place_refusal(mdir.tool.value, plan.settings.archive_mode)) is not None:
            raise InputError(f"{mdir.root}: {why}; nothing was written")
        unlisted = (
            live_only_unlisted(plan, live_only_objects(g.chain, g.live, planned_drops(plan)))
            if g.live
            else ()
        )
        state = g.live or g.chain
        facts = g.live_facts or g.chain_facts
        unmerged = not_merged_lines(plan, state, g.live_facts, analysis, origin_live=g.live is not None)
        definitions: dict[str, str] = {}
        for choice in plan.functions:
            ff = g.live_facts.function(choice.keep) if g.live_facts and choice.keep_from == "live" else None
            if ff is not None and ff.definition:
                definitions[choice.keep] = ff.definition
        base = now or dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        fix_name = f"{_stamp(base, 0)}_consolidation_fix.sql"
        # objects the files create that the live database lacks: each said, created by the fix if planned
        absent = files_only_objects(g.chain, g.live, planned_drops(plan), analysis.schema) if g.live else []
        files_only_notes = files_only_lines(plan, absent)
        chosen = [e for e in plan.files_only if e.action == "create"]
        # the dump leaves the platform's schemas out: the app's triggers and policies on their tables too
        created = []
        if chosen:
            sources = split_dump(dump_schema(chain_url, server.major)) + managed_triggers(chain_url)
            created = creation_sql(sources, chosen)
        files_only_notes += [
            f"{e.kind} {e.object}: its definition is not in a dump of the replayed files: NOT created"
            for e in chosen
            if e.object not in {ident for ident, _ in created}
        ]
        fix = generate_fix(
            plan,
            state,
            definitions=definitions,
            extension_schemas=facts.extension_schemas,
            stamp=_stamp(base, 0),
            recreated=(recreated := recreated_tables(analysis, g.live_facts)),
            created=created,
        )
        refs = reference_tables(mdir)
        step("running the consolidation fix on the replayed chain (twice)")
        run_script(chain_url, fix, "consolidation fix on the replayed chain")
        snap_b = snapshot_without(chain_url, chain.stand_ins)
        existing = {t.identity for t in snap_b.tables}
        schema_sql = dump_schema(chain_url, server.major)
        # reference data goes with the clean set, also rows the files put into platform tables (a
        # storage bucket in storage.buckets): the snapshot leaves managed schemas out, so ask the database
        present = existing | tables_present(chain_url, [t for t in refs if t not in existing])
        ref_tables = [t for t in refs if t in present]
        # rows the files put there otherwise (a function called to seed a setting, a DO block, COPY):
        # every other ordinary table of the app that holds rows after the chain is reference data too
        ref_tables += tables_with_rows(
            chain_url,
            [t.identity for t in snap_b.tables if t.relkind == "r" and t.identity not in ref_tables],
        )
        data_sql = dump_data(chain_url, ref_tables, server.major)
        # the columns the files never set (a bucket's created_at) stay at their defaults, as the files left
        # them: not the values the scratch replay gave them (generate/defaulted.py); the proof compares the
        # reference tables' row counts and sequence positions, not values, so this cannot make it fail
        set_by_files = columns_set(mdir, also=fix)
        narrowed = [t for t in refs if t in ref_tables and set_by_files.get(t) is not None]
        keys = key_columns(chain_url, narrowed)
        data_entries, _ = leave_defaulted(
            split_dump(data_sql),
            {t: (set_by_files[t] or frozenset()) | keys.get(t, frozenset()) for t in narrowed},
        )
        ref_counts = row_counts(chain_url, ref_tables)
        ref_cron = cron_jobs(chain_url)
        # the sequences of the reference tables' columns: the clean set must leave them where the chain did
        owned = tuple(f"{t}." for t in ref_tables)
        ref_sequences = [q.identity for q in snap_b.sequences if q.owned_by and q.owned_by.startswith(owned)]
        ref_positions = sequence_positions(chain_url, ref_sequences)
        keyless = (
            frozenset(existing)
            - {c.table for c in snap_b.constraints if c.contype in KEYS}
            - {i.table for i in snap_b.indexes if i.unique}
        )
        extra = managed_triggers(chain_url)
        run_script(chain_url, fix, "consolidation fix (second run)")
        second = diff_snapshots(snap_b, snapshot_without(chain_url, chain.stand_ins))
        live_proof = None
        if live_url and live is not None:
            step("copying the live database to scratch, running the fix there twice, counting rows")
            live_proof = prove_live(live_url, plan, fix, server, g.live or live, supabase=chain.supabase_base)
        stand_ins = chain.stand_ins
        ext_schemas = requested_schemas(mdir, chain.stand_ins)
        managed_live_only: list[str] = []
        if live_proof is not None:  # the clean set describes production (after the fix)
            by_chain = {(e.type, e.schema, e.name) for e in extra}
            managed_live_only = [
                f"{_managed_label(e)}: only in the live database (made by hand or on the dashboard, on a "
                "table of the platform's schema); the clean set creates it as the live database has it"
                for e in live_proof.triggers
                if (e.type, e.schema, e.name) not in by_chain
            ]
            schema_sql, extra = live_proof.schema_sql, live_proof.triggers
            stand_ins = live_proof.copy.stand_ins
            ext_schemas = dict(live_proof.copy.extension_schemas)
        # pg_dump --no-owner leaves out the chain's ALTER SCHEMA public OWNER TO (every ``supabase db
        # dump`` file has one): without it the clean set's public differs and the proof fails
        extra = [*extra, *_public_owner(live_proof.snapshot if live_proof is not None else snap_b)]
        clean_stand_ins = extension_stand_ins(stand_ins, chain.supabase_base, ext_schemas)
        # every extension the chain created is re-created by the clean set, a platform-provided one too
        chain_extensions = created_extensions(analysis.schema, schema_sql, clean_stand_ins)
        # and one the chain needs but never created (enabled from the dashboard; created before the replay)
        made = {name for name, _ in chain_extensions}
        chain_extensions += tuple(
            (a.extension, "extensions") for a in chain.assumed if a.extension not in made
        )
        made.update(a.extension for a in chain.assumed)
        clean_stand_ins = tuple(replace(s, create=s.create or s.extension in made) for s in clean_stand_ins)
        versions = [_stamp(base, i + 1) for i in range(len(plan.domains))]
        clean = build_clean_set(
            # what the base provides is the platform's, and only left out when the proof has the base
            without_base(schema_sql, server) if chain.supabase_base else split_dump(schema_sql),
            data_entries,
            plan.domains,
            versions,
            [(f.path, f.sha256) for f in mdir.files],
            extra,
            tool=mdir.tool.value,
            keyless=keyless,
            stand_ins=clean_stand_ins,
            extensions=chain_extensions,
            # the base's default privileges count in what the clean set's objects get
            platform=[DumpEntry(n, t, s, q) for t, n, s, q in base_entries(server)]
            if chain.supabase_base
            else (),
            dumped_defaults=[e for e in split_dump(schema_sql) if e.type == "DEFAULT ACL"]
            if chain.supabase_base
            else None,
        )
        if not clean:
            failing = len(chain.failures)
            raise InputError(
                f"{mdir.root}: nothing to consolidate: replayed on an empty database, the "
                f"{len(mdir.files)} files create no object"
                + (f" ({failing} statement(s) fail: `pgconsolidate replay` lists them)" if failing else "")
                + "; nothing was written"
            )
        # statements that failed for want of a role, extension or privilege the scratch server lacks
        carried = carried_statements(mdir, chain.failures, chain.skipped)
        if (last := carried_file(carried, mdir.tool.value, _stamp(base, len(plan.domains) + 1))) is not None:
            clean.append(last)
        root = Path(mdir.root)
        with _staging(outdir) as tmp:
            for c in clean:
                write_atomic(tmp / "migrations" / c.name, c.text.encode())
            # a directory layout's other files: Prisma's migration_lock.toml, Diesel's down.sql
            lock = root / "migration_lock.toml"
            layout = layout_files(
                mdir.tool.value, [c.name for c in clean], lock.read_bytes() if lock.is_file() else None
            )
            for rel, data in layout.items():
                write_atomic(tmp / "migrations" / rel, data)
            step(f"replaying the {len(clean)} clean-set files twice on an empty database and comparing")
            with replayed_clean(server, str(tmp / "migrations"), supabase=chain.supabase_base) as replayed:
                assert replayed.url is not None
                snap_a = snapshot_without(replayed.url, replayed.stand_ins)
                clean_counts = row_counts(replayed.url, ref_tables)
                clean_positions = sequence_positions(replayed.url, ref_sequences)
                clean_cron = cron_jobs(replayed.url)
            result = Result(outdir)
            result.clean = clean
            declared: list[str] = []
            if live_proof is not None:
                chain_vs_live = diff_snapshots(snap_b, live_proof.snapshot)
                declared = text_lines(chain_vs_live)
                names = {d.identity for d in chain_vs_live.differences}
                result.differences = undeclared(diff_snapshots(snap_b, snap_a), names)
                result.differences += [
                    f"live copy + fix vs clean set: {x}"
                    for x in text_lines(diff_snapshots(live_proof.snapshot, snap_a))
                ]
                result.differences += [f"live copy: not copied: {x}" for x in live_proof.not_copied]
                result.differences += [f"row accounting: {x}" for x in live_proof.accounting]
                result.differences += [f"live copy: {x}" for x in live_proof.copy.unproven]
                result.second_run_differences = text_lines(second) + live_proof.second_run
            else:
                result.differences = text_lines(diff_snapshots(snap_b, snap_a))
                result.second_run_differences = text_lines(second)
            result.declared = declared
            result.differences += not_proven(g.skipped)
            result.differences += [
                f"reference data: {t} has {ref_counts[t]} rows after chain + fix, "
                f"{clean_counts.get(t)} after the clean set (run twice)"
                for t in ref_tables
                if ref_counts[t] != clean_counts.get(t)
            ]
            result.differences += behind(ref_positions, clean_positions)
            result.differences += cron_proof(ref_cron, clean_cron, live_proof.cron if live_proof else False)
            history = generate_history_repair(
                plan.settings.history_table,
                [(c.version, c.domain) for c in clean],
                [f.version for f in mdir.files],
                tool=history_tool(plan.settings.history_table, mdir.tool.value),
                scripts={c.version: (c.name, c.text) for c in clean},
                replaced_files=[f.path for f in mdir.files],
            )
            out: dict[str, bytes] = {fix_name: fix.encode(), "history_repair.sql": history.encode()}
            out["pgconsolidate.plan.toml"] = plan_path.read_bytes()
            for rel, data in out.items():
                write_atomic(tmp / rel, data)
            entries = copy_archive(root, [f.path for f in mdir.files] + companions(mdir), tmp / "archive")
            roles = {
                fix_name: "fix",
                "history_repair.sql": "history repair",
                "pgconsolidate.plan.toml": "plan",
            }
            roles.update({f"migrations/{c.name}": "clean set" for c in clean})
            roles.update({f"migrations/{rel}": "clean set layout" for rel in layout})
            skipped_lines = [f"{s.file}:{s.line}: {s.reason}" for s in g.skipped]
            platform_lines = [f"{s.file}:{s.line} `{s.statement}`: {s.reason}" for s in g.provided]
            platform_lines += [
                f"{a.file}:{a.line} uses {a.what}: extension {a.extension}, which no migration creates, was "
                "taken as enabled on the platform (the dashboard); the clean set creates it"
                for a in chain.assumed
            ]
            copy_notes = (list(live_proof.copy.notes) if live_proof else []) + list(unlisted)
            copy_notes += managed_live_only
            history_lines = live_history_lines(live_url, mdir) if live_url else []
            stood_lines = stand_in_lines(
                [(g.stand_ins, "replay")]
                + ([(live_proof.copy.stand_ins, "live copy")] if live_proof else []),
                g.supabase,
                extensions_created_by([c.text for c in clean]),
            )
            summary = {
                "files_before": len(mdir.files),
                "files_after": len(clean),
                "replay_failures_before": len(g.failures),
                "definers_converted": sum(1 for d in plan.definers if d.action == "invoker"),
                "definers_kept": sum(1 for d in plan.definers if d.action == "keep"),
                "merges": [f"{m.source} -> {m.target}" for m in plan.merges],
                "sources_kept": [m.source for m in plan.merges if not m.drop_source],
                "differences": len(result.differences),
                "second_run_differences": len(result.second_run_differences),
                "rows_before": live_proof.rows_before if live_proof else {},
                "rows_after": live_proof.rows_after if live_proof else {},
                "colliding_keys": live_proof.collisions if live_proof else {},
                "stand_ins": stood_lines,
                "skipped": skipped_lines,
                "platform": platform_lines,
                "live_copy": copy_notes,
                "live_history": history_lines,
                "files_only": files_only_notes,
            }
            from pgconsolidate.verify.findings import findings_before_after

            step("writing the output; findings before and after")
            counts = findings_before_after(
                mdir, tmp / "migrations", analysis if analysis.mdir.root == mdir.root else None
            )
            if counts is not None:
                summary["findings_before"] = sum(counts[0].values())
                summary["findings_after"] = sum(counts[1].values())
            report = generate_report(
                counts,
                declared,
                live_proof.rows_before if live_proof else {},
                live_proof.rows_after if live_proof else {},
                live_proof.collisions if live_proof else {},
                plan,
                mdir,
                clean,
                g.failures,
                result.differences,
                result.second_run_differences,
                fix_name,
                g.live_facts,
                g.chain_facts,
                snapshot=state,
                stand_ins=clean_stand_ins,
                callers=callers_of(
                    clean_stand_ins,
                    (g.live_facts or g.chain_facts).functions,
                ),
                skipped=skipped_lines,
                platform=platform_lines,
                live_copy=copy_notes + history_lines,
                not_merged=unmerged,
                recreated=recreated,
                files_only=files_only_notes,
                placeholders=g.placeholders,
            )
            write_atomic(tmp / "REPORT.md", report.encode())
            roles["REPORT.md"] = "report"
            manifest = {
                "schema_version": 1,
                "source_dir": str(root.resolve()),
                "tool": history_tool(plan.settings.history_table, mdir.tool.value),
                "plan_sha256": hashlib.sha256(plan_path.read_bytes()).hexdigest(),
                "source_files": [{"path": f.path, "sha256": f.sha256} for f in mdir.files],
                "files": [
                    {
                        "path": rel,
                        "role": role,
                        "sha256": hashlib.sha256((tmp / rel).read_bytes()).hexdigest(),
                    }
                    for rel, role in sorted(roles.items())
                ],
                "fix": fix_name,
                "clean_set": [f"migrations/{c.name}" for c in clean],
                "history_repair": "history_repair.sql",
                "history_table": plan.settings.history_table,
                "verified": not result.differences and not result.second_run_differences,
                "supabase_base": chain.supabase_base,
                "live": live_url is not None,
                "declared_differences": declared,
                "rows_before": live_proof.rows_before if live_proof else {},
                "rows_after": live_proof.rows_after if live_proof else {},
                "colliding_keys": live_proof.collisions if live_proof else {},
                "summary": summary,
            }
            write_atomic(tmp / OUTPUT_MANIFEST, (json.dumps(manifest, indent=1) + "\n").encode())
            if in_place:
                added = {c.name: c.text.encode() for c in clean}
                added.update({rel: data for rel, data in layout.items() if not (root / rel).exists()})
                entries = apply_in_place(root, entries, plan.settings.archive_mode, added)
            write_manifest(tmp / "archive", root, entries)
            if outdir.exists():
                outdir.rmdir()
            os.replace(tmp, outdir)
    result.files = roles
    result.summary = summary
    return result


def verify_outdir(
    outdir: Path, live_url: str | None = None, scratch_url: str | None = None, step: Step = _quiet
) -> dict[str, Any]:
    """Re-check an output directory: (a) clean set on empty == (b) chain + fix; with a live database,
    (c) its schema after the fix on a scratch copy is compared too. Every replay goes through the replay
    engine, stand-ins included, as in ``consolidate``."""
    mpath = outdir / OUTPUT_MANIFEST
    if not mpath.is_file():
        raise InputError(f"{mpath} not found: not a pgconsolidate output directory")
    man = json.loads(mpath.read_text(encoding="utf-8"))
    mdir = read_dir(str(outdir / "archive"))
    fix = (outdir / man["fix"]).read_text(encoding="utf-8")
    server = get_scratch_server(scratch_url)
    live, _ = read_live(live_url)
    step("replaying the clean set, and the old files plus the fix, on scratch databases")
    supabase = man.get("supabase_base")
    with replayed_chain(
        server, mdir, supabase=_supabase(live_url) if supabase is None else supabase
    ) as chain:
        assert chain.url is not None
        run_script(chain.url, fix, "consolidation fix on chain")
        snap_b = snapshot_without(chain.url, chain.stand_ins)
        chain_cron = cron_jobs(chain.url)
        run_script(chain.url, fix, "consolidation fix (second run)")
        second = diff_snapshots(snap_b, snapshot_without(chain.url, chain.stand_ins))
        with replayed_clean(server, str(outdir / "migrations"), supabase=chain.supabase_base) as clean:
            assert clean.url is not None
            snap_a = snapshot_without(clean.url, clean.stand_ins)
            clean_cron = cron_jobs(clean.url)
        out: dict[str, Any] = {"schema_version": 1, "fix_second_run": text_lines(second)}
        out["not_proven"] = not_proven(chain.skipped)
        if live_url and live is not None:
            live = live_schema(live, snap_b)
            plan, _ = read_plan((outdir / "pgconsolidate.plan.toml").read_text(encoding="utf-8"))
            step("copying the live database to scratch, running the fix there twice, counting rows")
            proof = prove_live(live_url, plan, fix, server, live, supabase=chain.supabase_base)
            names = {d.identity for d in diff_snapshots(snap_b, proof.snapshot).differences}
            out["clean_vs_chain_plus_fix"] = undeclared(diff_snapshots(snap_b, snap_a), names)
            out["clean_vs_live_plus_fix"] = text_lines(diff_snapshots(proof.snapshot, snap_a))
            out["live_not_copied"] = proof.not_copied
            out["row_accounting"] = proof.accounting
            out["not_proven"] += list(proof.copy.unproven)
            out["fix_second_run_on_live_copy"] = proof.second_run
            out["rows_before"], out["rows_after"] = proof.rows_before, proof.rows_after
            out["live_copy_notes"] = list(proof.copy.notes)
            out["cron_jobs"] = cron_proof(chain_cron, clean_cron, proof.cron)
        else:
            out["cron_jobs"] = cron_proof(chain_cron, clean_cron)
            declared = man.get("declared_differences") or []
            diff = diff_snapshots(snap_b, snap_a)
            out["clean_vs_chain_plus_fix"] = (
                [x for x in text_lines(diff) if x not in declared] if declared else (text_lines(diff))
            )
        sources = [(chain.stand_ins, "replay")]
        if live_url and live is not None:
            sources.append((proof.copy.stand_ins, "live copy"))
    texts = [(outdir / p).read_text(encoding="utf-8") for p in man.get("clean_set", [])]
    out["stand_ins"] = stand_in_lines(sources, chain.supabase_base, extensions_created_by(texts))
    out["ok"] = not any(v for k, v in out.items() if isinstance(v, list) and k not in VERIFY_INFO)
    return out
