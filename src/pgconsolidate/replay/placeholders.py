"""Flyway placeholders in a replay: see :mod:`pgconsolidate.sources.flyway_files`, where the configuration
is read and the directory substituted (``analyze`` and ``objects`` read the files as Flyway runs them too,
and the sources stage is below both)."""

from pgconsolidate.sources.flyway_files import LEVELS_UP, config_files, read_settings, substitute_dir

__all__ = ["LEVELS_UP", "config_files", "read_settings", "substitute_dir"]
