"""REPORT.md: what consolidate did and why (pure)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pgconsolidate.catalog.model import Snapshot
from pgconsolidate.generate.carried import DOMAIN as CARRIED
from pgconsolidate.generate.cleanset import ExtensionStandIn
from pgconsolidate.plan.facts import DataFacts, FunctionFacts
from pgconsolidate.plan.model import Merge, Plan
from pgconsolidate.plan.recreated import RecreatedTable
from pgconsolidate.sources.model import MigrationDir
from pgconsolidate.statements.psql import is_meta_command_hint

_REFERENCES = re.compile(r'REFERENCES ((?:"(?:[^"]|"")+"|[^\s."(]+)(?:\.(?:"(?:[^"]|"")+"|[^\s."(]+))?)\(')


def _unquote(name: str) -> str:
    return name[1:-1].replace('""', '"') if name.startswith('"') else name


def _referenced_table(definition: str) -> str | None:
    """``schema.table`` that a foreign key definition (``pg_get_constraintdef``, read with ``public`` on
    the search_path) references."""
    found = _REFERENCES.search(definition)
    if found is None:
        return None
    parts = re.findall(r'"(?:[^"]|"")+"|[^."]+', found.group(1))
    names = [_unquote(x) for x in parts]
    return ".".join(names) if len(names) == 2 else f"public.{names[0]}"


def referencing_foreign_keys(snapshot: Snapshot, table: str) -> list[tuple[str, str]]:
    """(identity, definition) of every foreign key in ``snapshot`` that references ``table``."""
    return [
        (c.identity, c.definition)
        for c in snapshot.constraints
        if c.contype.startswith("f") and _referenced_table(c.definition) == table
    ]


def _repointed(m: Merge, snapshot: Snapshot | None) -> list[str]:
    """Report lines: the foreign keys that the fix repoints from the merge source to its target."""
    if not m.drop_source:
        return []
    head = (
        f"  * foreign keys that reference `{m.source}` are repointed to `{m.target}` inside the fix, "
        "before the source is dropped: same name, columns, ON DELETE/UPDATE actions and deferrability; "
        "references to rows whose key changed are rewritten through the key map; referencing rows are "
        "counted before and after (the fix raises before COMMIT on any difference). They are read from "
        "the catalog when the fix runs, so keys created by hand are repointed too"
    )
    if m.on_collision == "prefer-target":
        head += (
            f". With prefer-target, a reference to a colliding source row now resolves to the target row "
            f"that was kept (the source row itself is kept in `{m.source}_merge_unmerged`)"
        )
    if snapshot is None:
        return [head + "."]
    fks = referencing_foreign_keys(snapshot, m.source)
    if not fks:
        return [head + "; none reference it in the schema this plan was checked against."]
    return [head + ":"] + [f"    * `{ident}`: {definition}" for ident, definition in fks]


def callers_of(
    stand_ins: Sequence[ExtensionStandIn], functions: Sequence[FunctionFacts]
) -> dict[str, list[str]]:
    """Per stood-in extension, the user's functions whose definition calls one of its functions (qualified
    with the stand-in object's schema, or unqualified)."""
    out: dict[str, list[str]] = {}
    for s in stand_ins:
        by_schema: dict[str, set[str]] = {}
        for o in s.objects:
            if "." in o:
                schema, name = o.rsplit(".", 1)
                by_schema.setdefault(schema, set()).add(name)
        if not by_schema:
            continue
        calls = [
            re.compile(
                rf'(?:\b{re.escape(schema)}\s*\.\s*|(?<![\w.$"]))'
                rf"(?:{'|'.join(sorted(map(re.escape, names)))})\s*\(",
                re.IGNORECASE,
            )
            for schema, names in sorted(by_schema.items())
        ]
        found = [f.identity for f in functions if any(c.search(f.definition) for c in calls)]
        if found:
            out[s.extension] = found
    return out


def _stand_in_section(
    stand_ins: Sequence[ExtensionStandIn], callers: dict[str, list[str]], skipped: Sequence[str]
) -> list[str]:
    if not stand_ins and not skipped:
        return []
    o = ["", "## Extensions the scratch server lacks (stand-ins)", ""]
    if stand_ins:
        o.append(
            "The proof replays on a scratch server without these extensions. A stand-in took the place of "
            "each: the same types and function signatures, computing exactly what the extension computes "
            "where core PostgreSQL can and raising otherwise. Its objects are left out of every snapshot "
            "compared, and never written to the clean set as if they were the project's."
        )
        o.append("")
    for s in stand_ins:
        users = callers.get(s.extension, [])
        who = (
            f"{len(users)} function(s) calling it ({', '.join(f'`{u}`' for u in users)}) were built and "
            "compared against the stand-in; their behaviour was not exercised"
            if users
            else "no function of the project calls it"
        )
        made = (
            "the clean set creates it with `CREATE EXTENSION IF NOT EXISTS`"
            if s.create
            else "provided by the platform's base (a hosted Supabase project has it), not by the clean set"
        )
        o.append(f"* `{s.extension}` (schema `{s.schema}`): {s.note}. {who[0].upper()}{who[1:]}; {made}.")
    if skipped:
        o += ["", "Statements skipped because they need an extension that has no stand-in (not proven):", ""]
        o += [f"* {x}" for x in skipped]
    return o


# what the tool of a directory layout does with the output (``generate.layouts``)
_LAYOUT_NOTES = {
    "prisma": " `prisma migrate deploy` runs its `<timestamp>_<domain>/migration.sql` directories; on "
    "databases that already exist, `history_repair.sql` has recorded them in `_prisma_migrations` "
    "(SHA-256 of each file: keep them byte-identical) and deleted the rows of the migrations they replace "
    "(the backup taken by apply keeps them), so `prisma migrate status` is clean.",
    "diesel": " `diesel migration run` runs its `<version>_<domain>/up.sql` directories; their `down.sql` "
    "refuses on purpose (a consolidated migration cannot be reverted without losing data): go back with "
    "`pgconsolidate rollback` and `pgconsolidate restore-files`.",
}


def generate_report(
    findings: tuple[dict[str, int], dict[str, int]] | None,
    declared: Sequence[str],
    rows_before: dict[str, int],
    rows_after: dict[str, int],
    colliding: dict[str, int],
    plan: Plan,
    mdir: MigrationDir,
    clean: Sequence[Any],
    failures: Sequence[Any],
    differences: Sequence[str],
    second_run: Sequence[str],
    fix_name: str,
    live: DataFacts | None,
    chain: DataFacts,
    snapshot: Snapshot | None = None,
    *,
    stand_ins: Sequence[ExtensionStandIn] = (),
    callers: dict[str, list[str]] | None = None,
    skipped: Sequence[str] = (),
    live_copy: Sequence[str] = (),
    not_merged: Sequence[str] = (),
    platform: Sequence[str] = (),
    recreated: Sequence[RecreatedTable] = (),
    files_only: Sequence[str] = (),
    placeholders: Sequence[str] = (),
) -> str:
    """The text of REPORT.md; ``files_only``: one line per object the files create that the live
    database lacks, and what the consolidation does with it (listed right after the files);
    ``snapshot`` (the schema the fix was generated for) names the foreign
    keys the merges repoint; ``stand_ins``/``callers``/``skipped`` say what the proof could not exercise;
    ``live_copy``: what copying the live database did and could not do; ``not_merged``: the similar
    tables this plan does not merge, each with the reason; ``platform``: ``CREATE EXTENSION`` statements
    of extensions the hosting platform provides, which the scratch server lacks (not replayed);
    ``placeholders``: the placeholders (Flyway, goose ENVSUB) the old files were replayed with
    (``${schema} -> 'app' (flyway.conf): ...``), whose values the clean set and the fix hold as written
    SQL."""
    o: list[str] = ["# pgconsolidate report", ""]
    o += [
        "## Files",
        "",
        f"* before: {len(mdir.files)} migration files in `{mdir.root}` ({mdir.tool_label}); "
        f"{len(failures)} statements fail when they are replayed on an empty database",
        f"* after: {len(clean)} clean-set files (`migrations/`), idempotent, replayed twice without error",
    ]
    for c in clean:  # under "after:", before the next bullet and any section
        if c.domain == CARRIED:
            o.append(
                f"  * `{c.name}`: {len(c.objects)} statements carried as written (they fail on the scratch "
                "server for want of a role, extension or privilege, or act on pg_cron's jobs; see below)"
            )
        else:
            o.append(f"  * `{c.name}`: {len(c.objects)} object{'' if len(c.objects) == 1 else 's'}")
    o += [
        f"* `{fix_name}`: for databases that already exist; `history_repair.sql`: marks the "
        "clean set applied",
    ]
    if files_only:
        o += [
            "",
            "## In the files, not in the live database",
            "",
            "The clean set describes the live database. These objects are made by the migration files and "
            "are not in the live database (a migration never applied there, or the object dropped by hand); "
            "the plan's `[[files_only]]` entries decide, per object, whether the fix creates them "
            '(`action = "create"`) or the clean set leaves them out (`action = "leave-out"`, the default):',
            "",
            *(f"* {line}" for line in files_only),
        ]
    carried = [obj.removeprefix("STATEMENT ") for c in clean if c.domain == CARRIED for obj in c.objects]
    if carried:
        o += [
            "",
            "## Statements carried as written",
            "",
            "These statements of the old files failed on the empty scratch database for want of something "
            "the project's databases have (a role, an extension, a privilege), or schedule pg_cron jobs or "
            "grant on its schema (rows of cron.job, compared by the proof), so the schema dump the clean "
            "set is made from does not hold what they make. They are not dropped: the last clean-set file "
            "runs each as written and, where it still cannot run, raises a WARNING naming it:",
            "",
            *(f"* {where}" for where in carried),
        ]
    if placeholders:
        o += [
            "",
            "## Placeholders: their values are written into the clean set",
            "",
            "The old files use placeholders (Flyway's `${...}`, goose's `-- +goose ENVSUB ON`). They were "
            "replayed with the values below, and the clean set and the fix are generated from that schema: "
            "they hold these values as plain SQL, with no `${...}` left. A database deployed with other "
            "values (a schema per environment or tenant) needs a consolidation made with its own values "
            "(set them in the Flyway configuration, `FLYWAY_PLACEHOLDERS_*` or the environment, and "
            "consolidate again), or the placeholders put back by hand:",
            "",
            *(f"* `{line}`" for line in placeholders),
        ]
    o += [
        "",
        "## How to use this output",
        "",
        "1. Databases that already exist (production, staging): `pgconsolidate apply OUTDIR "
        "--database-url URL` "
        f"runs `{fix_name}` and `history_repair.sql` in one transaction after a verified backup "
        "(`pgconsolidate rollback` undoes it). Both files are idempotent.",
        "2. The repository: replace the old files with `migrations/` (or run `consolidate "
        "--in-place`); the old "
        "files are in `archive/`, byte-identical, and `pgconsolidate restore-files OUTDIR` puts them back.",
        "3. Fresh databases (CI, new environments) replay the clean set only."
        + _LAYOUT_NOTES.get(mdir.tool.value, ""),
        "4. `pgconsolidate verify OUTDIR [--database-url URL]` re-checks the proof below at any time.",
    ]
    o += ["", "## Findings (static rules) before and after", ""]
    if findings is None:
        o.append("The rules could not run on this directory; see `pgconsolidate analyze`.")
    else:
        before, after = findings
        o.append(f"{sum(before.values())} findings before, {sum(after.values())} after (clean set).")
        o += ["", "| rule | before | after |", "|---|---:|---:|"]
        o += [f"| {r} | {before.get(r, 0)} | {after.get(r, 0)} |" for r in sorted(set(before) | set(after))]
    if recreated:
        o += [
            "",
            "## Tables dropped and created again (their rows)",
            "",
            "The old chain drops these tables and creates them again (or a table with most of their "
            "columns under another name) without copying their rows (rule `table-recreated`). The clean "
            "set creates the final table once; the fix never runs the DROP:",
            "",
        ]
        for t in recreated:
            lines = t.fix_lines()
            o.append(f"* {lines[0]}")
            o += ["  " + ln.strip() for ln in lines[1:]]
    o += ["", "## Proof", ""]
    o.append(
        "The old chain and the clean set are replayed as `pgconsolidate replay` replays them (the owning "
        "tool's transactions, the Supabase base when the files use it, stand-ins for extensions the scratch "
        "server lacks), and their catalogs compared object by object and attribute by attribute."
    )
    o.append("")
    o.append(
        "* clean set on an empty database vs. the old chain + the fix: "
        + ("**no differences**" if not differences else f"**{len(differences)} differences**")
    )
    o += [f"  * {d}" for d in differences]
    o.append(
        "* the fix run a second time: "
        + ("**changes nothing**" if not second_run else f"{len(second_run)} changes")
    )
    o += [f"  * {d}" for d in second_run]
    o += _stand_in_section(stand_ins, callers or {}, skipped)
    if platform:
        o += [
            "",
            "## Extensions the platform provides (not on the scratch server)",
            "",
            "Every hosted project already has these; the proof did not replay them, and neither side of the "
            "comparison holds their objects:",
            "",
        ]
        o += [f"* {x}" for x in platform]
    if live_copy:
        o += ["", "## The copy of the live database", ""]
        o += [f"* {x}" for x in live_copy]
    if declared:
        o += [
            "",
            "## Declared differences: the live database vs. the old migrations (both after the fix)",
            "",
            "The clean set follows the live database. `+` exists only in the live database (created by hand,",
            "now part of the clean set), `-` only in what the old migrations build, `~` differs:",
            "",
        ]
        o += [f"* {d}" for d in declared]
    if rows_before:
        o += ["", "## Rows on a copy of the live database (before → after the fix)", ""]
        o += [f"* `{t}`: {n} → {rows_after.get(t, 0) if t in rows_after else 'dropped (merged)'}"
              for t, n in sorted(rows_before.items())]  # fmt: skip
    if failures:
        o += ["", "## Statements of the old chain that fail on an empty database", ""]
        o += [
            "The clean set holds what the old chain builds on an empty database: anything only these "
            "statements would have created (a table needing an extension no migration creates, say) is in "
            "neither the clean set nor the fix. Make them run (CREATE EXTENSION first, reorder) and "
            "consolidate again, or keep those objects in a migration of their own.",
            "",
        ]
        # a duplicate CREATE's hint says where the object was first made (and a table's columns it loses);
        # a psql meta-command's says what it is, in analyze's and replay's words
        o += [
            f"* `{f.file}:{f.line}` {f.sqlstate}: {f.message}"
            + (
                f" ({f.hint})"
                if f.hint and (f.sqlstate in ("42P07", "42710", "42723") or is_meta_command_hint(f.hint))
                else ""
            )
            for f in failures
        ]
    o += ["", "## Rows merged", ""]
    if not plan.merges:
        o.append("No table merge in the plan.")
    for m in plan.merges:
        src = live.rows(m.source) if live else None
        tgt = live.rows(m.target) if live else None
        o.append(
            f"* `{m.source}` → `{m.target}` on `{m.key}`, collisions: **{m.on_collision}**; "
            "every merged row is "
            f"recorded in `{m.target}_merge_origin` (source_table, source_key, target_key, "
            "key_changed, outcome, "
            "extra = the values of source columns without a target column); the fix raises before COMMIT if "
            "target rows after ≠ rows before + source rows."
            + (f" Live rows: {src} in the source, {tgt} in the target." if src is not None else "")
            + (
                f" {colliding[m.source]} source keys already exist in the target: with {m.on_collision} "
                + (
                    "they get new keys (key_changed = true in the origin table)."
                    if m.on_collision == "keep-both"
                    else "see the plan."
                )
                if m.source in colliding
                else ""
            )
            # why it is kept (the routines that still use it) is in the reason, quoted below
            + (f" `{m.source}` is kept (drop_source = false)." if not m.drop_source else "")
        )
        o += [f"  > {ln}" for ln in m.reason.splitlines() if ln.strip()]
        o += [f"  * `{c.target}` ← " + (f"`{c.source}`" if c.source else f"`{c.expr}`") for c in m.columns]
        o += _repointed(m, snapshot)
    if not_merged:
        o += ["", "## Similar tables not merged", ""]
        o += [f"* {line}" for line in not_merged]
    o += ["", "## Embedding values", ""]
    if not plan.embeddings:
        o.append("No embedding column needs a conversion.")
    for e in plan.embeddings:
        moved = ", ".join(
            f"{n} rows of {d} dims → `{e.side_column(d)}`" for d, n in e.counts if d != e.dimension
        )
        o.append(
            f"* `{e.identity}` → `{e.type_name}({e.dimension})`; other dimensions: {e.other} "
            f"({moved or 'none found'}); no value is set to NULL (counted in the fix)"
        )
    o += ["", "## SECURITY DEFINER functions", ""]
    conv = [d for d in plan.definers if d.action == "invoker"]
    kept = [d for d in plan.definers if d.action == "keep"]
    o.append(f"{len(conv)} converted to SECURITY INVOKER, {len(kept)} kept.")
    o += [
        f"* kept `{d.function}` (search_path `{d.search_path}`, "
        + (f"EXECUTE revoked from {', '.join(d.revoke_from)}" if d.revoke_from else "EXECUTE left as granted")
        + f"): {d.reason}"
        for d in kept
    ]
    o += [f"* converted `{d.function}`" for d in conv]
    o += ["", "## Functions with variants or overloads", ""]
    for f in plan.functions:
        o.append(
            f"* `{f.name}`: keep `{f.keep}` ({f.keep_from})"
            + (f"; dropped {', '.join(f'`{d}`' for d in f.drop)}" if f.drop else "")
            + (f"; variant files: {', '.join(f.disable_files)}" if f.disable_files else "")
            + (f". {f.reason}" if f.reason else "")
        )
    o += ["", "## Indexes added", ""]
    o += [
        f"* `{i.identity}` on `{i.table}` ({', '.join(i.columns)}) {i.method}"
        + (f": {i.reason}" if i.reason else "")
        for i in plan.indexes
    ]
    if plan.live_only:
        o += ["", "## Objects found only in the live database (created by hand)", ""]
        o += [f"* `{x}`" for x in plan.live_only]
    o += ["", "## Old files (archived byte-identical in `archive/`)", ""]
    o += [f"* `{f.path}` sha256 `{f.sha256}`" for f in mdir.files]
    del chain
    return "\n".join(o) + "\n"
