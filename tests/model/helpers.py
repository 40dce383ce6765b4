"""Helpers for model tests: split SQL text into statements and extract/fold their effects."""

from __future__ import annotations

from pgconsolidate.model.effects import file_effects
from pgconsolidate.model.fold import fold
from pgconsolidate.model.types import Effect, Schema
from pgconsolidate.statements.split import split_sql


def effects_of(sql: str, file: str = "f.sql") -> list[Effect]:
    fs = split_sql(file, sql)
    assert not fs.failures, fs.failures
    return file_effects(fs.statements, file)


def schema_of(*files: str) -> Schema:
    """Fold several files (given as SQL texts, named 1.sql, 2.sql, ...)."""
    effects: list[Effect] = []
    for i, sql in enumerate(files, 1):
        effects.extend(effects_of(sql, f"{i}.sql"))
    return fold(effects)
