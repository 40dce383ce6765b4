"""What ``apply DIR`` was given: a migrations directory, or the output directory of ``consolidate``.

A consolidate output is recognised by its manifest (``pgconsolidate-output.json``) or by a top-level
``<stamp>_consolidation_fix.sql``; it is applied as one unit: the fix, then ``history_repair.sql``, in a
single transaction. Both files are idempotent by construction, and the unit is skipped when the
history table already records the fix's version.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pgconsolidate.deploy.units import SqlStep, Unit, file_unit
from pgconsolidate.errors import InputError
from pgconsolidate.sources.model import FileName, MigrationDir, MigrationFile, Scheme
from pgconsolidate.sources.reader import read_dir, read_file

OUTPUT_MANIFEST = "pgconsolidate-output.json"
FIX_SUFFIX = "_consolidation_fix.sql"
HISTORY_REPAIR = "history_repair.sql"


@dataclass(frozen=True)
class ApplySource:
    root: Path
    tool: str
    migrations: MigrationDir | None  # a migrations directory
    consolidation: Unit | None  # a consolidate output
    history_table: str | None = None  # a consolidate output's: the owning tool's table ("schema.table")
    # a consolidate output's clean-set versions: history_repair.sql records them, so once the last one is
    # in the history table the output has been applied
    clean_versions: tuple[str, ...] = ()


def _consolidation_unit(root: Path) -> Unit:
    fixes = sorted(p for p in root.glob(f"*{FIX_SUFFIX}") if p.is_file())
    if len(fixes) != 1:
        raise InputError(f"{root}: a consolidate output holds exactly one *{FIX_SUFFIX} (found {len(fixes)})")
    fix = fixes[0]
    version = fix.name.removesuffix(FIX_SUFFIX)
    parts: list[MigrationFile] = [
        read_file(root, fix, FileName(version, "consolidation_fix", Scheme.SUPABASE))
    ]
    repair = root / HISTORY_REPAIR
    if repair.is_file():
        parts.append(read_file(root, repair, FileName(version, "history_repair", Scheme.SUPABASE)))
    steps: list[SqlStep] = []
    for f in parts:
        u = file_unit(f)
        if not u.transactional:
            raise InputError(f"{f.path}: a consolidate output must run in one transaction")
        steps.extend(u.steps)
    return Unit(
        version,
        "consolidation_fix",
        tuple(f.path for f in parts),
        tuple(steps),
        True,
        tuple(s.text for s in steps),
        record_history=False,
    )


def is_consolidate_output(root: Path) -> bool:
    return (root / OUTPUT_MANIFEST).is_file() or any(p.is_file() for p in root.glob(f"*{FIX_SUFFIX}"))


def _refuse_unverified(root: Path) -> None:
    """A consolidate output whose proof found differences is not applied unless asked for."""
    manifest = root / OUTPUT_MANIFEST
    if not manifest.is_file():
        return
    try:
        doc = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{manifest}: unreadable consolidate manifest ({exc})") from None
    if isinstance(doc, dict) and doc.get("verified") is False:
        raise InputError(
            f"{root}: consolidate could not verify this output (see REPORT.md); fix the plan and consolidate "
            "again, or pass --unverified to apply it anyway"
        )


def _output_history(root: Path) -> tuple[str, str | None]:
    """(tool, history table) a consolidate output was made for, from its manifest: the Supabase CLI's when
    the manifest does not say (an output without one)."""
    try:
        doc = json.loads((root / OUTPUT_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return "supabase", None
    if not isinstance(doc, dict):
        return "supabase", None
    tool, table = doc.get("tool"), doc.get("history_table")
    return (
        tool if isinstance(tool, str) and tool else "supabase",
        table if isinstance(table, str) and "." in table else None,
    )


def read_source(directory: str | Path, *, allow_unverified: bool = False) -> ApplySource:
    """What ``directory`` holds; a consolidate output that did not verify is refused unless
    ``allow_unverified``."""
    root = Path(directory)
    if not root.is_dir():
        raise InputError(f"{directory}: not a directory")
    if is_consolidate_output(root):
        if not allow_unverified:
            _refuse_unverified(root)
        # the fix is the same for every tool; history_repair.sql writes the owning tool's history
        tool, table = _output_history(root)
        clean = root / "migrations"
        versions: tuple[str, ...] = ()
        if clean.is_dir():
            files = read_dir(clean).files
            versions = tuple(f.filename.version for f in files if f.filename.direction != "down")
        return ApplySource(root, tool, None, _consolidation_unit(root), table, versions)
    mdir = read_dir(root)
    return ApplySource(root, str(mdir.tool), mdir, None)
