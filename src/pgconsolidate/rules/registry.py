"""The rule registry: ``@rule`` registers a check; :func:`run_rules` runs the selected ones.

A rule is a function ``(ctx: RuleContext) -> Iterable[Hit | Finding]`` in a module of this package,
decorated with ``@rule(id=..., severity=..., help=...)``. Its docstring is its user documentation: the
first line is the summary, the rest says why it matters and how to fix it. Rules yield :class:`Hit`
(message, location, related locations, objects); the runner turns each into a :class:`Finding` with the
rule's id, severity and help text. Selection (``--select``/``--ignore``), configuration and
``-- pgconsolidate: ignore RULE`` comments are applied here, centrally, never in a rule.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter
from typing import Any, TypeVar

from pgconsolidate.analysis.driver import analyze_files
from pgconsolidate.errors import InputError
from pgconsolidate.model.types import Analysis, Effect, FunctionDef, ObjectKind, ObjectState, Schema, TableDef
from pgconsolidate.rules.finding import Finding, Location, Severity, new_finding
from pgconsolidate.rules.function_history import FunctionHistory
from pgconsolidate.rules.model_view import (
    function_states,
    kinds_and_children,
    table_states,
)
from pgconsolidate.rules.model_view import table_keys as keys_of_table
from pgconsolidate.rules.shown_names import plain_id, quoted_message
from pgconsolidate.sources.model import MigrationDir
from pgconsolidate.statements.model import FileStatements, Statement
from pgconsolidate.statements.records import fast_init, maker
from pgconsolidate.statements.split import may_hold_ignores

T = TypeVar("T")
_UNSET: Any = object()

_NOT_RULE_MODULES = {
    "finding",
    "registry",
    "similarity",
    "nodes",
    "engine",
    "model_bridge",
    "privileges",
    "model_view",
    "function_history",
    "parallel",
    "mentions",
}


@fast_init
@dataclass(frozen=True, slots=True)
class Hit:
    """What a rule reports before the runner adds the rule's id, severity and help."""

    message: str
    location: Location
    related: tuple[Location, ...] = ()
    objects: tuple[str, ...] = ()
    severity: Severity | None = None  # overrides the rule's default severity for this hit


#: ``Hit(...)`` at about a third of the cost (the same record), for rules that report by the ten thousand.
new_hit = maker(Hit)


@dataclass(frozen=True)
class RuleContext:
    """Everything a rule may look at. Pure data: no database, no disk.

    ``files`` holds the split statements of each file of ``mdir``, in the same (applied) order (their
    parse trees may have been dropped: rules get a statement's tree with
    :func:`pgconsolidate.rules.nodes.tree`). ``analysis`` is the object model
    (:func:`pgconsolidate.analysis.analyze_dir`, built once by ``analyze``); when None, :attr:`model`
    computes it from ``files`` on first use. Every rule about the final state or timelines reads
    :attr:`schema` (the model's folded Schema), :attr:`children`, :attr:`functions` (definitions
    replayed in order) and :attr:`default_privileges`.
    ``options`` maps a rule id to its options from the configuration; ``settings`` holds global settings
    such as ``exposed-schemas``.

    On large directories every pass over the whole model costs tenths of a second, so what several rules
    need is indexed here once, on first use: objects by kind (:meth:`of_kind`, :attr:`by_kind`), the
    sorted :attr:`tables` and :attr:`routines`, :meth:`effects_of` a file, :attr:`file_texts`, a table's
    keys (:meth:`table_keys`) and per-object results shared by two rules (:meth:`memo`). When the rules
    run on two processes (``rules.parallel``), each process computes the ones its rules use.
    """

    mdir: MigrationDir
    files: tuple[FileStatements, ...]
    analysis: Any = None
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    settings: Mapping[str, Any] = field(default_factory=dict)

    @cached_property
    def model(self) -> Analysis:
        """The object model of the directory: ``analysis`` when given (``analyze`` builds it once with
        :func:`pgconsolidate.analysis.analyze_dir`), else computed from ``files`` on first use."""
        if self.analysis is not None:
            return self.analysis  # type: ignore[no-any-return]
        return analyze_files(self.mdir, self.files)

    @property
    def schema(self) -> Schema:
        """The folded final schema and every object's timeline."""
        return self.model.schema

    @cached_property
    def _kinds_and_children(self) -> tuple[dict[ObjectKind, list[ObjectState]], dict[str, list[ObjectState]]]:
        return kinds_and_children(self.schema)

    @cached_property
    def children(self) -> dict[str, list[ObjectState]]:
        """Existing children (columns, constraints, indexes, policies, triggers) of each table (made with
        :attr:`by_kind`, in the same pass over the schema)."""
        return self._kinds_and_children[1]

    @cached_property
    def by_kind(self) -> dict[ObjectKind, list[ObjectState]]:
        """Every object of the schema (dropped ones too) grouped by kind, each group in the schema's order:
        one pass, instead of one scan of every object per :meth:`Schema.of_kind` call."""
        return self._kinds_and_children[0]

    @cached_property
    def _kind_groups(self) -> dict[frozenset[ObjectKind], list[ObjectState]]:
        return {}

    def of_kind(self, *kinds: ObjectKind, existing: bool = True) -> list[ObjectState]:
        """What :meth:`Schema.of_kind` yields (only existing objects unless ``existing`` is False), in the
        same order, from :attr:`by_kind` (several kinds: one pass, remembered)."""
        wanted = frozenset(kinds)
        if len(wanted) == 1:
            group = self.by_kind.get(kinds[0], [])
        else:
            found = self._kind_groups.get(wanted)
            if found is None:
                found = self._kind_groups[wanted] = [
                    s for s in self.schema.objects.values() if s.kind in wanted
                ]
            group = found
        return [s for s in group if s.exists] if existing else list(group)

    @cached_property
    def tables(self) -> tuple[tuple[ObjectState, TableDef], ...]:
        """:func:`pgconsolidate.rules.model_view.tables` (existing tables, sorted by id), computed once."""
        return tuple(table_states(self.of_kind(ObjectKind.TABLE)))

    @cached_property
    def routines(self) -> tuple[tuple[ObjectState, FunctionDef], ...]:
        """:func:`pgconsolidate.rules.model_view.functions` (existing functions and procedures, sorted by
        id, with their final detail), computed once."""
        # sorted by id below: the groups need not be merged in the schema's order
        states = [s for k in (ObjectKind.FUNCTION, ObjectKind.PROCEDURE) for s in self.of_kind(k)]
        return tuple(function_states(states))

    @cached_property
    def file_texts(self) -> dict[str, str]:
        """Each file's forward SQL, by path."""
        return {f.path: f.forward_sql for f in self.mdir.files}

    @cached_property
    def _effects_by_file(self) -> dict[str, tuple[Effect, ...]]:
        return {fe.file: fe.effects for fe in self.model.effects}

    def effects_of(self, file: str) -> tuple[Effect, ...]:
        """The model's effects of the statements of ``file``, in order (indexed once)."""
        return self._effects_by_file.get(file, ())

    @cached_property
    def _memo(self) -> dict[tuple[Any, str], Any]:
        return {}

    def memo(self, key: str, compute: Callable[..., T], *args: Any) -> T:
        """``compute(*args)``, remembered for ``key`` (with ``compute``) for the other rules of this run
        (e.g. who may execute a function: two rules ask for each definer)."""
        slot = (compute, key)
        memo = self._memo
        value = memo.get(slot, _UNSET)
        if value is _UNSET:
            value = memo[slot] = compute(*args)
        return value  # type: ignore[no-any-return]

    @cached_property
    def _table_keys(self) -> dict[str, Any]:
        return {}

    def table_keys(self, table: ObjectState) -> Any:
        """:func:`pgconsolidate.rules.model_view.table_keys` of ``table``, computed once and shared by the
        rules that look at keys (a :class:`~pgconsolidate.rules.model_view.TableKeys`)."""
        known = self._table_keys
        keys = known.get(table.id)
        if keys is None:
            keys = known[table.id] = keys_of_table(table, self.children)
        return keys

    @cached_property
    def functions(self) -> FunctionHistory:
        """Every function definition replayed in applied order (see ``rules.function_history``)."""
        from pgconsolidate.rules.function_history import function_history

        by_kind = self.by_kind
        return function_history(
            self.schema,
            self.file_index(),
            [*by_kind.get(ObjectKind.FUNCTION, ()), *by_kind.get(ObjectKind.PROCEDURE, ())],
        )

    @property
    def default_privileges(self) -> tuple[Effect, ...]:
        """The ALTER DEFAULT PRIVILEGES effects, in applied order (the model's
        :attr:`Schema.default_privileges`, each carrying a ``DefaultPrivilegesDef``)."""
        return self.schema.default_privileges

    @cached_property
    def silencer(self) -> Silencer:
        """The ``-- pgconsolidate: ignore`` comments of the files (built once for every rule run on this
        context)."""
        return Silencer(self.files, self.mdir, self.file_texts)

    def statements(self) -> Iterable[Statement]:
        """Every statement of every file, in applied order."""
        for fs in self.files:
            yield from fs.statements

    def option(self, rule_id: str, key: str, default: Any) -> Any:
        return self.options.get(rule_id, {}).get(key, default)

    @cached_property
    def _file_order(self) -> dict[str, int]:
        return {f.path: i for i, f in enumerate(self.mdir.files)}

    def file_index(self) -> dict[str, int]:
        """Position of each file in the applied order (computed once)."""
        return self._file_order


RuleFunc = Callable[[RuleContext], Iterable["Hit | Finding"]]


@dataclass(frozen=True)
class RuleInfo:
    """A registered rule: id, default severity, documentation and the check itself."""

    id: str
    severity: Severity
    help: str
    doc: str
    func: RuleFunc = field(compare=False, repr=False)
    needs_model: bool = False

    @property
    def summary(self) -> str:
        """The docstring's first paragraph, on one line."""
        return " ".join(self.doc.split("\n\n", 1)[0].split())

    @property
    def description(self) -> str:
        """The documentation after the summary paragraph."""
        parts = self.doc.split("\n\n", 1)
        return parts[1].strip() if len(parts) > 1 else ""


_RULES: dict[str, RuleInfo] = {}


def rule(
    *, id: str, severity: Severity, help: str, needs_model: bool = False
) -> Callable[[RuleFunc], RuleFunc]:
    """Register the decorated function as rule ``id`` (kebab-case, stable)."""

    def deco(func: RuleFunc) -> RuleFunc:
        doc = inspect.cleandoc(func.__doc__ or id)
        if id in _RULES and _RULES[id].func is not func:
            raise ValueError(f"rule {id} registered twice")
        _RULES[id] = RuleInfo(id, severity, help, doc, func, needs_model)
        return func

    return deco


def all_rules() -> dict[str, RuleInfo]:
    """Every rule, by id, discovered from the modules of :mod:`pgconsolidate.rules`."""
    import pgconsolidate.rules as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name not in _NOT_RULE_MODULES and not info.name.startswith("_"):
            importlib.import_module(f"pgconsolidate.rules.{info.name}")
    return dict(sorted(_RULES.items()))


def split_ids(values: Iterable[str] | None) -> list[str]:
    """``["a,b", "c"]`` → ``["a", "b", "c"]``."""
    out: list[str] = []
    for value in values or ():
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return out


def selected_rules(
    select: Iterable[str] | None = None, ignore: Iterable[str] | None = None
) -> list[RuleInfo]:
    """The rules to run: ``select`` (default: all) minus ``ignore``. Unknown ids are an input error."""
    rules = all_rules()
    chosen = split_ids(select)
    dropped = split_ids(ignore)
    unknown = sorted({r for r in chosen + dropped if r not in rules and r not in {"ALL", "all"}})
    if unknown:
        raise InputError(f"unknown rule id(s): {', '.join(unknown)} (see `pgconsolidate rules` for the list)")
    ids = set(rules) if not chosen or {"ALL", "all"} & set(chosen) else set(chosen)
    ids -= set(dropped)
    return [rules[i] for i in sorted(ids)]


_IGNORE = re.compile(r"--\s*pgconsolidate:\s*ignore\b[ \t]*(?P<rules>[^\n]*)", re.IGNORECASE)


def header_ignores(head: str) -> frozenset[str]:
    """Rules silenced for the whole file by ``-- pgconsolidate: ignore RULE`` in the file's header: the
    comments before the first statement that a blank line separates from it."""
    if head.isascii() and "pgconsolidate" not in head.lower():
        return frozenset()  # what the pattern below finds, without splitting every file's header
    parts = re.split(r"\n[ \t]*\n", head)
    header = "\n".join(parts[:-1]) if len(parts) > 1 else ""
    found: set[str] = set()
    for m in _IGNORE.finditer(header):
        spec = m["rules"].split("--")[0]
        items = {r.strip() for r in re.split(r"[,\s]+", spec) if r.strip()}
        found |= items or {"*"}
    return frozenset(found)


_IGNORES_OF = attrgetter("ignores")
_NO_IGNORES: frozenset[str] = frozenset()


class Silencer:
    """Applies ``-- pgconsolidate: ignore RULE`` comments (per statement and per file).

    Only the files holding such a comment are remembered: a finding elsewhere is never silenced.
    ``files`` are the statements :func:`~pgconsolidate.statements.split.split_sql` made of ``texts``
    (each file's forward SQL, by path; ``mdir``'s when not given)."""

    def __init__(
        self,
        files: Iterable[FileStatements],
        mdir: MigrationDir | None = None,
        texts: Mapping[str, str] | None = None,
    ) -> None:
        self.by_file: dict[str, list[Statement]] = {}
        self.file_wide: dict[str, frozenset[str]] = {}
        if texts is None:
            texts = {f.path: f.forward_sql for f in mdir.files} if mdir is not None else {}
        for fs in files:
            text = texts.get(fs.file)
            if text is None:
                text = ""
            elif not fs.file_ignores and not may_hold_ignores(text):
                # its statements were split from this text, which holds no ignore comment: none of them
                # has ignores, and no header comment silences the file (one search of the text instead of
                # a look at every statement: most files have no such comment)
                continue
            statements = fs.statements
            head = text[: statements[0].start] if statements else text
            wide = fs.file_ignores | header_ignores(head) if head or fs.file_ignores else _NO_IGNORES
            if wide:
                self.file_wide[fs.file] = wide
            # one C-level pass over the statements (most files have no ignore comment at all)
            if any(map(_IGNORES_OF, statements)):
                self.by_file[fs.file] = list(statements)

    def silenced(self, finding: Finding) -> bool:
        loc = finding.location
        wide = self.file_wide.get(loc.file, frozenset())
        if finding.rule in wide or "*" in wide:
            return True
        stmts = self.by_file.get(loc.file, [])
        if not loc.line:
            # a file-level finding: silenced by an ignore comment before the file's first statement
            first = stmts[0].ignores if stmts else frozenset()
            return finding.rule in first or "*" in first
        for st in stmts:
            if st.line <= loc.line <= st.end_line:
                return finding.rule in st.ignores or "*" in st.ignores
        return False


def collect_findings(
    ctx: RuleContext,
    rules: Iterable[RuleInfo],
    severities: Mapping[str, Severity] | None = None,
    silencer: Silencer | None = None,
) -> list[Finding]:
    """Run ``rules`` on ``ctx``: their findings, without the silenced ones, each distinct finding once,
    in the order found. ``severities`` overrides a rule's default severity (from the config).

    Duplicates are told by a key of plain values cheap to hash (message and location: tens of thousands
    of findings on large directories), not by hashing each finding's records; a finding whose key an
    earlier one has is then compared whole, and when it differs, with the others kept that share its
    key and every other field (rule, severity, objects, help, the number of related locations)."""
    if silencer is None:
        silencer = ctx.silencer
    # no ignore comment in any file (the usual case): no finding to check
    silenced = silencer.silenced if silencer.by_file or silencer.file_wide else None
    overrides = severities or {}
    found: dict[tuple[str, str, int, int], Finding] = {}  # the first finding kept of each message, place
    twins: dict[tuple[Any, ...], list[Finding]] = {}  # others kept whose key an earlier one has (rare)
    out: list[Finding] = []
    for info in rules:
        rule_id, help_text = info.id, info.help
        default = overrides.get(rule_id, info.severity)
        own_severity = rule_id not in overrides  # a hit's own severity counts unless configured
        for item in info.func(ctx):
            if isinstance(item, Hit):
                sev = item.severity if item.severity is not None and own_severity else default
                message, objects = item.message, item.objects
                if objects and (len(objects) > 1 or plain_id(objects[0]) is None):  # (rare)
                    message = quoted_message(message, objects, ctx.schema.objects.__contains__)
                finding = new_finding(
                    rule_id, sev, message, item.location, item.related, help_text, item.objects
                )
            else:
                finding = item
            if silenced is not None and silenced(finding):
                continue
            where = finding.location
            key = (finding.message, where.file, where.line, where.column)
            earlier = found.get(key)
            if earlier is None:
                found[key] = finding
                out.append(finding)
            elif earlier != finding:
                same = twins.setdefault(
                    (
                        key,
                        finding.rule,
                        finding.severity,
                        finding.objects,
                        len(finding.related),
                        finding.help,
                    ),
                    [],
                )
                if finding not in same:
                    same.append(finding)
                    out.append(finding)
    return out


def sort_findings(findings: Iterable[Finding], order: Mapping[str, int]) -> list[Finding]:
    """Findings in report order: worst first, then by rule, file order (``order``: file → position),
    line, column and message (then objects, related locations and help, so that equal keys do not
    leave the order to chance)."""

    missing, position = len(order), order.get
    worst_first = {severity: -severity.rank for severity in Severity}

    def key(f: Finding) -> tuple[Any, ...]:
        where = f.location
        return (
            worst_first[f.severity],
            f.rule,
            position(where.file, missing),
            where.line,
            where.column,
            f.message,
            f.objects,
            f.related,
            f.help,
        )

    return sorted(findings, key=key)


def run_rules(
    ctx: RuleContext,
    rules: Iterable[RuleInfo],
    severities: Mapping[str, Severity] | None = None,
) -> list[Finding]:
    """Run ``rules`` on ``ctx`` (in this process); drop silenced findings; return them sorted (worst
    first, then by rule, file order and line). ``severities`` overrides a rule's default severity (from
    the config). :func:`pgconsolidate.rules.parallel.start_rules` runs them on two processes."""
    return sort_findings(collect_findings(ctx, rules, severities), ctx.file_index())
