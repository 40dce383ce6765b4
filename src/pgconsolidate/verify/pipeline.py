"""``plan``, ``consolidate`` and ``verify`` end to end (the I/O layer around the pure stages).

consolidate: read DIR and the plan; refuse a non-empty OUTDIR, a stale plan (sha256) or an impossible one
before anything is written; replay the old chain once on scratch (it serves the plan check, the fix run,
the dump and the fix's second run, which must change nothing); build the clean set from the dump (minus
what the Supabase base already provides); with a live database, restore a scratch copy of it, run the fix
there twice and account for every row of every merged table, and build the clean set from that copy
instead (production is what the repository must describe; its differences from the old chain are listed
as declared); replay the clean set twice on an empty database and compare: (a) clean set = (b) chain +
fix (beyond the declared differences) and, with a live database, = (c) live copy + fix. The output is
written into a temporary directory renamed into place at the end.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from psycopg import sql

from pgconsolidate.catalog.model import Snapshot
from pgconsolidate.catalog.reader import read_snapshot
from pgconsolidate.compare.diff import SnapshotDiff, diff_snapshots
from pgconsolidate.compare.render import text_lines
from pgconsolidate.db.connect import connection
from pgconsolidate.errors import InputError
from pgconsolidate.generate.cleanset import CleanFile, build_clean_set
from pgconsolidate.generate.fix import generate_fix
from pgconsolidate.generate.history import generate_history_repair
from pgconsolidate.plan.check import check_plan
from pgconsolidate.plan.facts import DataFacts
from pgconsolidate.plan.model import Plan
from pgconsolidate.plan.propose import propose
from pgconsolidate.plan.toml_read import read_plan
from pgconsolidate.scratch import ScratchServer, get_scratch_server, throwaway_database
from pgconsolidate.sources.model import MigrationDir
from pgconsolidate.sources.reader import read_dir
from pgconsolidate.statements.split import split_sql
from pgconsolidate.verify.dump import dump_data, dump_schema, managed_triggers, without_base
from pgconsolidate.verify.facts import read_facts
from pgconsolidate.verify.replay import ReplayFailure, replay_chain, replay_files, run_script

OUTPUT_MANIFEST = "pgconsolidate-output.json"
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


def gather(mdir: MigrationDir, live_url: str | None, scratch_url: str | None = None) -> Gathered:
    server = get_scratch_server(scratch_url)
    with throwaway_database(server) as url:
        failures = replay_chain(url, mdir)
        chain, chain_facts = read_snapshot(url), read_facts(url)
    live = read_snapshot(live_url) if live_url else None
    live_facts = read_facts(live_url) if live_url else None
    return Gathered(chain, chain_facts, failures, live, live_facts)


def make_plan(directory: str | None, live_url: str | None, scratch_url: str | None = None) -> Plan:
    mdir = read_dir(directory)
    g = gather(mdir, live_url, scratch_url)
    return propose(mdir, g.chain, g.chain_facts, g.live, g.live_facts)


def load_plan(
    plan_path: Path,
    directory: str | None,
    snapshots: tuple[Snapshot, ...] | None = None,
    scratch_url: str | None = None,
    live_url: str | None = None,
) -> tuple[Plan, MigrationDir, list[str]]:
    """Read and check a plan; returns (plan, directory, problems rendered as ``file:line: message``)."""
    try:
        text = plan_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read plan {plan_path}: {exc.strerror}") from None
    plan, problems = read_plan(text, str(plan_path))
    mdir = read_dir(directory or plan.directory or None)
    if snapshots is None:
        g = gather(mdir, live_url, scratch_url)
        snapshots = (g.chain,) + ((g.live,) if g.live else ())
    more = check_plan(plan, text, current_files={f.path: f.sha256 for f in mdir.files}, snapshots=snapshots)
    return plan, mdir, [p.render(str(plan_path)) for p in (*problems, *more)]


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


def _stamp(base: dt.datetime, seconds: int) -> str:
    return (base + dt.timedelta(seconds=seconds)).strftime("%Y%m%d%H%M%S")


def replay_clean(
    server: ScratchServer, clean: list[CleanFile], tables: list[str] | None = None
) -> tuple[Snapshot, dict[str, int]]:
    """The clean set replayed twice (the second run must be harmless) on an empty database: its schema
    and the row counts of ``tables`` (the reference data)."""
    with throwaway_database(server) as a:
        replay_files(a, [(c.name, c.text) for c in clean])
        replay_files(a, [(c.name, c.text) for c in clean], base=False)
        return read_snapshot(a), row_counts(a, tables or [])


def row_counts(url: str, tables: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    with connection(url) as conn:
        for t in tables:
            row = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(qualified_ident(t))).fetchone()
            out[t] = int(row[0]) if row else 0
    return out


def qualified_ident(table: str) -> sql.Identifier:
    schema, name = table.split(".", 1)
    return sql.Identifier(schema, name)


def _prove(
    server_url: str | None, mdir: MigrationDir, fix: str, clean: list[CleanFile]
) -> tuple[Snapshot, Snapshot, SnapshotDiff]:
    """(clean set replayed twice on an empty database, chain + fix, fix second-run diff)."""
    server = get_scratch_server(server_url)
    with throwaway_database(server) as a, throwaway_database(server) as b:
        replay_files(a, [(c.name, c.text) for c in clean])
        replay_files(a, [(c.name, c.text) for c in clean], base=False)  # idempotent: a second run is harmless
        replay_chain(b, mdir)
        run_script(b, fix, "consolidation fix on chain")
        once = read_snapshot(b)
        run_script(b, fix, "consolidation fix (second run)")
        twice = read_snapshot(b)
        return read_snapshot(a), once, diff_snapshots(once, twice)


@dataclass
class LiveProof:
    snapshot: Snapshot  # the copy of the live database after the fix
    second_run: list[str]
    accounting: list[str]
    restore_notes: list[str]
    schema_sql: str
    triggers: list[Any]
    rows_before: dict[str, int]
    rows_after: dict[str, int]
    collisions: dict[str, int]


def prove_live(live_url: str, plan: Plan, fix: str, scratch_url: str | None) -> LiveProof:
    """(c): a scratch copy of the live database, the fix applied to it twice, every row accounted for."""
    from pgconsolidate.verify.livecopy import account_rows, collisions, copy_live, measure

    server = get_scratch_server(scratch_url)
    with throwaway_database(server) as c:
        notes = copy_live(live_url, c, server.major)
        before = measure(c, plan)
        colliding = collisions(c, plan)
        run_script(c, fix, "consolidation fix on a copy of the live database")
        after = measure(c, plan)
        accounting = account_rows(before, after, plan, c)
        snap = read_snapshot(c)
        schema_sql = dump_schema(c, server.major)
        triggers = managed_triggers(c)
        run_script(c, fix, "consolidation fix on the live copy (second run)")
        second = text_lines(diff_snapshots(snap, read_snapshot(c)))
    return LiveProof(
        snap,
        second,
        accounting,
        notes,
        schema_sql,
        triggers,
        {k: v.rows for k, v in before.items()},
        {k: v.rows for k, v in after.items()},
        colliding,
    )


def undeclared(diff: SnapshotDiff, declared: set[str]) -> list[str]:
    """The lines of ``diff`` whose object (or its table) is not in ``declared``."""
    keep = [d for d in diff.differences if d.identity not in declared and (d.parent or "") not in declared]
    return text_lines(SnapshotDiff(diff.a, diff.b, tuple(keep), diff.ignored))


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
) -> Result:
    from pgconsolidate.archive.files import apply_in_place, copy_archive, write_atomic, write_manifest
    from pgconsolidate.generate.report import generate_report

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
    live = read_snapshot(live_url) if live_url else None
    live_facts = read_facts(live_url) if live_url else None
    with throwaway_database(server) as chain_url:
        # one replay of the old chain serves the plan check, the fix run, the dump and the second run
        step(f"replaying the {len(mdir0.files)} old files on a scratch database")
        failures = replay_chain(chain_url, mdir0)
        g = Gathered(read_snapshot(chain_url), read_facts(chain_url), failures, live, live_facts)
        plan, mdir, problems = load_plan(
            plan_path, directory, (g.chain,) + ((g.live,) if g.live else ()), scratch_url
        )
        if problems:
            raise InputError(
                f"the plan has {len(problems)} problem(s); nothing was written:\n" + "\n".join(problems)
            )
        state = g.live or g.chain
        facts = g.live_facts or g.chain_facts
        definitions: dict[str, str] = {}
        for choice in plan.functions:
            ff = g.live_facts.function(choice.keep) if g.live_facts and choice.keep_from == "live" else None
            if ff is not None and ff.definition:
                definitions[choice.keep] = ff.definition
        base = now or dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        fix_name = f"{_stamp(base, 0)}_consolidation_fix.sql"
        fix = generate_fix(
            plan,
            state,
            definitions=definitions,
            extension_schemas=facts.extension_schemas,
            stamp=_stamp(base, 0),
        )
        refs = reference_tables(mdir)
        step("running the consolidation fix on the replayed chain (twice)")
        run_script(chain_url, fix, "consolidation fix on the replayed chain")
        snap_b = read_snapshot(chain_url)
        existing = {t.identity for t in snap_b.tables}
        schema_sql = dump_schema(chain_url, server.major)
        ref_tables = [t for t in refs if t in existing]
        data_sql = dump_data(chain_url, ref_tables, server.major)
        ref_counts = row_counts(chain_url, ref_tables)
        keyless = (
            frozenset(existing)
            - {c.table for c in snap_b.constraints if c.contype in KEYS}
            - {i.table for i in snap_b.indexes if i.unique}
        )
        extra = managed_triggers(chain_url)
        run_script(chain_url, fix, "consolidation fix (second run)")
        second = diff_snapshots(snap_b, read_snapshot(chain_url))
    if live_url:
        step("copying the live database to scratch, running the fix there twice, counting rows")
    live_proof = prove_live(live_url, plan, fix, scratch_url) if live_url else None
    if live_proof is not None:  # the clean set describes production (after the fix)
        schema_sql, extra = live_proof.schema_sql, live_proof.triggers
    versions = [_stamp(base, i + 1) for i in range(len(plan.domains))]
    clean = build_clean_set(
        without_base(schema_sql, server),
        data_sql,
        plan.domains,
        versions,
        [(f.path, f.sha256) for f in mdir.files],
        extra,
        tool=mdir.tool.value,
        keyless=keyless,
    )
    step(f"replaying the {len(clean)} clean-set files twice on an empty database and comparing")
    snap_a, clean_counts = replay_clean(server, clean, ref_tables)
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
        result.differences += [f"row accounting: {x}" for x in live_proof.accounting]
        result.second_run_differences = text_lines(second) + live_proof.second_run
    else:
        result.differences = text_lines(diff_snapshots(snap_b, snap_a))
        result.second_run_differences = text_lines(second)
    result.declared = declared
    result.differences += [
        f"reference data: {t} has {ref_counts[t]} rows after chain + fix, "
        f"{clean_counts.get(t)} after the clean set (run twice)"
        for t in ref_tables
        if ref_counts[t] != clean_counts.get(t)
    ]
    history = generate_history_repair(
        plan.settings.history_table,
        [(c.version, c.domain) for c in clean],
        [f.version for f in mdir.files],
        tool=mdir.tool.value,
        scripts={c.version: (c.name, c.text) for c in clean},
        replaced_files=[f.path for f in mdir.files],
    )
    root = Path(mdir.root)
    tmp = outdir.with_name(f".{outdir.name}.pgc-tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    try:
        out: dict[str, bytes] = {fix_name: fix.encode(), "history_repair.sql": history.encode()}
        for c in clean:
            out[f"migrations/{c.name}"] = c.text.encode()
        out["pgconsolidate.plan.toml"] = plan_path.read_bytes()
        for rel, data in out.items():
            write_atomic(tmp / rel, data)
        entries = copy_archive(root, [f.path for f in mdir.files], tmp / "archive")
        roles = {fix_name: "fix", "history_repair.sql": "history repair", "pgconsolidate.plan.toml": "plan"}
        roles.update({f"migrations/{c.name}": "clean set" for c in clean})
        summary = {
            "files_before": len(mdir.files),
            "files_after": len(clean),
            "replay_failures_before": len(g.failures),
            "definers_converted": sum(1 for d in plan.definers if d.action == "invoker"),
            "definers_kept": sum(1 for d in plan.definers if d.action == "keep"),
            "merges": [f"{m.source} -> {m.target}" for m in plan.merges],
            "differences": len(result.differences),
            "second_run_differences": len(result.second_run_differences),
            "rows_before": live_proof.rows_before if live_proof else {},
            "rows_after": live_proof.rows_after if live_proof else {},
            "colliding_keys": live_proof.collisions if live_proof else {},
        }
        from pgconsolidate.verify.findings import findings_before_after

        step("writing the output; findings before and after")
        counts = findings_before_after(mdir, tmp / "migrations")
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
        )
        write_atomic(tmp / "REPORT.md", report.encode())
        roles["REPORT.md"] = "report"
        manifest = {
            "schema_version": 1,
            "source_dir": str(root.resolve()),
            "tool": mdir.tool.value,
            "plan_sha256": hashlib.sha256(plan_path.read_bytes()).hexdigest(),
            "source_files": [{"path": f.path, "sha256": f.sha256} for f in mdir.files],
            "files": [
                {"path": rel, "role": role, "sha256": hashlib.sha256((tmp / rel).read_bytes()).hexdigest()}
                for rel, role in sorted(roles.items())
            ],
            "fix": fix_name,
            "clean_set": [f"migrations/{c.name}" for c in clean],
            "history_repair": "history_repair.sql",
            "history_table": plan.settings.history_table,
            "verified": not result.differences and not result.second_run_differences,
            "live": live_url is not None,
            "declared_differences": declared,
            "rows_before": live_proof.rows_before if live_proof else {},
            "rows_after": live_proof.rows_after if live_proof else {},
            "colliding_keys": live_proof.collisions if live_proof else {},
            "summary": summary,
        }
        write_atomic(tmp / OUTPUT_MANIFEST, (json.dumps(manifest, indent=1) + "\n").encode())
        if in_place:
            entries = apply_in_place(
                root, entries, plan.settings.archive_mode, {c.name: c.text.encode() for c in clean}
            )
        write_manifest(tmp / "archive", root, entries)
        if outdir.exists():
            outdir.rmdir()
        os.replace(tmp, outdir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    result.files = roles
    result.summary = summary
    return result


def verify_outdir(
    outdir: Path, live_url: str | None = None, scratch_url: str | None = None, step: Step = _quiet
) -> dict[str, Any]:
    """Re-check an output directory: (a) clean set on empty == (b) chain + fix; with a live database,
    (c) its schema after the fix on a scratch copy is compared too."""
    mpath = outdir / OUTPUT_MANIFEST
    if not mpath.is_file():
        raise InputError(f"{mpath} not found: not a pgconsolidate output directory")
    man = json.loads(mpath.read_text(encoding="utf-8"))
    archive = outdir / "archive"
    mdir = read_dir(str(archive))
    fix = (outdir / man["fix"]).read_text(encoding="utf-8")
    clean = [
        CleanFile(Path(p).name, "", "", (outdir / p).read_text(encoding="utf-8"), ())
        for p in man["clean_set"]
    ]
    step("replaying the clean set, and the old files plus the fix, on scratch databases")
    snap_a, snap_b, second = _prove(scratch_url, mdir, fix, clean)
    out: dict[str, Any] = {"schema_version": 1, "fix_second_run": text_lines(second)}
    if live_url:
        from pgconsolidate.plan.toml_read import read_plan as _read

        plan, _ = _read((outdir / "pgconsolidate.plan.toml").read_text(encoding="utf-8"))
        step("copying the live database to scratch, running the fix there twice, counting rows")
        proof = prove_live(live_url, plan, fix, scratch_url)
        names = {d.identity for d in diff_snapshots(snap_b, proof.snapshot).differences}
        out["clean_vs_chain_plus_fix"] = undeclared(diff_snapshots(snap_b, snap_a), names)
        out["clean_vs_live_plus_fix"] = text_lines(diff_snapshots(proof.snapshot, snap_a))
        out["row_accounting"] = proof.accounting
        out["fix_second_run_on_live_copy"] = proof.second_run
        out["rows_before"], out["rows_after"] = proof.rows_before, proof.rows_after
    else:
        declared = man.get("declared_differences") or []
        diff = diff_snapshots(snap_b, snap_a)
        out["clean_vs_chain_plus_fix"] = (
            [x for x in text_lines(diff) if x not in declared] if declared else (text_lines(diff))
        )
    out["ok"] = not any(v for k, v in out.items() if isinstance(v, list))
    return out
