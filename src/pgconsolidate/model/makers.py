"""Cheaper constructors for the model records built in bulk (effects, details, source references).

A frozen record's ``__init__`` (:func:`~pgconsolidate.statements.records.fast_init`) must store each
field through its slot descriptor's setter, a C call per field: about 1.4 µs for an :class:`Effect`.
Extraction builds several hundred thousand effects, details and references for a large directory.
``maker(cls)`` returns a function with the same parameters and defaults that builds the record as its
mutable twin (:func:`~pgconsolidate.statements.records.builder`: the same slots, plain attribute stores)
and then gives it its real class: about a third of the cost, and the result is a ``cls`` record equal to
and indistinguishable from one built by ``cls(...)`` (same layout, same pickle form).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

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
from pgconsolidate.statements.records import builder

T = TypeVar("T")


def blank_twin(cls: type) -> Any:
    """A mutable twin of the slotted record class ``cls`` (the same slots, in the same order) without an
    ``__init__``: ``twin()`` makes an empty instance through the C constructors alone, cheaper than
    ``object.__new__(twin)`` or a twin with a Python ``__init__``; fill its fields, then give it its
    real class (``obj.__class__ = cls``)."""
    builder(cls)  # the checks: a slotted record class
    return type(f"{cls.__name__}Twin", (), {"__slots__": cls.__dict__["__slots__"]})


def maker(cls: type[T]) -> Callable[..., T]:
    """A function ``(fields..., with cls's defaults) -> cls record`` that builds the record through its
    mutable twin (see the module docstring). ``cls`` must be a slotted frozen dataclass whose
    ``__init__`` takes every field in order (what :func:`~pgconsolidate.statements.records.fast_init`
    accepts)."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    namespace: dict[str, Any] = {"_twin": blank_twin(cls), "_cls": cls}
    params = []
    for f in fields:
        if f.default is dataclasses.MISSING:
            params.append(f.name)
        else:
            namespace[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
    body = "".join(f"    o.{f.name} = {f.name}\n" for f in fields)
    source = f"def make({', '.join(params)}):\n    o = _twin()\n{body}    o.__class__ = _cls\n    return o\n"
    exec(source, namespace)  # generated from field names only, as dataclasses does itself
    make: Callable[..., T] = namespace["make"]
    make.__qualname__ = make.__name__ = f"make_{cls.__name__}"
    make.__doc__ = f"A {cls.__name__} record (same parameters as {cls.__name__}(...))."
    return make


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
