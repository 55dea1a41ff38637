"""Items handed from one thread to another's loop with one wake-up a batch, not one an item.

While an answer streams, the session's thread hands the UI's loop some 100 events a
second (each audio chunk, each transcript piece). Waking the loop for each — a write
to its self-pipe, a message, a dispatch — cost more than the events' own work, on
both threads. Here a put wakes the consumer only when it is not already due to take;
the consumer then takes everything queued, in order.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Inbox(Generic[T]):
    """`put` from any thread; `take` on the consumer's loop, once per `wake()`.

    `wake` is called (on the putting thread) when the first item arrives after a take:
    it must schedule one `take` on the consumer's loop, and must not block."""

    def __init__(self, wake: Callable[[], None]) -> None:
        self._wake = wake
        self._items: deque[T] = deque()
        self._lock = threading.Lock()
        self._due = False  # a wake is out and its take has not run yet

    def put(self, item: T) -> None:
        with self._lock:
            self._items.append(item)
            if self._due:
                return
            self._due = True
        self._wake()

    def take(self) -> list[T]:
        """Everything queued, oldest first. Items put from now on wake the consumer again."""
        with self._lock:
            items = list(self._items)
            self._items.clear()
            self._due = False
        return items

    def __len__(self) -> int:
        return len(self._items)
