"""Archive the old migration files (byte-identical), record every move, and undo them (I/O).

The manifest (``archive/MANIFEST.json``) lists, for every old file, its sha256 and what happened to it
in the user's directory: ``copied`` (DIR untouched), ``moved`` (``--in-place``: moved into the archive)
or ``disabled`` (``--in-place`` with ``archive_mode = "disabled"``: renamed to ``<file>.disabled``), and
the clean-set files written into DIR. ``restore-files`` uses it to put DIR back byte-identical.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from pgconsolidate.errors import InputError
from pgconsolidate.fsio import write_atomic

MANIFEST = "MANIFEST.json"


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def copy_archive(source_dir: Path, paths: list[str], archive_dir: Path) -> list[dict[str, Any]]:
    """Copy each old file into ``archive_dir`` (same relative path, bytes identical)."""
    entries = []
    for rel in paths:
        src = source_dir / rel
        dst = archive_dir / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst)
        sha = sha256_file(dst)
        if sha != sha256_file(src):
            raise InputError(f"archive copy of {rel} differs from the original")
        entries.append({"path": rel, "sha256": sha, "action": "copied"})
    return entries


def apply_in_place(
    source_dir: Path, entries: list[dict[str, Any]], mode: str, clean_files: dict[str, bytes]
) -> list[dict[str, Any]]:
    """Move (or rename to ``.disabled``) the old files in ``source_dir`` and write the clean set there.

    Returns the manifest entries; every step is recorded so :func:`restore_files` can undo it.
    """
    for name in clean_files:
        if (source_dir / name).exists():
            raise InputError(f"{source_dir / name} already exists: the clean set would overwrite it")
    done: list[dict[str, Any]] = []
    for e in entries:
        src = source_dir / e["path"]
        if mode == "disabled":
            src.rename(src.with_name(src.name + ".disabled"))
            done.append({**e, "action": "disabled", "moved_to": e["path"] + ".disabled"})
        else:
            os.remove(src)  # the archive already holds an identical copy (checked when copying)
            done.append({**e, "action": "moved"})
            _prune_empty(src.parent, source_dir)  # a Prisma/Diesel migration is its directory
    for name, data in clean_files.items():
        write_atomic(source_dir / name, data)
        done.append({"path": name, "sha256": hashlib.sha256(data).hexdigest(), "action": "added"})
    return done


def _prune_empty(directory: Path, root: Path) -> None:
    """Remove ``directory`` and its parents up to (not including) ``root`` while they are empty: a
    Prisma or Diesel migration directory left without its files would make the tool fail."""
    while directory != root and root in directory.parents:
        try:
            directory.rmdir()
        except OSError:
            return
        directory = directory.parent


def write_manifest(archive_dir: Path, source_dir: Path, entries: list[dict[str, Any]]) -> Path:
    doc = {"schema_version": 1, "source_dir": str(source_dir.resolve()), "files": entries}
    path = archive_dir / MANIFEST
    write_atomic(path, (json.dumps(doc, indent=1) + "\n").encode())
    return path


def restore_files(outdir: Path, target_dir: Path | None = None) -> list[str]:
    """Undo every move recorded in ``outdir/archive/MANIFEST.json``; returns what was done.

    Refuses (before changing anything) when a file it would overwrite or remove is not the one recorded.
    """
    archive_dir = outdir / "archive"
    mpath = archive_dir / MANIFEST
    if not mpath.is_file():
        raise InputError(f"{mpath} not found: not a pgconsolidate output directory")
    doc = json.loads(mpath.read_text(encoding="utf-8"))
    source = target_dir or Path(doc["source_dir"])
    plan: list[tuple[str, Any]] = []
    for e in doc["files"]:
        rel, action = e["path"], e["action"]
        if action == "added":
            p = source / rel
            if p.exists() and sha256_file(p) != e["sha256"]:
                raise InputError(
                    f"{p} was edited after consolidate; not removing it (nothing restored): keep your edits "
                    "elsewhere, delete it, then run restore-files again"
                )
            plan.append(("remove", p))
        elif action in ("moved", "copied"):
            dst = source / rel
            arch = archive_dir / rel
            if dst.exists():
                if sha256_file(dst) != e["sha256"]:
                    raise InputError(
                        f"{dst} exists and differs from the archived file (nothing restored): move it aside, "
                        "then run restore-files again (the archived copy is the original)"
                    )
                continue
            if sha256_file(arch) != e["sha256"]:
                raise InputError(f"{arch} does not match its recorded sha256 (nothing restored)")
            plan.append(("copy", (arch, dst)))
        elif action == "disabled":
            plan.append(("rename", (source / e["moved_to"], source / rel)))
    done: list[str] = []
    for op, arg in plan:
        if op == "remove":
            if arg.exists():
                arg.unlink()
                done.append(f"removed {arg}")
                _prune_empty(arg.parent, source)
        elif op == "copy":
            arch, dst = arg
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(arch, dst)
            done.append(f"restored {dst}")
        else:
            old, new = arg
            if old.exists():
                old.rename(new)
                done.append(f"renamed {old.name} -> {new.name}")
    return done
