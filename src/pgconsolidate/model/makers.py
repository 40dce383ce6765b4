"""Cheaper constructors for the model records built in bulk (effects, details, source references).

A frozen record's ``__init__`` (:func:`~pgconsolidate.statements.records.fast_init`) must store each
field through its slot descriptor's setter, a C call per field: about 1.4 µs for an :class:`Effect`.
Extraction builds several hundred thousand effects, details and references for a large directory.
:func:`~pgconsolidate.statements.records.maker` returns a function with the same parameters and defaults
that builds the record as its mutable twin (the same slots, plain attribute stores) and then gives it its
real class: about a third of the cost, and the result is a ``cls`` record equal to and indistinguishable
from one built by ``cls(...)`` (same layout, same pickle form). These are the makers extraction uses.
"""

from __future__ import annotations

from pgconsolidate.model.types import (
    ArgDef,
    Change,
    ColumnDef,
    ConstraintDef,
    Effect,
    FunctionDef,
    GrantDef,
    IndexDef,
    InsertDef,
    PolicyDef,
    SequenceDef,
    SourceRef,
    TableDef,
)
from pgconsolidate.statements.records import maker

new_effect = maker(Effect)
new_ref = maker(SourceRef)
new_change = maker(Change)
new_column = maker(ColumnDef)
new_constraint = maker(ConstraintDef)
new_table = maker(TableDef)
new_index = maker(IndexDef)
new_sequence = maker(SequenceDef)
new_function = maker(FunctionDef)
new_arg = maker(ArgDef)
new_grant = maker(GrantDef)
new_policy = maker(PolicyDef)
new_insert = maker(InsertDef)
