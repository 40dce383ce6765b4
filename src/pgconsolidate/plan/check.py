"""Validate a plan against its directory and the schema it applies to (pure).

Problems found: files changed since the plan was written (sha256), unknown tables, columns, functions or
files, impossible merges (incompatible column types, a NOT NULL target column that nothing fills),
unknown strategies (found by the reader), duplicate or empty domains. With the live database's catalog:
``live_only`` entries naming an object it does not have (:func:`live_only_missing`), and the objects it has
that the files do not create and the plan neither lists nor drops (:func:`live_only_unlisted`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from pgconsolidate.catalog.model import OBJECT_KINDS, Column, Snapshot
from pgconsolidate.plan.keys import Renewal, key_columns, renewal
from pgconsolidate.plan.model import Plan
from pgconsolidate.plan.toml_read import PlanProblem, line_of

_CATEGORIES: tuple[tuple[str, str], ...] = (
    (r"^(smallint|integer|bigint|numeric|real|double precision|decimal)", "number"),
    (r"^(text|character varying|character|varchar|char|citext|name)", "text"),
    (r"^(timestamp|date|time)", "time"),
    (r"^uuid", "uuid"),
    (r"^jsonb?$", "json"),
    (r"^boolean", "boolean"),
    (r"^(vector|halfvec|sparsevec)", "vector"),
    (r"^bytea", "bytes"),
    (r"^interval", "interval"),
    (r"^inet|^cidr", "network"),
)


def type_category(type_text: str) -> str:
    """A coarse category of a ``format_type`` spelling; arrays are ``<element category>[]``."""
    t = type_text.strip().lower()
    array = t.endswith("[]")
    base = t[:-2] if array else t
    cat = "other:" + re.sub(r"\(.*\)", "", base)
    for pattern, name in _CATEGORIES:
        if re.match(pattern, base):
            cat = name
            break
    return cat + ("[]" if array else "")


def compatible(source_type: str, target_type: str) -> bool:
    """Whether a value of ``source_type`` can be inserted into ``target_type`` without losing meaning."""
    s, t = type_category(source_type), type_category(target_type)
    return s == t or t == "text" or (s == "text" and t.startswith("other:"))


_REFERENCES = re.compile(r"REFERENCES (?P<ref>[^\s(]+)\((?P<cols>[^)]*)\)")


def _partial_references(
    snapshots: tuple[Snapshot, ...], table: str, keys: tuple[str, ...], renewed: str
) -> list[str]:
    """Foreign keys that reference ``table``'s ``renewed`` column without the whole composite key."""
    out: list[str] = []
    for snap in snapshots:
        for c in snap.constraints:
            m = _REFERENCES.search(c.definition) if c.contype == "foreign key" else None
            if m is None:
                continue
            ref = m["ref"].replace('"', "")
            ref = ref if "." in ref else f"public.{ref}"
            cols = {x.strip().strip('"') for x in m["cols"].split(",")}
            if ref == table and renewed in cols and not set(keys) <= cols and c.identity not in out:
                out.append(c.identity)
    return out


_OWN_COLUMNS = re.compile(r"^FOREIGN KEY \((?P<cols>[^)]*)\)")


def key_references(snapshots: tuple[Snapshot, ...], table: str, renewed: str) -> list[str]:
    """Foreign keys of ``table`` whose own columns include the key column ``renewed`` (``profiles.id``
    referencing ``auth.users(id)``): a new key made for a colliding row would reference no row."""
    out: list[str] = []
    for snap in snapshots:
        for c in snap.constraints:
            m = _OWN_COLUMNS.search(c.definition) if c.contype == "foreign key" and c.table == table else None
            if m is None:
                continue
            cols = {x.strip().strip('"') for x in m["cols"].split(",")}
            if renewed in cols and c.identity not in out:
                out.append(c.identity)
    return out


def _merge_line(text: str, source: str, needle: str) -> int:
    """The line of ``needle`` in the ``[[merge]]`` whose source is ``source`` (0 when not found)."""
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.strip() == f'source = "{source}"'), None)
    if start is None:
        return line_of(text, needle)
    for i in range(start, len(lines)):
        if lines[i].startswith(needle):
            return i + 1
        if i > start and lines[i].strip() == "[[merge]]":
            break
    return start + 1


def columns_of(snap: Snapshot, table: str) -> dict[str, Column]:
    return {c.identity.rsplit(".", 1)[1]: c for c in snap.columns if c.table == table}


def check_plan(
    plan: Plan,
    text: str,
    *,
    current_files: Mapping[str, str],
    snapshots: tuple[Snapshot, ...],
) -> tuple[PlanProblem, ...]:
    """Every problem of ``plan`` (read from ``text``) against the directory's ``current_files``
    (path -> sha256) and the ``snapshots`` it may apply to (the replayed chain, the live database)."""
    problems: list[PlanProblem] = []

    def add(message: str, *needles: str) -> None:
        problems.append(PlanProblem(line_of(text, *needles) if needles else 0, message))

    planned = {f.path: f.sha256 for f in plan.files}
    for path, sha in planned.items():
        if path not in current_files:
            add(f"plan is out of date: {path} is no longer in {plan.directory}", f'"{path}"')
        elif current_files[path] != sha:
            add(
                f"plan is out of date: {path} changed since the plan was written "
                f"(sha256 {current_files[path][:12]}…, plan has {sha[:12]}…); run `pgconsolidate plan` again",
                f'"{sha}"',
            )
    for path in current_files:
        if path not in planned:
            add(f"plan is out of date: {path} is new in {plan.directory} (not in the plan)")

    tables: set[str] = set()
    functions: set[str] = set()
    for s in snapshots:
        tables.update(t.identity for t in s.tables)
        functions.update(f.identity for f in s.functions)

    def cols(table: str) -> dict[str, Column]:
        for s in snapshots:
            found = columns_of(s, table)
            if found:
                return found
        return {}

    for m in plan.merges:
        for side in (m.source, m.target):
            if side not in tables:
                add(
                    f"merge {m.source} -> {m.target}: unknown table {side} (not created by the migrations; "
                    "pass --database-url when it exists only in the live database)",
                    f'"{side}"',
                )
        if m.source == m.target:
            add(f"merge {m.source} -> {m.target}: a table cannot be merged into itself", f'"{m.source}"')
        scols, tcols = cols(m.source), cols(m.target)
        if not scols or not tcols:
            continue
        keys = key_columns(m.key)
        for k in keys:
            if k not in tcols or k not in scols:
                add(f"merge {m.source} -> {m.target}: key column {k!r} is not in both tables", "key =")
            elif not compatible(scols[k].type, tcols[k].type):
                add(
                    f"impossible merge {m.source} -> {m.target}: key {k} is {scols[k].type} "
                    "in the source "
                    f"and {tcols[k].type} in the target",
                    "key =",
                )
        if m.on_collision == "keep-both" and all(k in tcols for k in keys):
            why = renewal(m.key, tcols)
            if isinstance(why, Renewal) and len(keys) > 1:
                partial = _partial_references(snapshots, m.source, keys, why.column)
                if partial:
                    why = (
                        f"foreign keys {', '.join(partial)} reference {m.source}.{why.column} without the "
                        f"rest of the key ({', '.join(keys)}): their values could not follow the new keys"
                    )
            if isinstance(why, Renewal):
                own = key_references(snapshots, m.target, why.column)
                if own:
                    why = (
                        f"{m.target}.{why.column} is also a foreign key ({', '.join(own)}): a new value "
                        "would reference no row"
                    )
            if isinstance(why, str):
                problems.append(
                    PlanProblem(
                        _merge_line(text, m.source, "on_collision ="),
                        f"merge {m.source} -> {m.target}: keep-both cannot make a new key for colliding "
                        f'rows: {why}. Set on_collision = "prefer-target" (colliding source rows are '
                        f'kept in {m.source}_merge_unmerged) or "fail" (the fix aborts when keys collide)',
                    )
                )
        mapped = set()
        for c in m.columns:
            mapped.add(c.target)
            if c.target not in tcols:
                add(
                    f"merge {m.source} -> {m.target}: unknown target column {c.target!r}",
                    f'target = "{c.target}"',
                )
                continue
            if c.source is None:
                continue
            if c.source not in scols:
                add(
                    f"merge {m.source} -> {m.target}: unknown source column {c.source!r}",
                    f'source = "{c.source}"',
                )
                continue
            st, tt = scols[c.source].type, tcols[c.target].type
            emb = plan.embedding_for(m.target, c.target)
            if type_category(st) == "vector" and type_category(tt) == "vector" and emb is not None:
                continue
            if not compatible(st, tt):
                add(
                    f"impossible merge {m.source} -> {m.target}: column {c.source} is {st} but "
                    f"{m.target}.{c.target} is {tt}; map it with an `expr` or drop the mapping",
                    f'source = "{c.source}"',
                )
        for name, col in tcols.items():
            if name in keys:
                continue
            if col.not_null and col.default is None and col.identity_kind is None and name not in mapped:
                add(
                    f"impossible merge {m.source} -> {m.target}: {m.target}.{name} is NOT NULL without a "
                    f"default and no [[merge.column]] fills it",
                    f'target = "{m.target}"',
                )

    for e in plan.embeddings:
        ecol = cols(e.table).get(e.column)
        if ecol is None:
            add(f"embedding: unknown column {e.table}.{e.column}", f'column = "{e.column}"')
        elif type_category(ecol.type) != "vector":
            add(
                f"embedding: {e.table}.{e.column} is {ecol.type}, not a vector column",
                f'column = "{e.column}"',
            )

    for f in plan.functions:
        for ident in (f.keep, *f.drop):
            if ident not in functions:
                add(f"function {f.name}: unknown function {ident}", f'"{ident}"')
        if f.keep in f.drop:
            add(f"function {f.name}: {f.keep} is both kept and dropped", f'"{f.keep}"')
        for path in f.disable_files:
            if path not in current_files:
                add(
                    f"function {f.name}: disable_files names {path}, which is not in the directory",
                    f'"{path}"',
                )

    for d in plan.definers:
        if d.function not in functions:
            add(f"definer: unknown function {d.function}", f'"{d.function}"')

    for ix in plan.indexes:
        tc = cols(ix.table)
        if not tc:
            add(f"index {ix.name}: unknown table {ix.table}", f'name = "{ix.name}"')
            continue
        for cname in ix.columns:
            if cname not in tc and not any(
                e.table == ix.table and cname in {e.side_column(d) for d in e.move_dimensions}
                for e in plan.embeddings
            ):
                add(f"index {ix.name}: {ix.table} has no column {cname!r}", f'name = "{ix.name}"')
        if len(ix.name) > 63:
            add(f"index {ix.name}: name longer than 63 bytes", f'name = "{ix.name}"')

    seen: set[str] = set()
    for dom in plan.domains:
        if dom.name in seen:
            add(f"domain {dom.name!r} appears twice", f'name = "{dom.name}"')
        seen.add(dom.name)
        if not dom.patterns and not dom.kinds:
            add(f"domain {dom.name!r} has neither patterns nor kinds", f'name = "{dom.name}"')
    if not plan.domains:
        add("the plan has no [[domain]]: the clean set needs at least one")
    return tuple(problems)


_LIVE_ONLY_KEY = re.compile(r"^\s*live_only\s*=")


def live_only_line(text: str, entry: str) -> int:
    """The line of ``entry`` in the top-level ``live_only`` array (the array's own line when the entry is
    not found on a line of its own; 0 without a ``live_only`` key). A comment or a merge naming the same
    object earlier in the file is not taken for it."""
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if _LIVE_ONLY_KEY.match(ln)), None)
    if start is None:
        return 0
    quoted = (f'"{entry}"', f"'{entry}'")
    for i in range(start, len(lines)):
        if any(q in lines[i].split("#", 1)[0] for q in quoted):
            return i + 1
        if i > start and "]" in lines[i - 1].split("#", 1)[0]:
            break
    return start + 1


def live_only_absent(plan: Plan, live: Snapshot) -> tuple[str, ...]:
    """The ``live_only`` entries whose object the live database (its catalog ``live``) does not have: a
    typo, or dropped since the plan was written. Any kind counts (a column or constraint named there
    exists as well)."""
    have = {o.identity for kind in OBJECT_KINDS for o in live.objects(kind)}
    return tuple(entry for entry in plan.live_only if entry not in have)


def live_only_missing(plan: Plan, text: str, live: Snapshot) -> tuple[PlanProblem, ...]:
    """One problem, at its line of ``text`` (the plan's TOML), per entry of :func:`live_only_absent`."""
    return tuple(
        PlanProblem(
            live_only_line(text, entry),
            f"live_only: {entry} is not in the live database (a typo, or dropped since the plan was "
            "written): remove it, or run `pgconsolidate plan --database-url` again",
        )
        for entry in live_only_absent(plan, live)
    )


def planned_drops(plan: Plan) -> set[str]:
    """What the plan removes: merge sources it drops and function overloads it drops."""
    return {m.source for m in plan.merges if m.drop_source} | {d for f in plan.functions for d in f.drop}


def live_only_unlisted(plan: Plan, found: Iterable[str]) -> tuple[str, ...]:
    """Of ``found`` (the live database's objects that the files do not create, minus what the plan
    drops), those the plan's ``live_only`` does not list, each as one sentence."""
    listed = set(plan.live_only)
    return tuple(
        f"{x} is in the live database, not created by the files and not in the plan's live_only: the clean "
        "set carries it from the live database without the plan saying so (add it to live_only)"
        for x in found
        if x not in listed
    )
