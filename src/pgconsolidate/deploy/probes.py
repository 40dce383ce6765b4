"""Behaviour probes: SQL or function calls with expected properties, run in a rolled-back transaction.

A probes file is TOML with one ``[[probe]]`` table per probe::

    [[probe]]
    name = "search finds a memory"
    function = "public.search_memories"          # or: sql = "SELECT ..."
    args = ["hello", 5]                          # bound as parameters, never spliced into SQL
    types = ["text", "integer"]                  # optional casts, one per argument
    setup = "INSERT INTO public.memories ..."    # optional SQL run first (in the same savepoint)
    expect = "rows"                              # "rows" (default for functions), "no-error", "error"
    min_rows = 1                                 # implies expect = "rows"
    error_contains = "permission denied"         # with expect = "error"
    uses_index = true                            # or an index name; checked with EXPLAIN (FORMAT JSON)
    max_ms = 250                                 # wall time of the call

An argument ``{ vector = 1536, value = 0.01 }`` is a vector literal of that many equal components.
Every probe runs in a SAVEPOINT inside one transaction that is ROLLED BACK at the end: probes never
change the database. Results can be recorded in ``.pgconsolidate/probes/`` and compared later
(``apply`` records them before and after, ``check`` compares with the last recording before an apply).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from pgconsolidate.db.connect import connect, one_line
from pgconsolidate.errors import DatabaseError, InputError
from pgconsolidate.fsio import write_atomic
from pgconsolidate.redact import redact_url
from pgconsolidate.tomldoc import toml_document

EXPECTS = ("rows", "no-error", "error")
KEYS = {"name", "sql", "function", "args", "types", "setup", "expect", "min_rows", "error_contains",
        "uses_index", "max_ms"}  # fmt: skip
PROBES_DIR = Path(".pgconsolidate") / "probes"


@dataclass(frozen=True)
class Probe:
    name: str
    line: int
    sql: str | None = None
    function: str | None = None
    args: tuple[Any, ...] = ()
    types: tuple[str, ...] = ()
    setup: str | None = None
    expect: str = "no-error"
    min_rows: int = 0
    error_contains: str | None = None
    uses_index: bool | str = False
    max_ms: float | None = None


@dataclass(frozen=True)
class ProbeResult:
    name: str
    ok: bool
    rows: int = 0
    ms: float = 0.0
    error: str | None = None
    indexes: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()


_HEADER = re.compile(r"""^\s*\[\[\s*(?:probe|"probe"|'probe')\s*\]\]""")
_TABLE = re.compile(r"^\s*\[")


def _key_re(key: str) -> re.Pattern[str]:
    """A line that sets ``key`` (bare or quoted), or opens a ``[key...]`` table."""
    k = re.escape(key)
    return re.compile(rf"""^\s*(?:(?:{k}|"{k}"|'{k}')\s*(?:=|\.)|\[+\s*(?:{k}|"{k}"|'{k}')\s*[\].])""")


class _Lines:
    """Where things are in a probes file: the ``[[probe]]`` headers and each probe's keys (1-based)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers = [i for i, ln in enumerate(self.lines) if _HEADER.match(ln)]

    def top(self, key: str) -> int:
        """The line of a top-level key (before the first table), else anywhere; 1 when not found."""
        pattern = _key_re(key)
        for i, ln in enumerate(self.lines):
            if pattern.match(ln):
                return i + 1
        return 1

    def probe(self, n: int) -> int:
        """The header line of probe ``n`` (1-based), or of the ``probe`` key when written inline."""
        return self.headers[n - 1] + 1 if n <= len(self.headers) else self.top("probe")

    def key(self, n: int, *keys: str) -> int:
        """The line of the first of ``keys`` set in probe ``n``'s table; its header line otherwise."""
        if n > len(self.headers):
            return self.probe(n)
        first = self.headers[n - 1]
        last = len(self.lines)
        for i in range(first + 1, len(self.lines)):
            ln = self.lines[i]
            if _HEADER.match(ln) or (_TABLE.match(ln) and not re.match(r"^\s*\[+\s*probe\s*\.", ln)):
                last = i
                break
        for key in keys:
            pattern = _key_re(key)
            for i in range(first + 1, last):
                if pattern.match(self.lines[i]):
                    return i + 1
        return first + 1


def _arg(value: Any, where: str) -> Any:
    if isinstance(value, dict):
        dims = value.get("vector")
        if not isinstance(dims, int) or dims <= 0 or set(value) - {"vector", "value"}:
            raise InputError(f"{where}: an argument table must be {{ vector = N, value = X }}")
        comp = float(value.get("value", 0.01))
        return "[" + ",".join([repr(comp)] * dims) + "]"
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, list):
        return [_arg(v, where) for v in value]
    raise InputError(f"{where}: unsupported argument {value!r}")


def parse_probes(text: str, origin: str) -> tuple[Probe, ...]:
    """Parse a probes file; any error → :class:`InputError` naming ``origin:line`` (the line of the
    offending probe's key, or of its ``[[probe]]`` header when the key is missing)."""
    doc = toml_document(text, origin)
    at = _Lines(text)
    items = doc.get("probe", [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise InputError(f"{origin}:{at.top('probe')}: expected [[probe]] tables")
    extra = sorted(set(doc) - {"probe"}, key=at.top)
    if extra:
        raise InputError(f"{origin}:{at.top(extra[0])}: unknown top-level key {extra[0]!r}")
    probes: list[Probe] = []
    for n, item in enumerate(items, 1):
        line = at.probe(n)

        def where(*keys: str, n: int = n) -> str:
            return f"{origin}:{at.key(n, *keys)}"

        unknown = sorted((at.key(n, k), str(k)) for k in set(item) - KEYS)
        if unknown:
            bad = unknown[0][1]
            raise InputError(
                f"{origin}:{unknown[0][0]}: probe {n}: unknown key {bad!r} (known: {', '.join(sorted(KEYS))})"
            )
        name = item.get("name")
        if not isinstance(name, str) or not name:
            raise InputError(f"{where('name')}: probe {n} has no name")
        if ("sql" in item) == ("function" in item):
            raise InputError(
                f"{where('function', 'sql')}: probe {name!r}: give exactly one of `sql` or `function`"
            )
        if "sql" in item and ("args" in item or "types" in item):
            raise InputError(
                f"{where('args', 'types')}: probe {name!r}: `args` go with `function`, not `sql`"
            )
        args = item.get("args", [])
        types = item.get("types", [])
        if not isinstance(args, list):
            raise InputError(f"{where('args')}: probe {name!r}: `args` and `types` must be arrays")
        if not isinstance(types, list):
            raise InputError(f"{where('types')}: probe {name!r}: `args` and `types` must be arrays")
        if types and len(types) != len(args):
            raise InputError(f"{where('types')}: probe {name!r}: {len(types)} types for {len(args)} args")
        min_rows = item.get("min_rows", 0)
        default_expect = "rows" if ("function" in item or min_rows) else "no-error"
        expect = item.get("expect", default_expect)
        if expect not in EXPECTS:
            raise InputError(
                f"{where('expect')}: probe {name!r}: expect {expect!r} is not one of {', '.join(EXPECTS)}"
            )
        if not isinstance(min_rows, int) or min_rows < 0:
            raise InputError(f"{where('min_rows')}: probe {name!r}: min_rows must be a non-negative integer")
        if expect == "rows":
            min_rows = max(1, min_rows)
        uses_index = item.get("uses_index", False)
        if not isinstance(uses_index, (bool, str)):
            raise InputError(
                f"{where('uses_index')}: probe {name!r}: uses_index is true/false or an index name"
            )
        max_ms = item.get("max_ms")
        if max_ms is not None and (not isinstance(max_ms, (int, float)) or max_ms <= 0):
            raise InputError(f"{where('max_ms')}: probe {name!r}: max_ms must be a positive number")
        function = item.get("function")
        if function is not None and (
            not isinstance(function, str) or not re.fullmatch(r"[^.()]+(\.[^.()]+)?", function)
        ):
            raise InputError(f"{where('function')}: probe {name!r}: function must be name or schema.name")
        for key in ("sql", "setup", "error_contains"):
            if key in item and not isinstance(item[key], str):
                raise InputError(f"{where(key)}: probe {name!r}: `{key}` must be a string")
        probes.append(
            Probe(
                name=name,
                line=line,
                sql=item.get("sql"),
                function=function,
                args=tuple(_arg(a, where("args")) for a in args),
                types=tuple(str(t) for t in types),
                setup=item.get("setup"),
                expect=expect,
                min_rows=min_rows,
                error_contains=item.get("error_contains"),
                uses_index=uses_index,
                max_ms=float(max_ms) if max_ms is not None else None,
            )
        )
    seen: set[str] = set()
    for n, p in enumerate(probes, 1):
        if p.name in seen:
            raise InputError(f"{origin}:{at.key(n, 'name')}: two probes are named {p.name!r}")
        seen.add(p.name)
    return tuple(probes)


def load_probes(path: Path) -> tuple[Probe, ...]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the probes file: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}:1: the probes file is not UTF-8") from None
    return parse_probes(text, str(path))


def probe_query(p: Probe) -> tuple[sql.SQL | sql.Composed, tuple[Any, ...]]:
    """The statement a probe runs and its parameters (identifiers quoted, values bound)."""
    if p.sql is not None:
        return sql.SQL(p.sql), ()  # the user's own SQL, run as written
    assert p.function is not None
    parts = p.function.split(".")
    fn = sql.Identifier(*parts)
    placeholders = [
        sql.SQL("%s::{}").format(sql.SQL(t)) if t else sql.SQL("%s") for t in (p.types or ("",) * len(p.args))
    ]
    return sql.SQL("SELECT * FROM {}({})").format(fn, sql.SQL(", ").join(placeholders)), p.args


def _indexes(plan: Any) -> list[str]:
    found: list[str] = []
    if isinstance(plan, dict):
        if "Index Name" in plan:
            found.append(str(plan["Index Name"]))
        for v in plan.values():
            found.extend(_indexes(v))
    elif isinstance(plan, list):
        for v in plan:
            found.extend(_indexes(v))
    return found


def _run_one(conn: psycopg.Connection, p: Probe) -> ProbeResult:
    query, params = probe_query(p)
    problems: list[str] = []
    rows = 0
    error: str | None = None
    indexes: list[str] = []
    conn.execute("SAVEPOINT pgc_probe")
    started = time.monotonic()
    try:
        if p.setup:
            conn.execute(p.setup.encode("utf-8"))
        started = time.monotonic()
        cur = conn.execute(query, params or None)
        rows = len(cur.fetchall()) if cur.description else max(cur.rowcount, 0)
        ms = (time.monotonic() - started) * 1000
        if p.uses_index:
            explain = sql.SQL("EXPLAIN (FORMAT JSON) {}").format(query)
            plan = conn.execute(explain, params or None).fetchone()
            indexes = _indexes(plan[0] if plan else None)
    except psycopg.Error as exc:
        ms = (time.monotonic() - started) * 1000
        error = one_line(exc)
    conn.execute("ROLLBACK TO SAVEPOINT pgc_probe")
    if p.expect == "error":
        if error is None:
            problems.append("expected an error, got none")
        elif p.error_contains and p.error_contains.lower() not in error.lower():
            problems.append(f"expected an error containing {p.error_contains!r}, got: {error}")
    elif error is not None:
        problems.append(f"error: {error}")
    else:
        if p.expect == "rows" and rows < p.min_rows:
            problems.append(f"returned {rows} rows, expected at least {p.min_rows}")
        if p.uses_index:
            if not indexes:
                problems.append("the plan uses no index (sequential scan)")
            elif isinstance(p.uses_index, str) and p.uses_index not in indexes:
                problems.append(f"the plan uses {', '.join(indexes)}, not {p.uses_index}")
        if p.max_ms is not None and ms > p.max_ms:
            problems.append(f"took {ms:.1f} ms, over max_ms {p.max_ms:g}")
    return ProbeResult(p.name, not problems, rows, round(ms, 3), error, tuple(indexes), tuple(problems))


def run_probes(url: str, probes: tuple[Probe, ...]) -> tuple[ProbeResult, ...]:
    """Run every probe in one transaction that is rolled back: the database is never changed."""
    conn = connect(url)
    try:
        results = [_run_one(conn, p) for p in probes]
        conn.rollback()
        return tuple(results)
    except psycopg.Error as exc:
        raise DatabaseError(f"probes on {redact_url(url)}: {one_line(exc)}") from None
    finally:
        conn.close()


def _recording_name(database: str, label: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", database) or "db"
    return f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}_{safe}_{label}.json"


def record_run(url: str, results: tuple[ProbeResult, ...], label: str, directory: Path | None = None) -> Path:
    """Store probe results (``label``: before-apply, after-apply, check) for later comparison."""
    from psycopg.conninfo import conninfo_to_dict

    database = str(conninfo_to_dict(url).get("dbname") or "db")
    path = (directory or PROBES_DIR) / _recording_name(database, label)
    doc = {
        "schema_version": 1,
        "database": database,
        "label": label,
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "results": [asdict(r) for r in results],
    }
    write_atomic(path, json.dumps(doc, indent=1) + "\n")
    return path


def latest_recording(
    database: str, label: str, directory: Path | None = None
) -> tuple[Path, tuple[ProbeResult, ...]] | None:
    d = directory or PROBES_DIR
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", database) or "db"
    files = sorted(d.glob(f"*_{safe}_{label}.json")) if d.is_dir() else []
    for path in reversed(files):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            results = tuple(
                ProbeResult(
                    name=r["name"],
                    ok=bool(r["ok"]),
                    rows=int(r["rows"]),
                    ms=float(r["ms"]),
                    error=r.get("error"),
                    indexes=tuple(r.get("indexes", ())),
                    problems=tuple(r.get("problems", ())),
                )
                for r in doc["results"]
            )
            return path, results
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return None


def compare_runs(before: tuple[ProbeResult, ...], after: tuple[ProbeResult, ...]) -> list[str]:
    """Behaviour or performance changes between two runs of the same probes."""
    changes: list[str] = []
    old = {r.name: r for r in before}
    for r in after:
        b = old.get(r.name)
        if b is None:
            continue
        if b.ok and not r.ok:
            changes.append(f"{r.name}: passed before, fails now ({'; '.join(r.problems)})")
        if b.error is None and r.error is None and (b.rows > 0) != (r.rows > 0):
            changes.append(f"{r.name}: returned {b.rows} rows before, {r.rows} now")
        if b.indexes and not r.indexes:
            changes.append(f"{r.name}: used {', '.join(b.indexes)} before, no index now")
        if r.ms > max(2 * b.ms, b.ms + 50):
            changes.append(f"{r.name}: {r.ms:.1f} ms now, {b.ms:.1f} ms before")
    return changes
