"""Errors the user sees as one line, with the exit code the CLI returns."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FOUND = 1  # the tool ran and found problems or differences
EXIT_USAGE = 2  # usage or input error: nothing was changed


class PgcError(Exception):
    """An error with a one-line message for the user and an exit code.

    The message must already be safe to print: no credentials.
    """

    exit_code: int = EXIT_USAGE

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code

    @property
    def message(self) -> str:
        return str(self.args[0])


class InputError(PgcError):
    """Bad input: a missing directory, an unreadable file, a malformed plan."""


class DatabaseError(PgcError):
    """A database could not be reached or refused what was asked."""


class ServerStartError(PgcError):
    """The embedded PostgreSQL server could not be started."""
