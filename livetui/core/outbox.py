"""Typed turns on their way to the service: in order, never lost, never asked twice.

A turn waits in the queue until a session takes it; once taken it is in flight until
the session answers it (its TurnComplete). When a session is left, the turns in flight
whose answers never began go first to the next one (its handle is from before them);
one whose answer had begun stays as it is, cut, and is not asked again.
"""

from __future__ import annotations

import asyncio
from collections import deque


class Outbox:
    def __init__(self) -> None:
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()  # None: only a wake-up
        self._resend: deque[str] = deque()  # to send before the queue's, in order
        self._in_flight: list[str] = []  # taken by this session, not yet answered
        self.unsent = 0  # typed turns not yet accepted by a session

    def put(self, text: str) -> None:
        self.unsent += 1
        self._queue.put_nowait(text)

    async def next(self) -> str:
        """The next turn to send (it stays next until `took`)."""
        while not self._resend:
            typed = await self._queue.get()
            if typed is not None:  # None: woken up for turns to send again
                self._resend.append(typed)
        return self._resend[0]

    def took(self) -> None:
        """A session accepted the next turn: it is in flight now."""
        self._in_flight.append(self._resend.popleft())
        self.unsent -= 1

    def answered(self) -> None:
        """A TurnComplete: the oldest turn in flight was answered (or cut by a barge-in)."""
        if self._in_flight:
            self._in_flight.pop(0)

    @property
    def awaiting_answer(self) -> bool:
        return bool(self._in_flight)

    def forget_in_flight(self) -> None:
        """A new session on purpose: what the old one took is its business."""
        self._in_flight = []

    def requeue(self, answer_begun: bool) -> None:
        """The session is left: its unanswered turns go first to the next one."""
        waiting, self._in_flight = self._in_flight, []
        if waiting and answer_begun:
            waiting = waiting[1:]
        self._resend.extendleft(reversed(waiting))
        self.unsent += len(waiting)
        if waiting:
            self._queue.put_nowait(None)  # the sender may be waiting on the queue
