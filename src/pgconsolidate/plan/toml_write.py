"""Write a plan as an editable, commented TOML document (pure: a Plan in, text out)."""

from __future__ import annotations

import json
import textwrap

from pgconsolidate.plan.model import (
    COLLISION_STRATEGIES,
    FILES_ONLY_ACTIONS,
    Merge,
    NotMerged,
    Plan,
)


def q(value: str) -> str:
    """A TOML basic string (JSON string syntax is valid TOML for the characters we emit)."""
    return json.dumps(value, ensure_ascii=False)


def qlist(values: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(q(v) for v in values) + "]"


def _comment(text: str, width: int = 106) -> list[str]:
    """``text`` as ``#`` comment lines, long lines wrapped at ``width``."""
    out: list[str] = []
    for ln in text.strip("\n").splitlines():
        wrapped = (
            textwrap.wrap(ln, width, break_long_words=False, break_on_hyphens=False) if ln.strip() else [""]
        )
        out += [f"# {w}".rstrip() for w in wrapped]
    return out


HEADER = """\
pgconsolidate plan (version 1). Review and edit it, then run:
    pgconsolidate plan --check THIS_FILE
    pgconsolidate consolidate DIR --plan THIS_FILE --out OUTDIR
Nothing in DIR or in any database is changed by writing or checking a plan."""


def not_merged_line(n: NotMerged) -> str:
    """One line for a similar pair that is not merged: the tables, the similarity and the reason."""
    score = f" (similarity {n.score:.2f})" if n.score is not None else ""
    seen = "; analyze reports them as similar-tables" if n.reported else ""
    return f"{n.source} ~ {n.target}{score}: not merged: {n.reason}{seen}"


def _merge_block(m: Merge, comments: list[str] | None = None) -> list[str]:
    """A ``[[merge]]`` table and its ``[[merge.column]]`` entries (``comments`` right after the header)."""
    o = [
        "[[merge]]",
        *(comments or []),
        f"source = {q(m.source)}",
        f"target = {q(m.target)}",
        f"key = {q(m.key)}",
        f"key_type = {q(m.key_type)}",
        f"on_collision = {q(m.on_collision)}",
        f"drop_source = {'true' if m.drop_source else 'false'}",
        f"fire_triggers = {'true' if m.fire_triggers else 'false'}",
    ]
    for c in m.columns:
        o.append("[[merge.column]]")
        o.append(f"target = {q(c.target)}")
        if c.source is not None:
            o.append(f"source = {q(c.source)}")
        if c.expr is not None:
            o.append(f"expr = {q(c.expr)}")
    return o


def _not_merged(plan: Plan) -> list[str]:
    """Similar tables the proposal does not merge, each with its reason and a commented-out ``[[merge]]``
    to start from (the user decides; ``plan --check`` validates the result)."""
    if not plan.not_merged:
        return []
    o = [
        "",
        *_comment(
            "Similar tables NOT merged (found alike here, or reported by `analyze` as similar-tables), and\n"
            "why. To merge one anyway, uncomment its [[merge]] block, complete it (key, columns) and run\n"
            "`pgconsolidate plan --check` on this file."
        ),
    ]
    for n in plan.not_merged:
        o += ["", *_comment(not_merged_line(n))]
        if not n.key:  # a table the plan's schema lacks: nothing to merge from here
            continue
        block = (
            _merge_block(n.draft)
            if n.draft is not None
            else [
                "[[merge]]",
                f"source = {q(n.source)}",
                f"target = {q(n.target)}",
                f"key = {q(n.key)}",
                f"on_collision = {q('keep-both')}",
            ]
        )
        o += [f"# {ln}" for ln in block]
    return o


def _files_only(plan: Plan) -> list[str]:
    """Objects the files create that the live database lacks, each with its decision (written only when
    the plan was made with a live database)."""
    if not plan.files_only:
        return []
    o = [
        "",
        *_comment(
            "Objects the migration files create that the live database does NOT have (a migration never\n"
            "applied there, or the object dropped by hand). The clean set describes the live database.\n"
            f"action = {' | '.join(FILES_ONLY_ACTIONS)}:\n"
            "  leave-out (default) nothing changes in the live database; the clean set does NOT have the\n"
            "            object, so a database built from it lacks it too (consolidate, REPORT.md say so)\n"
            "  create    the fix creates it in the live database as the files define it (with its parts,\n"
            "            grants and comments); the clean set has it. Check what it does there first: a\n"
            "            policy grants access, a trigger runs on every write, a definer bypasses RLS."
        ),
    ]
    for e in plan.files_only:
        o += ["", "[[files_only]]"]
        if e.reason:
            o += _comment(e.reason)
        o += [f"object = {q(e.object)}", f"kind = {q(e.kind)}", f"action = {q(e.action)}"]
    return o


def write_plan(plan: Plan) -> str:
    """The plan as commented TOML; :func:`pgconsolidate.plan.toml_read.read_plan` reads it back."""
    o: list[str] = [*_comment(HEADER), ""]
    for note in plan.notes:
        o += [*_comment(f"NOTE: {note}."), ""]
    o.append(f"version = {plan.version}")
    o.append(f"directory = {q(plan.directory)}")
    o.append(f"tool = {q(plan.tool)}")
    o.append(f"live_only = {qlist(plan.live_only)}")
    o += [
        "",
        *_comment(
            "Objects listed in live_only exist only in the live database (created by hand); the clean set\n"
            "includes them and REPORT.md names them."
        ),
        "",
        "[settings]",
        *_comment("The fix runs in one transaction with these timeouts (SET LOCAL)."),
        f"lock_timeout = {q(plan.settings.lock_timeout)}",
        f"statement_timeout = {q(plan.settings.statement_timeout)}",
        *_comment(
            'archive_mode: "copy" = the old files are copied to OUTDIR/archive (DIR untouched);\n'
            '"disabled" = consolidate --in-place renames them to <file>.disabled instead of moving them.'
        ),
        f"archive_mode = {q(plan.settings.archive_mode)}",
        *_comment("The migration history table that history_repair.sql updates."),
        f"history_table = {q(plan.settings.history_table)}",
        "",
    ]
    o += _comment(
        "Table merges: every row of `source` is inserted into `target`; nothing is dropped silently.\n"
        f"on_collision = {' | '.join(COLLISION_STRATEGIES)}:\n"
        "  keep-both     (default) the incoming row gets a new key: from the key column's identity, its\n"
        "                own default (nextval, gen_random_uuid(), uuid_generate_v4()), else a new uuid, a\n"
        "                number above every key, or the text key with a random suffix that fits its length;\n"
        "                every merged row is recorded in <target>_merge_origin (source_table, source_key,\n"
        "                target_key, key_changed). Not possible for natural keys (`plan --check` says so).\n"
        "  prefer-target colliding source rows are not inserted; they stay in <source>_merge_unmerged\n"
        "  prefer-source colliding target rows are overwritten; their old values go to "
        "<target>_merge_replaced\n"
        "  fail          any colliding key aborts the fix\n"
        "drop_source: drop the source table once every row is accounted for (counts checked in the fix).\n"
        "fire_triggers: false (default) moves rows like a bulk import: the target's user "
        "triggers (webhooks,\n"
        "  updated_at, derived columns) are suspended during the move and re-enabled after; "
        "true fires them.\n"
        'key: the key column, or the columns of a composite key separated by commas ("tenant_id, id").\n'
        "[[merge.column]]: target column <- source column, or expr (SQL over the source row `s`).\n"
        "Target columns not listed get their default."
    )
    if not plan.merges:
        o.append("# (no merge proposed)")
    for m in plan.merges:
        o += ["", *_merge_block(m, _comment(m.reason) if m.reason else [])]
    o += _not_merged(plan)
    o += _files_only(plan)
    o += [
        "",
        *_comment(
            "Embedding columns: the canonical dimension; other = move (default: values of another dimension\n"
            "go to a column <column>_<dim> of their own dimension, listed in move_dimensions) | fail.\n"
            "Values are never set to NULL. counts = [[dimension, rows], ...] seen in the live database."
        ),
    ]
    if not plan.embeddings:
        o.append("# (no embedding column needs a decision)")
    for e in plan.embeddings:
        o += ["", "[[embedding]]"]
        if e.reason:
            o += _comment(e.reason)
        o += [
            f"table = {q(e.table)}",
            f"column = {q(e.column)}",
            f"type_name = {q(e.type_name)}",
            f"dimension = {e.dimension}",
            f"other = {q(e.other)}",
            f"move_dimensions = [{', '.join(str(d) for d in e.move_dimensions)}]",
            f"counts = [{', '.join(f'[{d}, {n}]' for d, n in e.counts)}]",
        ]
    o += [
        "",
        *_comment(
            "Functions with variants (several definitions) or ambiguous overloads: `keep` is the identity\n"
            "kept; keep_from = live (the body the live database runs) | chain (the last applied "
            "definition);\n"
            "`drop` lists overloads dropped by exact signature; disable_files are archived, not replayed."
        ),
    ]
    if not plan.functions:
        o.append("# (no function variants)")
    for f in plan.functions:
        o += ["", "[[function]]"]
        if f.reason:
            o += _comment(f.reason)
        o += [
            f"name = {q(f.name)}",
            f"keep = {q(f.keep)}",
            f"keep_from = {q(f.keep_from)}",
            f"drop = {qlist(f.drop)}",
            f"disable_files = {qlist(f.disable_files)}",
        ]
    o += [
        "",
        *_comment(
            "SECURITY DEFINER functions: action = invoker (default: ALTER FUNCTION ... SECURITY INVOKER,\n"
            "by exact signature) | keep (stays a definer: search_path pinned to `search_path`, EXECUTE\n"
            "revoked from revoke_from). Keep only what must bypass RLS (e.g. a trigger on auth.users)."
        ),
    ]
    if not plan.definers:
        o.append("# (no SECURITY DEFINER function)")
    for d in plan.definers:
        o += ["", "[[definer]]"]
        if d.reason:
            o += _comment(d.reason)
        o += [f"function = {q(d.function)}", f"action = {q(d.action)}"]
        if d.search_path is not None:
            o.append(f"search_path = {q(d.search_path)}")
        o.append(f"revoke_from = {qlist(d.revoke_from)}")
    o += [
        "",
        *_comment(
            "Indexes added by the fix and the clean set (CREATE INDEX IF NOT EXISTS). Delete an entry to\n"
            "skip it. method = btree | gin | hnsw | ivfflat | gist | brin | hash."
        ),
    ]
    if not plan.indexes:
        o.append("# (no missing index)")
    for i in plan.indexes:
        o += ["", "[[index]]"]
        if i.reason:
            o += _comment(i.reason)
        o += [
            f"name = {q(i.name)}",
            f"table = {q(i.table)}",
            f"columns = {qlist(i.columns)}",
            f"method = {q(i.method)}",
        ]
        if i.opclass:
            o.append(f"opclass = {q(i.opclass)}")
    o += [
        "",
        *_comment(
            "Domains of the clean set, one file each, in this order (objects keep dependency order: an\n"
            "object that needs something of a later domain moves to that domain). An object "
            "goes to the first\n"
            "domain whose `kinds` contains its kind, else the first whose `patterns` (fnmatch on the\n"
            "unqualified name, or on schema.name for a pattern with a dot) match; the domain with\n"
            'pattern "*" takes the rest.'
        ),
    ]
    for dom in plan.domains:
        o += ["", "[[domain]]", f"name = {q(dom.name)}", f"patterns = {qlist(dom.patterns)}"]
        if dom.kinds:
            o.append(f"kinds = {qlist(dom.kinds)}")
    o += ["", *_comment("The source files and their sha256: a plan that no longer matches DIR is refused.")]
    for sf in plan.files:
        o += ["[[file]]", f"path = {q(sf.path)}", f"sha256 = {q(sf.sha256)}"]
    return "\n".join(o) + "\n"
