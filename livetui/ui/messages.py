"""Messages the app posts to itself from its workers."""

from __future__ import annotations

from textual.message import Message

from ..core.events import Event


class LiveEvent(Message):
    """One event from the Live session, delivered on the UI's loop."""

    def __init__(self, event: Event, generation: int) -> None:
        super().__init__()
        self.event = event
        self.generation = generation  # which session it came from: late events of an old one are ignored


class AudioReady(Message):
    """The audio devices were opened (problem is None) or could not be (why, in words)."""

    def __init__(self, problem: str | None) -> None:
        super().__init__()
        self.problem = problem
