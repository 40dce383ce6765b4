"""What a rule reports: a :class:`Finding` at a :class:`Location`, with a :class:`Severity`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pgconsolidate.statements.records import fast_init, maker


class Severity(StrEnum):
    """How bad a finding is. ``error``: the migrations fail or lose data; ``warning``: a real risk;
    ``info``: worth knowing."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is worse: error 3, warning 2, info 1."""
        return _RANKS[self]


_RANKS = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.INFO: 1}


@fast_init
@dataclass(frozen=True, order=True, slots=True)
class Location:
    """A place in the migrations directory. ``line``/``column`` are 1-based; 0 means the whole file."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.file
        return f"{self.file}:{self.line}" + (f":{self.column}" if self.column else "")


@fast_init
@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found by one rule.

    ``location`` is the statement (or file) that caused it; ``related`` the other statements involved
    (earlier definitions, the statement it depends on, ...); ``objects`` the identities of the objects
    concerned (``public.memories``, ``public.f(text, integer)``, a version for file-level rules).
    """

    rule: str
    severity: Severity
    message: str
    location: Location
    related: tuple[Location, ...] = ()
    help: str = ""
    objects: tuple[str, ...] = ()

    def sort_key(self) -> tuple[int, str, str, int, int, str]:
        return (
            -self.severity.rank,
            self.rule,
            self.location.file,
            self.location.line,
            self.location.column,
            self.message,
        )


#: ``Location(file, line, column)`` and ``Finding(...)`` at about a third of the cost (the same records:
#: see :func:`pgconsolidate.statements.records.maker`), for the rules and the runner that make them by
#: the ten thousand on large directories.
new_location = maker(Location)
new_finding = maker(Finding)
