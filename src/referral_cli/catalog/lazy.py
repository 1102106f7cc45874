"""A dict read from the catalog cache as it is used: one key by itself, everything on iteration."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

_V = TypeVar("_V")


class LazyDict(dict[str, _V]):
    """A dict read from the cache as it is used: one key by itself, everything on iteration.

    Lookups by key (`in`, `[]`, `get`) read one row; anything that needs every item (`len`,
    iteration, `values`, `items`) reads all rows once, in catalog order, keeping the objects
    already handed out.
    """

    def __init__(self, one: Callable[[str], _V | None], every: Callable[[], dict[str, _V]]):
        super().__init__()
        self._one = one
        self._every = every
        self._complete = False

    @property
    def complete(self) -> bool:
        """True once every item has been read (no row read is left to save)."""
        return self._complete

    @property
    def reader(self) -> Callable[[str], _V | None]:
        """The function that reads one key (its owner can answer other questions cheaply)."""
        return self._one

    def _fill(self) -> None:
        if self._complete:
            return
        self._complete = True
        known = dict(super().items())
        everything = self._every()
        super().clear()
        super().update({k: known.get(k, v) for k, v in everything.items()})

    def __getitem__(self, key: str) -> _V:
        if not self._complete and not super().__contains__(key):
            value = self._one(key)
            if value is None:
                raise KeyError(key)
            super().__setitem__(key, value)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        try:
            self[key]
        except KeyError:
            return False
        return True

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __iter__(self) -> Iterator[str]:
        self._fill()
        return super().__iter__()

    def __len__(self) -> int:
        self._fill()
        return super().__len__()

    def keys(self) -> Any:
        self._fill()
        return super().keys()

    def values(self) -> Any:
        self._fill()
        return super().values()

    def items(self) -> Any:
        self._fill()
        return super().items()

    def copy(self) -> dict[str, _V]:
        self._fill()
        return dict(super().items())

    def __eq__(self, other: object) -> bool:
        self._fill()
        return super().__eq__(other)

    __hash__ = None

    def __repr__(self) -> str:
        self._fill()
        return super().__repr__()
