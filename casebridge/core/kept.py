"""Values made once per key and kept for the life of the process (permission filters, compiled
statements, a user's links), so a request doesn't build again what an earlier one built."""

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Kept(Generic[K, V]):
    """At most ``most`` values; past that all are dropped and made again as needed. The keys
    are few (users' rules and facts), so a bound is enough, without an order of use to keep."""

    def __init__(self, most: int) -> None:
        self._most = most
        self._values: dict[K, V] = {}

    def get(self, key: K, make: Callable[[], V]) -> V:
        """The value kept for ``key``, made by ``make`` the first time it is asked for."""
        value = self._values.get(key)
        if value is None:
            if len(self._values) >= self._most:
                self._values.clear()
            value = self._values[key] = make()
        return value

    def forget(self) -> None:
        """Drop every value (what they were made from has changed)."""
        self._values.clear()
