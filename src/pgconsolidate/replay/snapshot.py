"""``replay_to_snapshot``: replay a directory into a throwaway database and read its catalog (I/O).

Used by ``compare``/``inspect --against``. Objects created by stand-ins are not the extension's real
objects; they are left out of the snapshot, like the objects of a real extension are.
"""

from __future__ import annotations

import tempfile
from collections.abc import Collection
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from pgconsolidate.catalog.model import Snapshot
from pgconsolidate.catalog.reader import read_snapshot
from pgconsolidate.console import err
from pgconsolidate.replay.model import ReplayResult
from pgconsolidate.replay.nested import declarative_schemas
from pgconsolidate.replay.runner import discard, replay_dir
from pgconsolidate.scratch.server import get_scratch_server
from pgconsolidate.sources.reader import read_dir


def _stage_declarative(directory: Path, staged: Path) -> int:
    """Copy the declarative schema files under ``directory`` into ``staged`` as versioned migrations
    (``00000000000001_<path>.sql``), in lexicographic order of their paths; returns how many."""
    files = sorted(p for p in directory.rglob("*.sql") if p.is_file())
    for i, path in enumerate(files, 1):
        name = path.relative_to(directory).as_posix().replace("/", "__")
        (staged / f"{i:014d}_{name}").write_bytes(path.read_bytes())
    config = directory.resolve().parent / "config.toml"
    if files and config.is_file() and "schema_paths" in config.read_text(errors="replace"):
        err.print(
            f"replay: {directory}: {len(files)} declarative schema files replayed in lexicographic order of "
            f"their paths; the schema_paths order of {config} is not followed",
            markup=False,
        )
    return len(files)


def without_stand_ins(snap: Snapshot, result: ReplayResult) -> Snapshot:
    return without_objects(snap, {o for s in result.stand_ins for o in s.objects})


def without_objects(snap: Snapshot, names: Collection[str]) -> Snapshot:
    """``snap`` without the objects named ``schema.name`` in ``names`` (functions by name, any
    arguments), nor anything inside them (a schema's objects, a type's attributes)."""
    if not names:
        return snap

    def keep(identity: str) -> bool:
        base = identity.split("(", 1)[0]
        return base not in names and not any(identity.startswith(n + ".") for n in names)

    changes: dict[str, Any] = {}
    for f in fields(snap):
        value = getattr(snap, f.name)
        if isinstance(value, tuple):
            changes[f.name] = tuple(o for o in value if keep(getattr(o, "identity", "")))
    return replace(snap, **changes)


def report_stderr(result: ReplayResult) -> None:
    for s in result.stand_ins:
        if s.file == "(base)":
            continue
        err.print(
            f"replay: stand-in for extension {s.extension} in schema {s.schema} ({s.note})", markup=False
        )
    roots = result.root_causes
    if result.failures:
        err.print(
            f"replay: {len(result.failures)} statements failed ({len(roots)} root causes); "
            "the snapshot holds what applied",
            markup=False,
        )
        for f in roots:
            err.print(f"  {f.file}:{f.line}: {f.message}", markup=False)


def replay_to_snapshot(
    directory: str,
    *,
    scratch_url: str | None = None,
    include_extension_objects: bool = False,
    include_managed_schemas: bool = False,
) -> Snapshot:
    """Replay ``directory`` (keep-going, stand-ins, Supabase base when needed) and snapshot the result.

    A Supabase declarative schema directory (``supabase/schemas``: files without versions) is replayed
    as ``supabase db diff`` applies it: every ``.sql`` file below it, in lexicographic order of its path
    (a ``schema_paths`` order in ``config.toml`` is not followed: said on stderr)."""
    mdir = read_dir(directory)
    if not mdir.files and declarative_schemas(directory) is not None:
        with tempfile.TemporaryDirectory(prefix="pgc_schemas_") as staged:
            if _stage_declarative(Path(directory), Path(staged)):
                snap = replay_to_snapshot(
                    staged,
                    scratch_url=scratch_url,
                    include_extension_objects=include_extension_objects,
                    include_managed_schemas=include_managed_schemas,
                )
                return replace(snap, source=directory)
    server = get_scratch_server(scratch_url)
    result = replay_dir(mdir, server, keep_going=True, keep=True)
    assert result.url is not None
    try:
        report_stderr(result)
        snap = read_snapshot(
            result.url,
            include_extension_objects=include_extension_objects,
            include_managed_schemas=include_managed_schemas,
        )
    finally:
        discard(server, result)
    snap = without_stand_ins(snap, result)
    return replace(snap, source=directory)
