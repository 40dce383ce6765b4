"""The guide's post-consolidation checklist, automated; every check says pass, fail or skip (and why).

All database work happens in one transaction that is rolled back (the CRUD check writes inside it):
``check`` never changes the database.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql

from pgconsolidate.catalog.schemas import MANAGED_SCHEMAS, SYSTEM_SCHEMAS
from pgconsolidate.db.connect import connect, load_sql, one_line
from pgconsolidate.deploy import dbinfo
from pgconsolidate.deploy.manifest import DEFAULT_DIR, latest_backup, verify_file
from pgconsolidate.deploy.probes import (
    Probe,
    ProbeResult,
    compare_runs,
    latest_recording,
    record_run,
    run_probes,
)
from pgconsolidate.errors import DatabaseError, InputError
from pgconsolidate.redact import redact_url
from pgconsolidate.verify.regnames import regclass_text, regprocedure_text

SKIP = [*SYSTEM_SCHEMAS, *MANAGED_SCHEMAS]
PASS, FAIL, SKIPPED, WARN = "pass", "fail", "skip", "warn"
CRUD_LIMIT = 200


@dataclass
class CheckResult:
    name: str
    status: str
    summary: str
    details: list[str] = field(default_factory=list)
    # with a baseline recorded by ``apply`` before it changed anything (``deploy.baseline``): the details
    # that were already failing then, those that were not, and where the baseline is
    pre_existing: list[str] = field(default_factory=list)
    caused_by_apply: list[str] = field(default_factory=list)
    baseline: str | None = None


@dataclass(frozen=True)
class UserFunction:
    identity: str
    schema: str
    name: str
    argtypes: tuple[str, ...]
    defaults: int
    security_definer: bool


def ambiguous(a: UserFunction, b: UserFunction) -> bool:
    """Could one call match both? (same leading argument types over an overlapping callable arity)"""
    lo = max(len(a.argtypes) - a.defaults, len(b.argtypes) - b.defaults)
    hi = min(len(a.argtypes), len(b.argtypes))
    return any(a.argtypes[:n] == b.argtypes[:n] for n in range(lo, hi + 1))


def overload_findings(functions: list[UserFunction]) -> tuple[list[str], list[str]]:
    """(ambiguous pairs, other overloaded names) — pure."""
    by_name: dict[str, list[UserFunction]] = defaultdict(list)
    for f in functions:
        by_name[f"{f.schema}.{f.name}"].append(f)
    bad: list[str] = []
    overloaded: list[str] = []
    for name, fs in sorted(by_name.items()):
        if len(fs) < 2:
            continue
        pairs = [(a, b) for i, a in enumerate(fs) for b in fs[i + 1 :] if ambiguous(a, b)]
        for a, b in pairs:
            bad.append(f"{a.identity} and {b.identity}: one call can match both (defaults overlap)")
        if not pairs:
            overloaded.append(f"{name}: {len(fs)} overloads ({', '.join(f.identity for f in fs)})")
    return bad, overloaded


def header_problems(directory: Path) -> list[str]:
    """Migration files whose first non-blank line is not a comment (pure over the files read)."""
    from pgconsolidate.sources.reader import read_dir

    mdir = read_dir(directory)
    missing: list[str] = []
    for f in mdir.files:
        text = (f.text or "").lstrip("\ufeff")
        first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
        if not (first.startswith("--") or first.startswith("/*")):
            missing.append(f"{f.path}:1: no header comment saying what the migration does")
    return missing


def _search_path(conn: psycopg.Connection) -> None:
    rows = conn.execute(
        "SELECT DISTINCT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE n.nspname NOT IN ('pg_catalog', 'public') ORDER BY 1"
    ).fetchall()
    path = [sql.Identifier("pg_catalog"), sql.Identifier("public"), *(sql.Identifier(r[0]) for r in rows)]
    conn.execute(sql.SQL("SET LOCAL search_path TO {}").format(sql.SQL(", ").join(path)))


def user_functions(conn: psycopg.Connection) -> list[UserFunction]:
    rows = conn.execute(load_sql(dbinfo.QUERIES, "user_functions.sql").encode(), {"skip": SKIP}).fetchall()
    return [UserFunction(str(r[2]), str(r[0]), str(r[1]), tuple(r[3]), int(r[4]), bool(r[5])) for r in rows]


def check_backup(database: str, backup_dir: Path | None) -> CheckResult:
    d = backup_dir or DEFAULT_DIR
    found = latest_backup(d, database)
    if found is None:
        elsewhere = (
            " (pass --backup-dir DIR when backup or apply wrote it elsewhere)" if backup_dir is None else ""
        )
        return CheckResult("backup", FAIL, f"no verified backup of {database!r} in {d}{elsewhere}")
    path, manifest = found
    problems = verify_file(path, manifest)
    if problems:
        return CheckResult("backup", FAIL, f"latest backup {path.name} does not match its manifest", problems)
    return CheckResult("backup", PASS, f"{path.name} ({manifest.created_at}) verified; sha256 matches")


def check_definers(functions: list[UserFunction], kept: set[str], *, planned: bool = True) -> CheckResult:
    """``planned``: whether a plan said which definers to keep (without one, none is kept, and the summary
    says that no plan was given rather than "the plan does not keep")."""
    left = [f.identity for f in functions if f.security_definer and f.identity not in kept]
    if left:
        why = "the plan does not keep" if planned else "left, and no --plan says to keep them"
        return CheckResult("security definer", FAIL, f"{len(left)} SECURITY DEFINER function(s) {why}", left)
    still = sum(1 for f in functions if f.security_definer)
    if still:  # (was "no SECURITY DEFINER functions left (1 kept by the plan)": both cannot be true)
        return CheckResult(
            "security definer", PASS, f"{still} SECURITY DEFINER function(s) left, each kept by the plan"
        )
    return CheckResult("security definer", PASS, "no SECURITY DEFINER functions left")


def check_vectors(conn: psycopg.Connection) -> CheckResult:
    rows = conn.execute(load_sql(dbinfo.QUERIES, "vector_columns.sql").encode(), {"skip": SKIP}).fetchall()
    if not rows:
        return CheckResult("vector operations", SKIPPED, "no vector columns with a fixed dimension")
    failed: list[str] = []
    for schema, table, column, type_name, formatted, type_schema, dims in rows:
        n = int(dims)
        literal = "[" + ",".join(["0.01"] * n) + "]" if type_name != "sparsevec" else f"{{1:0.01}}/{n}"
        q = sql.SQL("SELECT 1 FROM {} ORDER BY {} <-> %s::{}.{}({}) LIMIT 1").format(
            sql.Identifier(schema, table),
            sql.Identifier(column),
            sql.Identifier(type_schema),
            sql.Identifier(type_name),
            sql.Literal(n),
        )
        conn.execute("SAVEPOINT pgc_vec")
        try:
            conn.execute(q, (literal,)).fetchall()
        except psycopg.Error as exc:
            failed.append(f"{schema}.{table}.{column} {formatted}: {one_line(exc)}")
        conn.execute("ROLLBACK TO SAVEPOINT pgc_vec")
    if failed:
        return CheckResult(
            "vector operations", FAIL, f"{len(failed)} of {len(rows)} vector columns fail", failed
        )
    return CheckResult("vector operations", PASS, f"<-> works on {len(rows)} vector column(s)")


def check_crud(conn: psycopg.Connection) -> CheckResult:
    tables = [t for t in dbinfo.user_tables(conn) if t[0] not in SKIP]
    failed: list[str] = []
    exercised = 0
    for schema, table in tables[:CRUD_LIMIT]:
        ident = sql.Identifier(schema, table)
        conn.execute("SAVEPOINT pgc_crud")
        try:
            row = conn.execute(sql.SQL("SELECT ctid FROM {} LIMIT 1").format(ident)).fetchone()
            if row is None:
                conn.execute("ROLLBACK TO SAVEPOINT pgc_crud")
                continue
            cols = conn.execute(
                load_sql(dbinfo.QUERIES, "table_columns.sql").encode(), {"table": ident.as_string(conn)}
            ).fetchall()
            names = sql.SQL(", ").join(sql.Identifier(str(c[0])) for c in cols)
            overriding = sql.SQL(" OVERRIDING SYSTEM VALUE") if any(c[1] for c in cols) else sql.SQL("")
            # an identity ALWAYS column can only be updated to DEFAULT: update the first other column
            plain = [c[0] for c in cols if not c[1]]
            first = sql.Identifier(str(plain[0] if plain else cols[0][0]))
            value = first if plain else sql.SQL("DEFAULT")
            conn.execute(
                sql.SQL("UPDATE {} SET {} = {} WHERE ctid = %s").format(ident, first, value), (row[0],)
            )
            row = conn.execute(sql.SQL("SELECT ctid FROM {} LIMIT 1").format(ident)).fetchone()
            assert row is not None
            conn.execute(
                sql.SQL(
                    "WITH d AS (DELETE FROM {t} WHERE ctid = %s RETURNING {c}) "
                    "INSERT INTO {t} ({c}){o} SELECT {c} FROM d"
                ).format(t=ident, c=names, o=overriding),
                (row[0],),
            )
            exercised += 1
        except psycopg.Error as exc:
            failed.append(f"{schema}.{table}: {one_line(exc)}")
        conn.execute("ROLLBACK TO SAVEPOINT pgc_crud")
    if failed:
        return CheckResult("CRUD", FAIL, f"{len(failed)} table(s) fail select/update/delete/insert", failed)
    if not exercised:
        return CheckResult("CRUD", SKIPPED, "no table in the user's schemas has a row to exercise")
    return CheckResult(
        "CRUD", PASS, f"select/update/delete/insert work on {exercised} table(s) (rolled back)"
    )


def check_functions(functions: list[UserFunction], keeps: frozenset[str]) -> list[CheckResult]:
    """Ambiguous overload pairs (FAIL), those the plan keeps as the database had them (WARN), or none."""
    results: list[CheckResult] = []
    bad, overloaded = overload_findings(functions)
    # overloads the plan keeps as the database had them (its [[function]] drops none): a warning
    planned = [b for b in bad if b.split("(", 1)[0] in keeps]
    bad = [b for b in bad if b not in planned]
    if planned:
        results.append(
            CheckResult(
                "functions",
                WARN,
                f"{len(planned)} ambiguous overload pair(s) kept by the plan as the database had "
                "them (list one in the plan's drop to resolve)",
                planned,
            )
        )
    if bad:
        results.append(CheckResult("functions", FAIL, f"{len(bad)} ambiguous overload pair(s)", bad))
    elif planned:
        pass
    elif overloaded:
        results.append(CheckResult("functions", WARN, "overloads exist but no call is ambiguous", overloaded))
    else:
        results.append(CheckResult("functions", PASS, f"{len(functions)} functions, no duplicates"))
    return results


def database_checks(
    conn: psycopg.Connection, functions: list[UserFunction], keeps: frozenset[str] = frozenset()
) -> list[CheckResult]:
    """The checks that exercise the database itself (overloads, vector operations, CRUD), in ``conn``'s
    transaction (the caller rolls it back). ``apply`` runs them before it changes anything, as the
    baseline that ``check`` compares with."""
    return [*check_functions(functions, keeps), check_vectors(conn), check_crud(conn)]


def kept_overloads(plan_file: Path | None) -> frozenset[str]:
    """``schema.name`` of the functions whose overloads the plan keeps all of (a [[function]] without
    ``drop``); empty without a readable plan."""
    if plan_file is None:
        return frozenset()
    from pgconsolidate.plan.toml_read import read_plan

    try:
        plan, problems = read_plan(plan_file.read_text(encoding="utf-8"), str(plan_file))
    except OSError:
        return frozenset()
    return frozenset(f.name for f in plan.functions if not f.drop) if not problems else frozenset()


def check_plan_structure(conn: psycopg.Connection, plan_file: Path) -> tuple[CheckResult, set[str]]:
    """The plan's end state: canonical embedding dimensions, merged sources gone, kept/dropped functions,
    definer decisions and planned indexes. Returns the definers the plan keeps."""
    from pgconsolidate.plan.toml_read import read_plan

    try:
        text = plan_file.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{plan_file}: cannot read the plan: {exc.strerror or exc}") from None
    plan, problems = read_plan(text, str(plan_file))
    if problems:
        p = problems[0]
        raise InputError(f"{plan_file}:{getattr(p, 'line', 1)}: {getattr(p, 'message', p)}")
    wrong: list[str] = []

    def one(query: str, *params: object) -> object:
        r = conn.execute(query, params).fetchone()
        return r[0] if r else None

    for e in plan.embeddings:
        schema, table = e.table.split(".", 1) if "." in e.table else ("public", e.table)
        got = one(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = to_regclass(%s) "
            "AND attname = %s AND NOT attisdropped",
            sql.Identifier(schema, table).as_string(conn),
            e.column,
        )
        want = f"{e.type_name}({e.dimension})"
        if got != want:
            wrong.append(f"{e.identity}: {got or 'missing'}, planned {want}")
    for m in plan.merges:
        if one("SELECT to_regclass(%s) IS NULL", regclass_text(m.target)):
            wrong.append(f"merge target {m.target} is missing")
        if m.drop_source and one("SELECT to_regclass(%s) IS NOT NULL", regclass_text(m.source)):
            wrong.append(f"merge source {m.source} still exists (the plan drops it)")
    for fc in plan.functions:
        if one("SELECT to_regprocedure(%s) IS NULL", regprocedure_text(fc.keep)):
            wrong.append(f"{fc.keep} (kept by the plan) is missing")
        for d in fc.drop:
            if one("SELECT to_regprocedure(%s) IS NOT NULL", regprocedure_text(d)):
                wrong.append(f"{d} still exists (the plan drops it)")
    for dfn in plan.definers:
        definer = one(
            "SELECT prosecdef FROM pg_proc WHERE oid = to_regprocedure(%s)", regprocedure_text(dfn.function)
        )
        if definer is None:
            continue
        if (dfn.action == "keep") != bool(definer):
            state = "SECURITY DEFINER" if definer else "SECURITY INVOKER"
            wrong.append(f"{dfn.function}: {state}, plan: {dfn.action}")
    for ix in plan.indexes:
        if one("SELECT to_regclass(%s) IS NULL", regclass_text(ix.identity)):
            wrong.append(f"index {ix.identity} (planned) is missing")
    kept = {d.function for d in plan.definers if d.action == "keep"}
    if wrong:
        return CheckResult(
            "planned structure", FAIL, f"{len(wrong)} difference(s) from the plan", wrong
        ), kept
    return CheckResult("planned structure", PASS, "tables, functions and indexes are as planned"), kept


def run_checks(
    url: str,
    *,
    directory: Path | None = None,
    probes: tuple[Probe, ...] | None = None,
    plan_file: Path | None = None,
    backup_dir: Path | None = None,
    probes_dir: Path | None = None,
) -> list[CheckResult]:
    """Every check of the checklist; those that need input not given are skipped with the reason."""
    facts = dbinfo.server_facts(url)
    results: list[CheckResult] = [check_backup(facts.database, backup_dir)]
    kept: set[str] = set()
    conn = connect(url)
    try:
        with conn.transaction(force_rollback=True):
            _search_path(conn)
            conn.execute("SET LOCAL statement_timeout = '60s'")
            if plan_file is not None:
                res, kept = check_plan_structure(conn, plan_file)
                results.append(res)
            else:
                results.append(CheckResult("planned structure", SKIPPED, "no --plan given"))
            functions = user_functions(conn)
            results.extend(database_checks(conn, functions, kept_overloads(plan_file)))
            results.append(check_definers(functions, kept, planned=plan_file is not None))
    except psycopg.Error as exc:
        raise DatabaseError(f"check on {redact_url(url)}: {one_line(exc)}") from None
    finally:
        conn.close()
    from pgconsolidate.deploy.baseline import compare_with_baseline

    compare_with_baseline(results, facts.database, backup_dir)
    results.extend(_probe_checks(url, facts.database, probes, probes_dir))
    if directory is not None:
        missing = header_problems(directory)
        if missing:
            results.append(
                CheckResult("headers", FAIL, f"{len(missing)} file(s) without a header comment", missing)
            )
        else:
            results.append(CheckResult("headers", PASS, "every migration file starts with a comment"))
    else:
        results.append(CheckResult("headers", SKIPPED, "no migrations directory given"))
    return results


def _probe_checks(
    url: str, database: str, probes: tuple[Probe, ...] | None, probes_dir: Path | None
) -> list[CheckResult]:
    if probes is None:
        return [
            CheckResult("agent functions", SKIPPED, "no --probes file given"),
            CheckResult("performance", SKIPPED, "no --probes file given"),
        ]
    results: tuple[ProbeResult, ...] = run_probes(url, probes)
    record_run(url, results, "check", probes_dir)
    failed = [f"{r.name}: {'; '.join(r.problems)}" for r in results if not r.ok]
    out = [
        CheckResult("agent functions", FAIL, f"{len(failed)} of {len(results)} probes fail", failed)
        if failed
        else CheckResult("agent functions", PASS, f"{len(results)} probes pass")
    ]
    recorded = latest_recording(database, "before-apply", probes_dir)
    if recorded is None:
        out.append(
            CheckResult("performance", SKIPPED, "no probe recording from before an apply to compare with")
        )
    else:
        changes = [c for c in compare_runs(recorded[1], results) if re.search(r"ms now|no index now", c)]
        if changes:
            out.append(
                CheckResult("performance", FAIL, f"slower or lost an index vs {recorded[0].name}", changes)
            )
        else:
            out.append(
                CheckResult("performance", PASS, f"timings and index use comparable to {recorded[0].name}")
            )
    return out
