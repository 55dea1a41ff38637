"""Messages the app posts to itself from its workers."""

from __future__ import annotations

from textual.message import Message


class LiveEvents(Message):
    """Events from the Live session wait in the app's inbox (core/inbox.py): take them."""


class AudioReady(Message):
    """The audio devices were opened (problem is None) or could not be (why, in words)."""

    def __init__(self, problem: str | None) -> None:
        super().__init__()
        self.problem = problem
