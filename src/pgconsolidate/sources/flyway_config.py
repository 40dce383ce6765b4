"""Flyway's configuration and placeholders, as Flyway applies them to a migration's text (pure).

Flyway replaces ``${name}`` in every SQL migration before it runs it: user placeholders
(``flyway.placeholders.<name>`` in ``flyway.conf``, ``[flyway.placeholders]`` in ``flyway.toml``,
``FLYWAY_PLACEHOLDERS_<NAME>`` in the environment) and its built-in ones (``${flyway:defaultSchema}``,
``${flyway:user}``, ``${flyway:database}``, ``${flyway:timestamp}``, ``${flyway:filename}``,
``${flyway:workingDirectory}``, ``${flyway:table}``, ``${flyway:environment}``). A placeholder without a
value stops Flyway ("No value provided for placeholder"). ``flyway.placeholderPrefix`` /
``placeholderSuffix`` change the delimiters and ``flyway.placeholderReplacement=false`` turns it off.

The default schema is ``flyway.defaultSchema``, else the first of ``flyway.schemas``, else the schema the
connection starts in (``public`` on PostgreSQL). It is also where Flyway keeps its history table
(``flyway.table``, default ``flyway_schema_history``).

This module parses configuration texts and substitutes; finding and reading the files (and the
environment) is the caller's I/O (``sources.flyway_files``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from pgconsolidate.errors import InputError
from pgconsolidate.tomldoc import toml_document

DEFAULT_TABLE = "flyway_schema_history"
CONNECTION_SCHEMA = "public"


def parse_conf(text: str, origin: str) -> dict[str, str]:
    """A Java properties file (``flyway.conf``): ``key=value`` / ``key: value`` lines, ``#``/``!``
    comments, a trailing backslash continues the line."""
    out: dict[str, str] = {}
    pending = ""
    for raw in text.splitlines():
        line = pending + raw.strip() if pending else raw.strip()
        pending = ""
        if not line or line[0] in "#!":
            continue
        if line.endswith("\\") and not line.endswith("\\\\"):
            pending = line[:-1]
            continue
        m = re.match(r"([^=:\s]+)\s*[=:\s]\s*(.*)$", line)
        if m is None:
            out[line] = ""
            continue
        out[m.group(1)] = m.group(2).strip()
    if pending:
        raise InputError(f"{origin}: the last line continues with a backslash but nothing follows")
    return out


def _flatten(prefix: str, value: object, out: dict[str, str]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(f"{prefix}.{k}" if prefix else str(k), v, out)
    elif isinstance(value, list):
        out[prefix] = ",".join(str(v) for v in value)
    elif isinstance(value, bool):
        out[prefix] = "true" if value else "false"
    else:
        out[prefix] = str(value)


def parse_toml(text: str, origin: str) -> dict[str, str]:
    """``flyway.toml`` flattened to the ``flyway.conf`` keys: ``[flyway]`` settings and placeholders,
    and the schemas of the environment in use (``flyway.environment``, default ``default``)."""
    doc = toml_document(text, origin)
    flat: dict[str, str] = {}
    _flatten("", doc, flat)
    out = {k: v for k, v in flat.items() if k.startswith("flyway.")}
    env = out.get("flyway.environment", "default")
    for key in ("schemas", "defaultSchema", "user"):
        value = flat.get(f"environments.{env}.{key}")
        if value is not None:
            out.setdefault(f"flyway.{key}", value)
    return out


@dataclass(frozen=True)
class FlywaySettings:
    """What the configuration says about placeholders and schemas (``sources``: the files read, in
    order; later ones override earlier ones)."""

    placeholders: Mapping[str, str] = field(default_factory=dict)
    default_schema: str | None = None
    schemas: tuple[str, ...] = ()
    table: str = DEFAULT_TABLE
    prefix: str = "${"
    suffix: str = "}"
    replacement: bool = True
    user: str | None = None
    database: str | None = None
    sources: tuple[str, ...] = ()

    @property
    def schema(self) -> str:
        """The default schema as Flyway decides it."""
        return self.default_schema or (self.schemas[0] if self.schemas else CONNECTION_SCHEMA)

    @property
    def history_table(self) -> str:
        """``schema.table`` of Flyway's history table: ``flyway.table`` in the default schema."""
        return f"{self.schema}.{self.table}"

    @property
    def schema_origin(self) -> str:
        if self.default_schema:
            return "flyway.defaultSchema"
        if self.schemas:
            return "the first of flyway.schemas"
        return "no flyway.defaultSchema or flyway.schemas configured: the connection's schema"


def settings_from(config: Mapping[str, str], sources: tuple[str, ...] = ()) -> FlywaySettings:
    """Settings from flattened ``flyway.*`` keys (files merged, environment applied)."""
    placeholders = {
        k.removeprefix("flyway.placeholders."): v
        for k, v in config.items()
        if k.startswith("flyway.placeholders.")
    }
    schemas = tuple(s.strip() for s in config.get("flyway.schemas", "").split(",") if s.strip())
    db = None
    url = config.get("flyway.url", "")
    if m := re.search(r"^jdbc:postgresql://[^/]*/([^?;]+)", url):
        db = m.group(1)
    return FlywaySettings(
        placeholders=placeholders,
        default_schema=config.get("flyway.defaultSchema") or None,
        schemas=schemas,
        table=config.get("flyway.table") or DEFAULT_TABLE,
        prefix=config.get("flyway.placeholderPrefix") or "${",
        suffix=config.get("flyway.placeholderSuffix") or "}",
        replacement=config.get("flyway.placeholderReplacement", "true").lower() != "false",
        user=config.get("flyway.user") or None,
        database=db,
        sources=sources,
    )


@dataclass(frozen=True)
class Substitution:
    """One placeholder's value and where it came from (for saying what replay did)."""

    name: str
    value: str
    origin: str


def resolve(name: str, settings: FlywaySettings, filename: str, scratch_user: str) -> Substitution | None:
    """The value Flyway gives ``${name}`` for ``filename`` (None: Flyway has none and stops)."""
    if name in settings.placeholders:
        return Substitution(name, settings.placeholders[name], "configured")
    lowered = {k.lower(): (k, v) for k, v in settings.placeholders.items()}
    if name.lower() in lowered:
        return Substitution(name, lowered[name.lower()][1], "configured")
    builtin = name.removeprefix("flyway:")
    if builtin == name:
        return None
    if builtin == "defaultSchema":
        return Substitution(name, settings.schema, settings.schema_origin)
    if builtin == "filename":
        return Substitution(name, filename.rsplit("/", 1)[-1], "the file's name")
    if builtin == "table":
        return Substitution(
            name, settings.table, "flyway.table" if settings.table != DEFAULT_TABLE else "default"
        )
    if builtin == "environment":
        return Substitution(name, "default", "default")
    if builtin == "user":
        if settings.user:
            return Substitution(name, settings.user, "flyway.user")
        return Substitution(name, scratch_user, "no flyway.user configured: the scratch server's user")
    if builtin == "database":
        if settings.database:
            return Substitution(name, settings.database, "flyway.url")
        return Substitution(
            name, "postgres", "no flyway.url configured: the scratch server's postgres database"
        )
    if builtin == "timestamp":
        return Substitution(name, "2000-01-01 00:00:00", "a fixed time (Flyway uses the time it runs)")
    if builtin == "workingDirectory":
        return Substitution(name, ".", "the working directory")
    return None


def substitute(
    text: str,
    settings: FlywaySettings,
    filename: str,
    *,
    scratch_user: str = "postgres",
    strict: bool = True,
) -> tuple[str, list[tuple[Substitution, int]]]:
    """``text`` with its placeholders replaced, and each replacement with its 1-based line. A placeholder
    without a value is an :class:`InputError` naming ``filename:line``, as Flyway stops on it; with
    ``strict=False`` it stays as written (``analyze``: the values may come from where pgconsolidate does
    not look, such as a Spring Boot ``application.yml``)."""
    if not settings.replacement or settings.prefix not in text:
        return text, []
    pattern = re.compile(re.escape(settings.prefix) + r"([^\n]+?)" + re.escape(settings.suffix))
    used: list[tuple[Substitution, int]] = []

    def one(m: re.Match[str]) -> str:
        line = text.count("\n", 0, m.start()) + 1
        found = resolve(m.group(1), settings, filename, scratch_user)
        if found is None and not strict:
            return m.group(0)
        if found is None:
            where = (
                f" ({', '.join(settings.sources)})"
                if settings.sources
                else " (no Flyway configuration found)"
            )
            raise InputError(
                f"{filename}:{line}: placeholder {m.group(0)} has no value{where}: Flyway stops on it "
                f'("No value provided for placeholder"); define flyway.placeholders.{m.group(1)}'
            )
        used.append((found, line))
        return found.value

    return pattern.sub(one, text), used
