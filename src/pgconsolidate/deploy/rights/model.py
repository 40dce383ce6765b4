"""What the rights check works with: one right a step needs (:class:`Need`), and the history table the
apply writes (:class:`History`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Need:
    """One right a step needs: ``kind`` (a key of :data:`~.messages.RIGHT_NAMES`), the object's name as
    PostgreSQL's ``to_regclass``/``to_regprocedure``/``to_regtype`` read it (``None``: the creation
    schema), the step that needs it (``path:line`` and what it does), and ``detail``: the privilege a
    GRANT needs (``ALL``: any of them), the version CREATE EXTENSION installs, the new owner of an
    ``OWNER TO``, the privilege a column or row need is about; ``parts``: the columns it is about
    (``("*",)``: every column; none: any column will do), or for ``ON ALL ... IN SCHEMA`` the names of
    objects earlier steps touched (left out of the check)."""

    kind: str
    name: str | None
    where: str
    action: str
    detail: str | None = None
    parts: tuple[str, ...] = ()
    #: conditions that must all hold now for the need to be checked (a DO block's IF on the catalog state):
    #: (SQL expression, ((variable, to_reg* function, literal), ...)) each
    when: tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...] = ()


@dataclass(frozen=True)
class History:
    """The history table apply writes: ``CREATE SCHEMA IF NOT EXISTS`` (CREATE on the database, even
    when the schema exists) and ``CREATE TABLE IF NOT EXISTS`` (CREATE on its schema) before a unit's
    first step, then the history row (INSERT; DELETE too for golang-migrate) after its last."""

    schema: str
    table: str
    ensured_always: bool  # the tool's table is created even for a unit whose own SQL writes the history
    deletes: bool = False
