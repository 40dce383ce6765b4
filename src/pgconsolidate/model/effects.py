"""Effects extraction: what each statement does to which objects (pure; JSON parse trees in, Effects out).

:func:`file_effects` walks one file's statements in order, keeping the file's ``SET search_path`` so that
unqualified names resolve like PostgreSQL resolves them; :func:`statement_effects` handles one statement.
Never raises on odd trees: an unknown or malformed statement yields no effects (or an ``other`` effect).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pgconsolidate.model.extract.common import (
    FileContext,
    choose_name,
)
from pgconsolidate.model.extract.drops import RenameDropEffects
from pgconsolidate.model.extract.functions import FunctionEffects
from pgconsolidate.model.extract.policies import PolicyTriggerEffects
from pgconsolidate.model.extract.privileges import PrivilegeEffects
from pgconsolidate.model.extract.session import SessionDataEffects
from pgconsolidate.model.extract.tables import TableEffects
from pgconsolidate.model.extract.typedefs import TypeViewEffects
from pgconsolidate.model.names import SERIAL_TYPES
from pgconsolidate.model.types import (
    Action,
    DynamicSql,
    Effect,
    ObjectKind,
    SourceRef,
    members,
)
from pgconsolidate.statements.model import Statement

#: The members as plain class attributes (``types.members``: reading them off the Enum classes is slow).
K = members(ObjectKind)
A = members(Action)


class _Extractor(
    TableEffects,
    RenameDropEffects,
    PolicyTriggerEffects,
    TypeViewEffects,
    FunctionEffects,
    PrivilegeEffects,
    SessionDataEffects,
):
    """Effects of one statement: every statement family's handlers, dispatched on the node type
    (see :class:`~pgconsolidate.model.extract.base.ExtractorBase`)."""

    __slots__ = ()


# --------------------------------------------------------------------------- entry points


def statement_effects(stmt: Statement, ctx: FileContext | None = None) -> list[Effect]:
    """The effects of one statement (``ctx`` carries the file's search_path; updated by SET)."""
    context = ctx if ctx is not None else FileContext(stmt.file)
    try:
        return _Extractor(context).run(stmt)
    except Exception:
        return _unmodelled(stmt)


def _unmodelled(stmt: Statement) -> list[Effect]:
    """What a statement whose tree the extractor could not read does: SQL the model cannot see."""
    ref = SourceRef(stmt.file, stmt.line, stmt.column, stmt.index)
    return [Effect(A.DYNAMIC, K.OTHER, "unmodelled", ref, DynamicSql((stmt.text,), True))]


def file_effects(
    statements: Iterable[Statement], file: str = "", *, no_tree: dict[str, Any] | None = None
) -> list[Effect]:
    """The effects of a file's statements in order, resolving names with the file's search_path; a
    statement whose tree the extractor cannot read is ``unmodelled`` and the others are unaffected.

    ``no_tree``: when given, each statement's parse tree (``node``) is replaced by it as soon as the
    statement is read (callers that keep no trees: cheaper than dropping them afterwards, see
    :meth:`~pgconsolidate.model.extract.base.ExtractorBase.run_each`); the statements must be the
    caller's own, made for this call."""
    out: list[Effect] = []
    _Extractor(FileContext(file)).run_each(statements, out, _unmodelled, no_tree)
    return out


__all__ = ["SERIAL_TYPES", "FileContext", "choose_name", "file_effects", "statement_effects"]
