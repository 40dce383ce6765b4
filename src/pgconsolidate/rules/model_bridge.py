"""The bridge between the object model (:mod:`pgconsolidate.model`, :mod:`pgconsolidate.analysis`) and
the rules: builds the Analysis for a directory and lists object timelines for reports."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pgconsolidate.sources.model import MigrationDir
from pgconsolidate.statements.model import FileStatements


def analysis_for(mdir: MigrationDir, files: tuple[FileStatements, ...]) -> Any:
    """The model's Analysis of ``mdir`` (None until the model layer is available)."""
    return None


def timelines(analysis: Any) -> Iterator[tuple[str, str, list[tuple[str, int, str]]]]:
    """(object id, kind, [(file, line, action), ...]) for every object of ``analysis``."""
    return iter(())
