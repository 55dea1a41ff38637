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
