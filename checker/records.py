"""`@record`: a dataclass whose methods are made when its first instance is.

`dataclasses.dataclass` writes each class's `__init__`, `__repr__` and
`__eq__` as source and compiles it: about half a millisecond a class. `check`
imports some seventy of them and a run builds only some (a repository without
CODEOWNERS paths, Alertmanager routing or PagerDuty never builds those
classes), which was a fifth of a small repository's whole check. A record is
handed to `dataclass`, with the same options, when it is first constructed;
from then on it *is* that dataclass (fields(), replace(), eq, repr, frozen).

Two limits, both checked: `slots=True` (dataclass would make a new class: use
`@dataclass`), and a record cannot inherit from another.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, dataclass_transform, overload

T = TypeVar("T")


@overload
def record(cls: type[T], /) -> type[T]: ...


@overload
def record(*, frozen: bool = False, eq: bool = True, order: bool = False) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(field_specifiers=(field,))
def record(cls: type[T] | None = None, /, **options: Any) -> type[T] | Callable[[type[T]], type[T]]:
    """@record or @record(frozen=True, ...): @dataclass, made on first construction."""
    if "slots" in options:
        raise TypeError("a record cannot have slots: dataclass would replace the class; use @dataclass")

    def wrap(klass: type[T]) -> type[T]:
        if any(hasattr(base, "__dataclass_fields__") or hasattr(base, "__record_options__")
               for base in klass.__mro__[1:]):
            raise TypeError(f"{klass.__name__}: a record cannot inherit from a dataclass or a record")

        def first_init(self: Any, *args: Any, **kwargs: Any) -> None:
            if klass.__dict__.get("__init__") is first_init:  # the first instance: make the dataclass now
                del klass.__init__
                dataclass(klass, **options)
            klass.__init__(self, *args, **kwargs)

        klass.__init__ = first_init  # type: ignore[method-assign]
        klass.__record_options__ = options  # type: ignore[attr-defined]
        return klass

    return wrap if cls is None else wrap(cls)
