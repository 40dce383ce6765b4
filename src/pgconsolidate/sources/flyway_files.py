"""Flyway placeholders: the configuration next to the directory is read and every ``${...}``
substituted as Flyway substitutes it, before ``replay`` runs the chain and before ``analyze`` and
``objects`` parse it (a ``${schema}.t`` was a parse error there, and the statement lost from the model,
while replay ran it). I/O: configuration files and the environment; the substitution itself is
``sources.flyway_config``.

Configuration is looked for where a Flyway project keeps it, nearest last (it overrides): the working
directory, then each directory above the migrations directory (up to six levels, not above a git
repository's root) from the farthest, and the directory itself, each as ``flyway.conf``,
``flyway.toml``, ``conf/flyway.conf`` and ``conf/flyway.toml``; then the environment
(``FLYWAY_PLACEHOLDERS_<NAME>``, ``FLYWAY_DEFAULT_SCHEMA``, ``FLYWAY_SCHEMAS``, ``FLYWAY_TABLE``).
Only Flyway directories are substituted. A placeholder without a value stops the command with a one-line
error naming the file and line, as it stops Flyway.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import replace
from pathlib import Path

from pgconsolidate.errors import InputError
from pgconsolidate.sources.flyway_config import (
    FlywaySettings,
    parse_conf,
    parse_toml,
    settings_from,
    substitute,
)
from pgconsolidate.sources.goose_envsub import envsub, moved_offset
from pgconsolidate.sources.model import MigrationDir, Scheme

LEVELS_UP = 6  # src/main/resources/db/migration sits five levels below a Maven project's flyway.conf
_NAMES = ("flyway.conf", "flyway.toml", "conf/flyway.conf", "conf/flyway.toml")
_ENV = {
    "FLYWAY_DEFAULT_SCHEMA": "flyway.defaultSchema",
    "FLYWAY_SCHEMAS": "flyway.schemas",
    "FLYWAY_TABLE": "flyway.table",
}


def config_files(root: Path) -> list[Path]:
    """The Flyway configuration files that apply to the directory ``root``, lowest precedence first."""
    root = root.resolve()
    nearest_first = [root]
    for parent in root.parents[:LEVELS_UP]:
        if (nearest_first[-1] / ".git").exists():
            break  # the repository's root: nothing above it is the project's
        nearest_first.append(parent)
    nearest_first.append(Path.cwd().resolve())
    found: list[Path] = []
    for place in nearest_first:
        for name in reversed(_NAMES):
            path = place / name
            if path not in found and path.is_file():
                found.append(path)
    return found[::-1]


def read_settings(root: Path, environ: dict[str, str] | None = None) -> FlywaySettings:
    """The Flyway settings of the directory ``root`` (files, then the environment)."""
    config: dict[str, str] = {}
    sources: list[str] = []
    for path in config_files(root):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: cannot read the Flyway configuration: {exc}") from None
        config.update(parse_toml(text, str(path)) if path.suffix == ".toml" else parse_conf(text, str(path)))
        sources.append(str(path))
    env = os.environ if environ is None else environ
    for key, value in env.items():
        if key.startswith("FLYWAY_PLACEHOLDERS_"):
            config[f"flyway.placeholders.{key.removeprefix('FLYWAY_PLACEHOLDERS_').lower()}"] = value
            sources.append(f"${key}")
        elif key in _ENV:
            config[_ENV[key]] = value
            sources.append(f"${key}")
    return settings_from(config, tuple(sources))


def substitute_dir(
    mdir: MigrationDir, settings: FlywaySettings | None = None, *, strict: bool = True
) -> tuple[MigrationDir, tuple[str, ...]]:
    """``mdir`` with Flyway's placeholders substituted in each file, and one line per placeholder saying
    what it became and why (empty, and ``mdir`` itself, for other tools or when no file has one).
    ``strict=False``: a placeholder without a value stays as written instead of stopping. In a goose
    directory, the ``-- +goose ENVSUB ON`` regions are substituted from the environment instead
    (:mod:`pgconsolidate.sources.goose_envsub`); the lines name each variable, never its value."""
    if mdir.tool is Scheme.GOOSE:
        return _goose_envsub_dir(mdir, strict=strict)
    if mdir.tool is not Scheme.FLYWAY:
        return mdir, ()
    settings = settings or read_settings(Path(mdir.root))
    files = []
    uses: Counter[tuple[str, str, str]] = Counter()
    in_files: dict[tuple[str, str, str], set[str]] = {}
    for f in mdir.files:
        if f.text is None or f.filename.direction == "down":
            files.append(f)
            continue
        text, used = substitute(f.text, settings, f.path, strict=strict)
        for s, _line in used:
            key = (s.name, s.value, s.origin)
            uses[key] += 1
            in_files.setdefault(key, set()).add(f.path)
        files.append(replace(f, text=text) if used else f)
    if not uses:
        return mdir, ()
    prefix, suffix = settings.prefix, settings.suffix
    notes = tuple(
        f"{prefix}{name}{suffix} -> {value!r} ({origin}): {n} use(s) in {len(in_files[key])} file(s)"
        for key, n in sorted(uses.items())
        for name, value, origin in (key,)
    )
    if settings.sources:
        notes += (f"Flyway configuration read: {', '.join(settings.sources)}",)
    return replace(mdir, files=tuple(files)), notes


def _goose_envsub_dir(mdir: MigrationDir, *, strict: bool) -> tuple[MigrationDir, tuple[str, ...]]:
    """goose's ENVSUB regions substituted from the environment, each file's forward span moved with its
    text; one line per variable (its value is not shown: goose migrations pass passwords this way)."""
    files = []
    uses: Counter[str] = Counter()
    in_files: dict[str, set[str]] = {}
    for f in mdir.files:
        if f.text is None or f.filename.direction == "down":
            files.append(f)
            continue
        text, used, moved = envsub(f.text, os.environ, f.path, strict=strict)
        if text == f.text:
            files.append(f)
            continue
        span = f.span and (moved_offset(f.span[0], f.text, moved), moved_offset(f.span[1], f.text, moved))
        files.append(replace(f, text=text, span=span))
        for what, _line in used:
            uses[what] += 1
            in_files.setdefault(what, set()).add(f.path)
    if not uses:
        return mdir, ()
    notes = tuple(
        f"{what} (goose ENVSUB): {n} use(s) in {len(in_files[what])} file(s)"
        for what, n in sorted(uses.items())
    )
    return replace(mdir, files=tuple(files)), notes
