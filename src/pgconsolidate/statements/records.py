"""A faster constructor and a compact pickle form for frozen dataclasses (the statement and model records).

A frozen dataclass's generated ``__init__`` stores each field with
``__dataclass_builtins_object__.__setattr__(self, name, value)``: two attribute lookups and a call per
field. Analysing a large directory builds millions of these records (statements, effects, details), so
:func:`fast_init` replaces that ``__init__`` with one doing the same stores more cheaply: on a class
with ``__slots__`` (``@dataclass(frozen=True, slots=True)``) through each slot's prebound descriptor
setter (about a third of the generated ``__init__``'s cost), otherwise through a prebound
``object.__setattr__`` (about half). Same parameters, same defaults, same instance layout.

It also gives the class a compact ``__reduce__``: a pickled record is its field values and a reference to
a generated function (``Class._record_from_fields``) that rebuilds it with plain attribute stores into
its :func:`builder` twin, about a third of the cost of calling the class; no field names, no state dict.
(The analysis driver's helper sends most of its records as plain values instead, see
:mod:`pgconsolidate.analysis.transfer`; records nested in those values, and the rule runner's findings,
travel this way.)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar

T = TypeVar("T")


def fast_init(cls: type[T]) -> type[T]:
    """Give frozen dataclass ``cls`` a faster, equivalent ``__init__`` and a compact ``__reduce__``
    (apply above ``@dataclass``).

    Classes this cannot speed up safely (not frozen, ``__post_init__``, ``default_factory``,
    ``init=False`` or keyword-only fields, ``InitVar``) are returned unchanged."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or hasattr(cls, "__post_init__"):
        return cls
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if len(fields) != len(cls.__dataclass_fields__):  # type: ignore[attr-defined]
        return cls  # InitVar / ClassVar pseudo-fields
    if any(not f.init or f.kw_only or f.default_factory is not dataclasses.MISSING for f in fields):
        return cls
    slots = set(cls.__dict__.get("__slots__", ()))
    namespace: dict[str, Any] = {"_setattr": object.__setattr__}
    for f in fields:
        if f.name in slots:
            namespace[f"_set_{f.name}"] = cls.__dict__[f.name].__set__

    def store(name: str) -> str:
        return f"_set_{name}(self, {name})" if name in slots else f"_setattr(self, {name!r}, {name})"

    init = _generated_init(fields, namespace, store)
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init  # type: ignore[method-assign]
    names = tuple(f.name for f in fields)
    make = _unpickler(cls, names) if slots.issuperset(names) else cls
    cls.__reduce__ = _reducer(make, names)  # type: ignore[method-assign]
    return cls


#: The class attribute holding a slotted record class's unpickling function (see :func:`_unpickler`).
UNPICKLER = "_record_from_fields"


def _unpickler(cls: type, names: tuple[str, ...]) -> Any:
    """The function unpickling a slotted record of ``cls``: its :func:`maker` (``make(value, ...)``, every
    field in order), about a third of the cost of ``cls(value, ...)``: one Python frame instead of a type
    call, an ``__init__`` frame and a descriptor call per field. Stored on the class as :data:`UNPICKLER`,
    so pickle refers to it by name (``module.Class._record_from_fields``)."""
    make: Any = maker(cls)
    make.__module__ = cls.__module__
    make.__qualname__ = f"{cls.__qualname__}.{UNPICKLER}"
    make.__doc__ = f"Unpickle a {cls.__qualname__} from its field values (in field order)."
    setattr(cls, UNPICKLER, staticmethod(make))
    return make


def _reducer(cls: Any, names: tuple[str, ...]) -> Any:
    """``__reduce__`` returning ``(cls, (value, ...))`` in field order: ``cls`` is the record's class
    (rebuilt by its ``__init__``) or its unpickler."""
    if len(names) == 1:
        (name,) = names

        def reduce_one(self: Any) -> tuple[type, tuple[Any, ...]]:
            return (cls, (getattr(self, name),))

        reduce = reduce_one
    elif names:
        values = attrgetter(*names)

        def reduce_many(self: Any) -> tuple[type, tuple[Any, ...]]:
            return (cls, values(self))

        reduce = reduce_many
    else:

        def reduce_none(self: Any) -> tuple[type, tuple[Any, ...]]:
            return (cls, ())

        reduce = reduce_none
    reduce.__qualname__ = f"{cls.__qualname__.removesuffix('.' + UNPICKLER)}.__reduce__"
    return reduce


def builder(cls: type[T]) -> Any:
    """A mutable twin of the slotted frozen record class ``cls``, for code that builds records in bulk.

    The twin has the same slots in the same order and the same ``__init__`` parameters (defaults
    included), storing each field with a plain attribute store (the cheapest store Python has; a frozen
    class must go through slot setters). Give a finished instance its real class with
    ``obj.__class__ = cls``: the layouts are the same, so the object *becomes* a ``cls`` record, equal to
    and indistinguishable from one built by ``cls(...)``."""
    slots = cls.__dict__.get("__slots__")
    if slots is None:
        raise TypeError(f"{cls.__qualname__} has no __slots__")
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    init = _generated_init(fields, {}, lambda name: f"self.{name} = {name}")
    return type(f"{cls.__name__}Builder", (), {"__slots__": slots, "__init__": init})


def blank_twin(cls: type) -> Any:
    """A mutable twin of the slotted record class ``cls`` (the same slots, in the same order) without an
    ``__init__``: ``twin()`` makes an empty instance through the C constructors alone, cheaper than
    ``object.__new__(twin)`` or a twin with a Python ``__init__``; fill its fields, then give it its
    real class (``obj.__class__ = cls``)."""
    slots = cls.__dict__.get("__slots__")
    if slots is None:
        raise TypeError(f"{cls.__qualname__} has no __slots__")
    return type(f"{cls.__name__}Twin", (), {"__slots__": slots})


def maker(cls: type[T]) -> Callable[..., T]:
    """A function ``(fields..., with cls's defaults) -> cls record`` that fills a :func:`blank_twin` with
    plain attribute stores and then gives it its real class: about a third of the cost of ``cls(...)``,
    and the result is equal to and indistinguishable from one built by ``cls(...)`` (same layout, same
    pickle form). ``cls`` must be a slotted frozen dataclass whose ``__init__`` takes every field in
    order (what :func:`fast_init` accepts)."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    namespace: dict[str, Any] = {"_twin": blank_twin(cls), "_cls": cls}
    body = "".join(f"    o.{f.name} = {f.name}\n" for f in fields)
    params = ", ".join(_parameters(fields, namespace))
    source = f"def make({params}):\n    o = _twin()\n{body}    o.__class__ = _cls\n    return o\n"
    exec(source, namespace)  # generated from field names only, as dataclasses does itself
    make: Callable[..., T] = namespace["make"]
    make.__qualname__ = make.__name__ = f"make_{cls.__name__}"
    make.__doc__ = f"A {cls.__name__} record (same parameters as {cls.__name__}(...))."
    return make


def _parameters(fields: tuple[dataclasses.Field[Any], ...], namespace: dict[str, Any]) -> list[str]:
    """The parameters of a generated function taking every field, with the fields' defaults (put in
    ``namespace`` as ``_default_<name>``)."""
    params = []
    for f in fields:
        if f.default is dataclasses.MISSING:
            params.append(f.name)
        else:
            namespace[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
    return params


def _generated_init(
    fields: tuple[dataclasses.Field[Any], ...], namespace: dict[str, Any], store: Callable[[str], str]
) -> Any:
    """An ``__init__(self, <fields, with their defaults>)`` whose body is ``store(name)`` per field,
    compiled in ``namespace`` (which also receives the defaults)."""
    body = "".join(f"    {store(f.name)}\n" for f in fields) or "    pass\n"
    exec(f"def __init__(self, {', '.join(_parameters(fields, namespace))}):\n{body}", namespace)
    return namespace["__init__"]
