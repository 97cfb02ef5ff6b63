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
from dataclasses import dataclass, field, fields
from reprlib import recursive_repr
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
                dataclass(klass, **{**options, "eq": False, "repr": False})
                _compare_and_show(klass, eq=options.get("eq", True), frozen=options.get("frozen", False))
            klass.__init__(self, *args, **kwargs)

        klass.__init__ = first_init  # type: ignore[method-assign]
        klass.__record_options__ = options  # type: ignore[attr-defined]
        return klass

    return wrap if cls is None else wrap(cls)


def _compare_and_show(klass: type, eq: bool, frozen: bool) -> None:
    """The __eq__, __hash__ and __repr__ dataclass would write, as closures over the field names rather
    than compiled source (two thirds of what making a dataclass costs): the same tuples compared and
    hashed, the same text shown, the same hashability (eq without frozen: unhashable)."""
    found = fields(klass)
    compared = tuple(f.name for f in found if f.compare)
    hashed = tuple(f.name for f in found if (f.compare if f.hash is None else f.hash))
    shown = tuple(f.name for f in found if f.repr)

    def values(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
        return lambda self: tuple([getattr(self, name) for name in names])

    def __repr__(self: Any) -> str:
        return f"{type(self).__qualname__}({', '.join(f'{n}={getattr(self, n)!r}' for n in shown)})"

    of_compared, of_hashed = values(compared), values(hashed)

    def __eq__(self: Any, other: Any) -> bool:
        if other.__class__ is self.__class__:
            return of_compared(self) == of_compared(other)
        return NotImplemented

    made: dict[str, Any] = {"__repr__": recursive_repr()(__repr__)}
    if eq and "__eq__" not in klass.__dict__:
        made["__eq__"] = __eq__
        if klass.__dict__.get("__hash__") is None:  # not the class's own
            made["__hash__"] = (lambda self: hash(of_hashed(self))) if frozen else None
    for name, method in made.items():
        if name not in klass.__dict__ or name == "__hash__":
            setattr(klass, name, method)
