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
from typing import Any, TypeVar, dataclass_transform, overload

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


@overload
def record(cls: type[T], /) -> type[T]: ...


@overload
def record(*, order: bool = False) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(frozen_default=True)
def record(cls: type[T] | None = None, /, *, order: bool = False) -> Any:
    """``@dataclass(frozen=True, slots=True[, order=True])`` followed by :func:`fast_init`, for the
    model's records, at a fraction of its cost when the module is imported (every ``analyze`` imports
    them before its helper starts): the same class, made without the ``dataclasses`` machinery.

    The class gets ``__slots__`` (a new class, as ``dataclass(slots=True)`` makes), ``__match_args__``,
    ``__dataclass_fields__``/``__dataclass_params__`` (so :func:`dataclasses.fields`, ``replace``,
    ``is_dataclass`` and :func:`fast_init`'s users see a frozen dataclass), an ``__init__`` storing each
    field through its slot (:func:`fast_init`'s), ``__eq__``/``__hash__`` comparing and hashing the
    tuple of field values, ``__repr__`` as dataclasses writes it, the order methods with ``order``,
    ``__setattr__``/``__delattr__`` refusing (``FrozenInstanceError``), and :func:`fast_init`'s compact
    ``__reduce__`` and unpickler. One compiled source per class (``__init__`` and the unpickler); the
    rest are closures over an ``attrgetter``. Fields are annotations with an optional plain default
    (no ``field(...)``, no ``ClassVar``, no inheritance from another record)."""

    def wrap(c: type[T]) -> type[T]:
        return _make_record(c, order)

    return wrap if cls is None else wrap(cls)


def _make_record(cls: type[T], order: bool) -> type[T]:
    body = dict(cls.__dict__)
    annotations: dict[str, Any] = body.get("__annotations__", {})
    names = tuple(annotations)
    fields: dict[str, dataclasses.Field[Any]] = {}
    seen_default = False
    for name in names:
        kind = str(annotations[name])
        if kind.startswith(("ClassVar", "typing.ClassVar", "InitVar", "dataclasses.InitVar")):
            raise TypeError(f"{cls.__qualname__}.{name}: record fields cannot be {kind}")
        default = body.pop(name, dataclasses.MISSING)
        if isinstance(default, dataclasses.Field):
            raise TypeError(f"{cls.__qualname__}.{name}: record fields take a plain default")
        if default is dataclasses.MISSING and seen_default:
            raise TypeError(f"non-default argument {name!r} follows default argument")
        seen_default = seen_default or default is not dataclasses.MISSING
        f: dataclasses.Field[Any] = dataclasses.field(default=default)
        f.name, f.type = name, annotations[name]
        f._field_type = dataclasses._FIELD  # type: ignore[attr-defined]
        fields[name] = f
    for base in cls.__mro__[1:-1]:
        if "__dataclass_fields__" in base.__dict__:
            raise TypeError(f"{cls.__qualname__}: a record cannot derive from another dataclass")
    body.pop("__dict__", None)
    body.pop("__weakref__", None)
    body["__slots__"] = names
    body["__match_args__"] = names
    body["__dataclass_fields__"] = fields
    body["__dataclass_params__"] = dataclasses._DataclassParams(  # type: ignore[attr-defined]
        True, True, True, order, False, True
    )
    meta: Any = type(cls)
    new: Any = meta(cls.__name__, cls.__bases__, body)
    new.__qualname__ = cls.__qualname__
    values = _values_getter(names)
    for attr, method in _methods(new, names, values, order).items():
        setattr(new, attr, method)
    namespace: dict[str, Any] = {f"_set_{n}": new.__dict__[n].__set__ for n in names}
    field_list = tuple(fields.values())
    init = _generated_init(field_list, namespace, lambda n: f"_set_{n}(self, {n})")
    init.__qualname__ = f"{new.__qualname__}.__init__"
    new.__init__ = init
    make = _unpickler(new, names)
    new.__reduce__ = _reducer(make, names)
    return new  # type: ignore[no-any-return]


def _values_getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving the tuple of a record's field values (what dataclasses' methods compare)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        get = attrgetter(names[0])
        return lambda obj: (get(obj),)
    return lambda obj: ()


def _methods(
    cls: Any, names: tuple[str, ...], values: Callable[[Any], tuple[Any, ...]], order: bool
) -> dict[str, Any]:
    """The comparison, hashing, repr and frozen-assignment methods of a record class."""
    frozen_error = dataclasses.FrozenInstanceError
    field_names = frozenset(names)

    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return values(self) == values(other)
        return NotImplemented

    def __hash__(self: Any) -> int:
        return hash(values(self))

    def __repr__(self: Any) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({shown})"

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in field_names:
            raise frozen_error(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in field_names:
            raise frozen_error(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    methods: dict[str, Any] = {
        "__eq__": __eq__,
        "__hash__": __hash__,
        "__repr__": __repr__,
        "__setattr__": __setattr__,
        "__delattr__": __delattr__,
    }
    if order:

        def __lt__(self: Any, other: Any) -> Any:
            if other.__class__ is self.__class__:
                return values(self) < values(other)
            return NotImplemented

        def __le__(self: Any, other: Any) -> Any:
            if other.__class__ is self.__class__:
                return values(self) <= values(other)
            return NotImplemented

        def __gt__(self: Any, other: Any) -> Any:
            if other.__class__ is self.__class__:
                return values(self) > values(other)
            return NotImplemented

        def __ge__(self: Any, other: Any) -> Any:
            if other.__class__ is self.__class__:
                return values(self) >= values(other)
            return NotImplemented

        methods.update(__lt__=__lt__, __le__=__le__, __gt__=__gt__, __ge__=__ge__)
    for attr, method in methods.items():
        method.__qualname__ = f"{cls.__qualname__}.{attr}"
    return methods
