"""A faster constructor for frozen dataclasses, shared by the statement and model records.

A frozen dataclass's generated ``__init__`` stores each field with
``__dataclass_builtins_object__.__setattr__(self, name, value)``: two attribute lookups and a call per
field. Analysing a large directory builds millions of these records (statements, effects, details), so
:func:`fast_init` replaces that ``__init__`` with one doing the same stores through a prebound
``object.__setattr__`` — same parameters, same defaults, same instance layout, about half the cost.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


def fast_init(cls: type[T]) -> type[T]:
    """Give frozen dataclass ``cls`` a faster, equivalent ``__init__`` (apply above ``@dataclass``).

    Classes this cannot speed up safely (not frozen, ``__post_init__``, ``default_factory``,
    ``init=False`` or keyword-only fields, ``InitVar``) are returned unchanged."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or hasattr(cls, "__post_init__"):
        return cls
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if len(fields) != len(cls.__dataclass_fields__):  # type: ignore[attr-defined]
        return cls  # InitVar / ClassVar pseudo-fields
    namespace: dict[str, Any] = {"_setattr": object.__setattr__}
    args, body = [], []
    for f in fields:
        if not f.init or f.kw_only or f.default_factory is not dataclasses.MISSING:
            return cls
        if f.default is dataclasses.MISSING:
            args.append(f.name)
        else:
            namespace[f"_default_{f.name}"] = f.default
            args.append(f"{f.name}=_default_{f.name}")
        body.append(f"    _setattr(self, {f.name!r}, {f.name})")
    source = f"def __init__(self, {', '.join(args)}):\n" + ("\n".join(body) or "    pass") + "\n"
    exec(source, namespace)  # generated from field names only, as dataclasses does itself
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init  # type: ignore[method-assign]
    return cls
