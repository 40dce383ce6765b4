"""Configuration: ``[tool.pgconsolidate]`` in ``pyproject.toml`` or a ``pgconsolidate.toml``.

Keys (kebab-case or snake_case)::

    select = ["security-definer", ...]      # rules to run (default: all)
    ignore = ["non-idempotent"]             # rules not to run
    fail-on = "warning"                     # error | warning | never (default: error)
    exposed-schemas = ["public", "api"]     # schemas the API exposes (rls-disabled; default: public
                                            # when the directory looks like Supabase/PostgREST, else none)
    [tool.pgconsolidate.severity]           # per-rule severity overrides
    unindexed-foreign-key = "info"
    [tool.pgconsolidate.rules.similar-tables]   # per-rule options
    threshold = 0.6

:func:`parse_config` is pure (a mapping in, a :class:`Config` out); :func:`load_config` finds and reads
the file: the migrations directory and its parents are searched, then the working directory.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pgconsolidate.errors import InputError
from pgconsolidate.rules.finding import Severity
from pgconsolidate.tomldoc import toml_document

FAIL_ON = ("error", "warning", "never")


@dataclass(frozen=True)
class Config:
    """Settings from the configuration file (all optional)."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str | None = None
    exposed_schemas: tuple[str, ...] = ()  # () = decide from the directory (see rls-disabled)
    severity: Mapping[str, Severity] = field(default_factory=dict)
    rules: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    source: str | None = None


def _get(data: Mapping[str, Any], key: str) -> Any:
    if key in data:
        return data[key]
    return data.get(key.replace("-", "_"))


def _str_list(value: Any, key: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise InputError(f"{where}: `{key}` must be a list of strings")


def parse_config(data: Mapping[str, Any], source: str = "configuration") -> Config:
    """Validate a ``[tool.pgconsolidate]`` table."""
    known = {"select", "ignore", "fail-on", "exposed-schemas", "severity", "rules"}
    for key in data:
        if key.replace("_", "-") not in known:
            raise InputError(f"{source}: unknown key `{key}` in [tool.pgconsolidate]")
    fail_on = _get(data, "fail-on")
    if fail_on is not None and fail_on not in FAIL_ON:
        raise InputError(f"{source}: `fail-on` must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
    severity: dict[str, Severity] = {}
    for rule_id, value in (_get(data, "severity") or {}).items():
        try:
            severity[rule_id] = Severity(value)
        except ValueError:
            raise InputError(f"{source}: severity of {rule_id} must be error, warning or info") from None
    rules = _get(data, "rules") or {}
    if not isinstance(rules, dict) or not all(isinstance(v, dict) for v in rules.values()):
        raise InputError(f"{source}: [rules.<id>] must be tables of options")
    exposed = _str_list(_get(data, "exposed-schemas"), "exposed-schemas", source)
    return Config(
        select=_str_list(_get(data, "select"), "select", source),
        ignore=_str_list(_get(data, "ignore"), "ignore", source),
        fail_on=fail_on,
        exposed_schemas=exposed,
        severity=severity,
        rules=rules,
        source=source,
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return toml_document(path.read_bytes().decode(), str(path))
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not valid UTF-8 (byte offset {exc.start}); save it as UTF-8") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The first ``pgconsolidate.toml``, or ``pyproject.toml`` with ``[tool.pgconsolidate]``, in ``start``,
    its parents, or the working directory."""
    seen: set[Path] = set()
    candidates = [start.resolve(), *start.resolve().parents, Path.cwd().resolve()]
    for directory in candidates:
        if directory in seen:
            continue
        seen.add(directory)
        own = directory / "pgconsolidate.toml"
        if own.is_file():
            data = _read_toml(own)
            return own, data.get("tool", {}).get("pgconsolidate", data)
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file():
            data = _read_toml(pyproject)
            section = data.get("tool", {}).get("pgconsolidate")
            if section is not None:
                return pyproject, section
    return None


def load_config(start: Path, explicit: Path | None = None) -> Config:
    """The configuration that applies to the migrations directory ``start`` (or the file ``explicit``)."""
    if explicit is not None:
        if not explicit.is_file():
            raise InputError(f"{explicit}: no such configuration file")
        data = _read_toml(explicit)
        section = data.get("tool", {}).get("pgconsolidate", data if explicit.name != "pyproject.toml" else {})
        return parse_config(section, str(explicit))
    found = find_config(start)
    if found is None:
        return Config()
    path, section = found
    if not isinstance(section, dict):
        raise InputError(f"{path}: [tool.pgconsolidate] must be a table")
    return parse_config(section, str(path))
