"""Read a plan from TOML and check its structure; every problem is reported with its TOML line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pgconsolidate.plan.model import (
    COLLISION_STRATEGIES,
    DEFINER_ACTIONS,
    FILES_ONLY_ACTIONS,
    INDEX_METHODS,
    OTHER_DIMENSION_ACTIONS,
    PLAN_VERSION,
    ColumnMap,
    Definer,
    Domain,
    Embedding,
    FilesOnly,
    FunctionChoice,
    IndexChoice,
    Merge,
    Plan,
    Settings,
    SourceFile,
)
from pgconsolidate.tomldoc import toml_document


@dataclass(frozen=True)
class PlanProblem:
    """One thing wrong with a plan, with the 1-based TOML line when it can be found (0 otherwise)."""

    line: int
    message: str

    def render(self, origin: str) -> str:
        return f"{origin}:{self.line}: {self.message}" if self.line else f"{origin}: {self.message}"


def line_of(text: str, *needles: str) -> int:
    """The first line holding all of ``needles`` (in order of preference: the first needle alone if the
    combination is not found), 0 when none is found."""
    lines = text.splitlines()
    for i, ln in enumerate(lines, 1):
        if all(n in ln for n in needles):
            return i
    if needles:
        for i, ln in enumerate(lines, 1):
            if needles[0] in ln:
                return i
    return 0


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.problems: list[PlanProblem] = []

    def problem(self, message: str, *needles: str) -> None:
        self.problems.append(PlanProblem(line_of(self.text, *needles) if needles else 0, message))

    def string(self, table: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
        value = table.get(key, default)
        if value is None:
            self.problem(f"{where}: `{key}` is missing", where.split(" ")[0])
            return ""
        if not isinstance(value, str):
            self.problem(f"{where}: `{key}` must be a string", f"{key} =")
            return str(value)
        return value

    def strings(self, table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(f"{where}: `{key}` must be a list of strings", f"{key} =")
            return ()
        return tuple(value)

    def boolean(self, table: dict[str, Any], key: str, where: str, default: bool) -> bool:
        """``true``/``false`` only: ``drop_source = "false"`` (a string) must not read as true."""
        value = table.get(key, default)
        if not isinstance(value, bool):
            self.problem(f"{where}: `{key}` must be true or false (not {value!r})", f"{key} =")
            return default
        return value

    def choice(self, value: str, allowed: tuple[str, ...], what: str, key: str) -> str:
        if value not in allowed:
            self.problem(
                f"unknown {what} {value!r} (expected one of: {', '.join(allowed)})", f"{key} =", f'"{value}"'
            )
        return value


def _reasons(text: str, header: str) -> list[str]:
    """The comment block right after each ``header`` line (the writer puts each decision's reason
    there), in order of appearance."""
    out: list[str] = []
    lines = text.splitlines()
    for i, ln in enumerate(lines):
        if ln.strip() == header:
            block = []
            for nxt in lines[i + 1 :]:
                if not nxt.startswith("#"):
                    break
                block.append(nxt[1:].strip())
            out.append("\n".join(block))
    return out


def _with_reasons(items: list[Any], reasons: list[str]) -> tuple[Any, ...]:
    import dataclasses

    return tuple(
        dataclasses.replace(it, reason=reasons[i]) if i < len(reasons) and reasons[i] else it
        for i, it in enumerate(items)
    )


#: The keys each part of a plan may hold (what :mod:`pgconsolidate.plan.toml_write` writes): any other key is
#: a problem, since a misspelt one (``on_colision``) would otherwise be ignored and its default used.
KNOWN_KEYS: dict[str, frozenset[str]] = {
    "": frozenset(
        {
            "version",
            "directory",
            "tool",
            "live_only",
            "files_only",
            "settings",
            "merge",
            "embedding",
            "function",
            "definer",
            "index",
            "domain",
            "file",
        }
    ),
    "settings": frozenset({"lock_timeout", "statement_timeout", "archive_mode", "history_table"}),
    "merge": frozenset(
        {"source", "target", "key", "key_type", "on_collision", "drop_source", "fire_triggers", "column"}
    ),
    "merge.column": frozenset({"target", "source", "expr"}),
    "embedding": frozenset(
        {"table", "column", "dimension", "type_name", "other", "move_dimensions", "counts"}
    ),
    "function": frozenset({"name", "keep", "keep_from", "drop", "disable_files"}),
    "definer": frozenset({"function", "action", "search_path", "revoke_from"}),
    "index": frozenset({"name", "table", "columns", "method", "opclass"}),
    "domain": frozenset({"name", "patterns", "kinds"}),
    "file": frozenset({"path", "sha256"}),
    "files_only": frozenset({"object", "kind", "action"}),
}


def _key_line(text: str, key: str) -> int:
    """The first line that sets ``key`` (``key = ``, ``"key" =``, or a ``[key]`` table), 0 if none."""
    pattern = re.compile(rf"""^\s*(?:\[+\s*)?(?:[\w.-]*\.)?["']?{re.escape(key)}["']?\s*(?:=|\]|\.)""")
    for i, line in enumerate(text.splitlines(), 1):
        if pattern.match(line):
            return i
    return 0


def _unknown_keys(r: _Reader, doc: dict[str, Any]) -> None:
    """A problem for every key the plan format does not have, at its line."""

    def visit(table: dict[str, Any], part: str) -> None:
        where = f"[{part}]" if part in ("", "settings") else f"[[{part}]]"
        for key, value in table.items():
            if key not in KNOWN_KEYS[part]:
                known = ", ".join(sorted(KNOWN_KEYS[part]))
                r.problems.append(
                    PlanProblem(
                        _key_line(r.text, key),
                        f"{'top level' if not part else where}: unknown key `{key}` (known: {known})",
                    )
                )
                continue
            child = key if not part else f"{part}.{key}"
            if child not in KNOWN_KEYS:
                continue
            if child == "settings" and not isinstance(value, dict):
                message = "`settings` must be a table: [settings]"
                r.problems.append(PlanProblem(_key_line(r.text, key), message))
            elif child != "settings" and not isinstance(value, list):
                # `[merge]` instead of `[[merge]]`: a table, not an array of tables, would be ignored
                r.problems.append(
                    PlanProblem(
                        _key_line(r.text, key),
                        f"`{child}` must be an array of tables: write [[{child}]], not [{child}]",
                    )
                )
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict):
                    visit(item, child)

    visit(doc, "")


def _tables(doc: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = doc.get(key, [])
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def read_plan(text: str, origin: str = "plan") -> tuple[Plan, tuple[PlanProblem, ...]]:
    """Parse ``text``; return the plan and the structural problems found (empty when it is well formed).

    A TOML syntax error raises :class:`InputError` at once (nothing else can be checked then).
    """
    doc = toml_document(text, origin)
    r = _Reader(text)
    _unknown_keys(r, doc)
    version = doc.get("version", PLAN_VERSION)
    if version != PLAN_VERSION:
        r.problem(
            f"unsupported plan version {version!r} (this pgconsolidate writes {PLAN_VERSION})", "version ="
        )
    st = doc.get("settings", {}) if isinstance(doc.get("settings"), dict) else {}
    settings = Settings(
        lock_timeout=r.string(st, "lock_timeout", "[settings]", Settings.lock_timeout),
        statement_timeout=r.string(st, "statement_timeout", "[settings]", Settings.statement_timeout),
        archive_mode=r.choice(
            r.string(st, "archive_mode", "[settings]", "copy"),
            ("copy", "disabled"),
            "archive_mode",
            "archive_mode",
        ),
        history_table=r.string(st, "history_table", "[settings]", Settings.history_table),
    )
    merges = []
    for t in _tables(doc, "merge"):
        cols = []
        for c in _tables(t, "column"):
            tgt = r.string(c, "target", "[[merge.column]]")
            src = c.get("source")
            expr = c.get("expr")
            if (src is None) == (expr is None):
                r.problem(
                    f"merge column {tgt!r}: give exactly one of `source` or `expr`", f'target = "{tgt}"'
                )
            cols.append(
                ColumnMap(tgt, str(src) if src is not None else None, str(expr) if expr is not None else None)
            )
        strategy = r.string(t, "on_collision", "[[merge]]", "keep-both")
        r.choice(strategy, COLLISION_STRATEGIES, "collision strategy", "on_collision")
        merges.append(
            Merge(
                source=r.string(t, "source", "[[merge]]"),
                target=r.string(t, "target", "[[merge]]"),
                key=r.string(t, "key", "[[merge]]", "id"),
                key_type=r.string(t, "key_type", "[[merge]]", "uuid"),
                on_collision=strategy,
                drop_source=r.boolean(t, "drop_source", "[[merge]]", True),
                fire_triggers=r.boolean(t, "fire_triggers", "[[merge]]", False),
                columns=tuple(cols),
            )
        )
    embeddings = []
    for t in _tables(doc, "embedding"):
        dim = t.get("dimension")
        if not isinstance(dim, int) or dim <= 0:
            r.problem("[[embedding]]: `dimension` must be a positive integer", "dimension =")
            dim = 1
        other = r.string(t, "other", "[[embedding]]", "move")
        r.choice(other, OTHER_DIMENSION_ACTIONS, "embedding action", "other =")
        moves = t.get("move_dimensions", [])
        if not isinstance(moves, list) or not all(isinstance(x, int) and x > 0 for x in moves):
            r.problem(
                "[[embedding]]: `move_dimensions` must be a list of positive integers", "move_dimensions"
            )
            moves = []
        counts = t.get("counts", [])
        pairs: list[tuple[int, int]] = []
        if isinstance(counts, list):
            for pair in counts:
                if isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, int) for x in pair):
                    pairs.append((pair[0], pair[1]))
        embeddings.append(
            Embedding(
                table=r.string(t, "table", "[[embedding]]"),
                column=r.string(t, "column", "[[embedding]]"),
                dimension=dim,
                type_name=r.string(t, "type_name", "[[embedding]]", "vector"),
                other=other,
                move_dimensions=tuple(m for m in moves if m != dim),
                counts=tuple(pairs),
            )
        )
    functions = []
    for t in _tables(doc, "function"):
        keep_from = r.string(t, "keep_from", "[[function]]", "chain")
        r.choice(keep_from, ("live", "chain"), "keep_from", "keep_from")
        functions.append(
            FunctionChoice(
                name=r.string(t, "name", "[[function]]"),
                keep=r.string(t, "keep", "[[function]]"),
                keep_from=keep_from,
                drop=r.strings(t, "drop", "[[function]]"),
                disable_files=r.strings(t, "disable_files", "[[function]]"),
            )
        )
    definers = []
    for t in _tables(doc, "definer"):
        action = r.string(t, "action", "[[definer]]", "invoker")
        r.choice(action, DEFINER_ACTIONS, "definer action", "action =")
        sp = t.get("search_path")
        definers.append(
            Definer(
                function=r.string(t, "function", "[[definer]]"),
                action=action,
                search_path=str(sp) if sp is not None else None,
                revoke_from=r.strings(t, "revoke_from", "[[definer]]")
                if "revoke_from" in t
                else ("PUBLIC", "anon"),
            )
        )
    indexes = []
    for t in _tables(doc, "index"):
        method = r.string(t, "method", "[[index]]", "btree")
        r.choice(method, INDEX_METHODS, "index method", "method =")
        op = t.get("opclass")
        indexes.append(
            IndexChoice(
                name=r.string(t, "name", "[[index]]"),
                table=r.string(t, "table", "[[index]]"),
                columns=r.strings(t, "columns", "[[index]]"),
                method=method,
                opclass=str(op) if op is not None else None,
            )
        )
    domains = tuple(
        Domain(
            name=r.string(t, "name", "[[domain]]"),
            patterns=r.strings(t, "patterns", "[[domain]]"),
            kinds=r.strings(t, "kinds", "[[domain]]"),
        )
        for t in _tables(doc, "domain")
    )
    files_only = []
    for t in _tables(doc, "files_only"):
        action = r.string(t, "action", "[[files_only]]", "leave-out")
        r.choice(action, FILES_ONLY_ACTIONS, "files_only action", "action =")
        files_only.append(
            FilesOnly(
                object=r.string(t, "object", "[[files_only]]"),
                kind=r.string(t, "kind", "[[files_only]]", "object"),
                action=action,
            )
        )
    names = [d.name for d in domains]
    for n in names:
        if not re.fullmatch(r"[a-z0-9_]+", n):
            r.problem(f"domain name {n!r} must be lower-case letters, digits and _", f'name = "{n}"')
    files = tuple(
        SourceFile(r.string(t, "path", "[[file]]"), r.string(t, "sha256", "[[file]]"))
        for t in _tables(doc, "file")
    )
    plan = Plan(
        directory=str(doc.get("directory", "")),
        tool=str(doc.get("tool", "supabase")),
        files=files,
        settings=settings,
        merges=_with_reasons(merges, _reasons(text, "[[merge]]")),
        embeddings=_with_reasons(embeddings, _reasons(text, "[[embedding]]")),
        functions=_with_reasons(functions, _reasons(text, "[[function]]")),
        definers=_with_reasons(definers, _reasons(text, "[[definer]]")),
        indexes=_with_reasons(indexes, _reasons(text, "[[index]]")),
        domains=domains,
        live_only=r.strings(doc, "live_only", "top level"),
        files_only=_with_reasons(files_only, _reasons(text, "[[files_only]]")),
        version=int(version) if isinstance(version, int) else PLAN_VERSION,
    )
    return plan, tuple(r.problems)
