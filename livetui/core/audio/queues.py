"""A bounded, drop-oldest queue from a foreign thread (an audio callback) to asyncio."""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from typing import Generic, TypeVar

T = TypeVar("T")


class DropOldestQueue(Generic[T]):
    """Items put from any thread, taken by coroutines on one event loop.

    The items live in a deque behind a threading.Lock rather than in an
    asyncio.Queue fed by call_soon_threadsafe(put_nowait): that way the bound
    holds even while the loop is stalled (the pending callbacks would otherwise
    pile up, one item each), and a put never waits for the loop. The loop is
    only woken, through call_soon_threadsafe, at most once per turn of the loop.
    """

    def __init__(self, maxsize: int, loop: asyncio.AbstractEventLoop | None = None) -> None:
        if maxsize < 1:
            raise ValueError(f"maxsize must be at least 1, not {maxsize}")
        self.maxsize = maxsize
        self._loop = loop or asyncio.get_running_loop()
        self._lock = threading.Lock()
        self._items: deque[T] = deque()
        self._wake_pending = False
        self._waiters: list[asyncio.Future[None]] = []  # loop thread only
        self.dropped = 0

    def _append(self, item: T) -> bool:
        """Add item, dropping the oldest if full; True if the loop needs a wake-up."""
        with self._lock:
            if len(self._items) >= self.maxsize:
                self._items.popleft()
                self.dropped += 1
            self._items.append(item)
            needs_wake = not self._wake_pending
            self._wake_pending = True
        return needs_wake

    def put_threadsafe(self, item: T) -> None:
        """Put from any thread; never blocks. After the loop has closed, the item
        stays queued for nobody rather than raising in an audio callback."""
        if self._append(item):
            try:
                self._loop.call_soon_threadsafe(self._wake)
            except RuntimeError:  # the loop is closed: shutting down
                pass

    def put_nowait(self, item: T) -> None:
        """Put from the loop's own thread."""
        self._append(item)
        self._wake()

    def _wake(self) -> None:
        with self._lock:
            self._wake_pending = False
        # Every waiter re-checks the deque, so none can miss an item or take
        # one that is gone.
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    def get_nowait(self) -> T:
        with self._lock:
            if not self._items:
                raise asyncio.QueueEmpty
            return self._items.popleft()

    async def get(self) -> T:
        while True:
            try:
                return self.get_nowait()
            except asyncio.QueueEmpty:
                pass
            waiter = self._loop.create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            finally:
                if waiter in self._waiters:  # cancelled before a wake-up
                    self._waiters.remove(waiter)

    def qsize(self) -> int:
        return len(self._items)

    def empty(self) -> bool:
        return not self._items

    def clear(self) -> int:
        """Drop every queued item (not counted in `dropped`); returns how many."""
        with self._lock:
            n = len(self._items)
            self._items.clear()
        return n
