"""One function call the model made, as the chat shows it and the transcript keeps it:
a card under the answer it belongs to, whose state moves as the call is answered."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

__all__ = ["FINAL", "CardState", "ToolCard"]

CardState = Literal[
    "running",  # a command is working on it
    "waiting",  # the person's dialog is open
    "answered",  # a result went to the model
    "refused",  # the person refused: an error result went to the model
    "cancelled",  # toolCallCancellation (e.g. a barge-in): nothing is sent
    "timed out",  # the command took too long: an error result went to the model
    "failed",  # undeclared function, bad arguments, a command that crashed or printed non-JSON
]
FINAL: frozenset[CardState] = frozenset({"answered", "refused", "cancelled", "timed out", "failed"})


@dataclass
class ToolCard:
    call_id: str
    name: str
    args: Mapping[str, Any] = field(default_factory=dict)
    turn_id: int | None = None  # the answer it belongs to
    state: CardState = "running"
    behavior: str = ""  # BLOCKING / NON_BLOCKING as declared ("" = the model's default)
    scheduling: str = ""  # what went with a NON_BLOCKING result
    response: Mapping[str, Any] | None = None  # what was sent back: {"output": ...} or {"error": ...}
    note: str = ""  # why it failed or was refused, in words
    called: datetime = field(default_factory=datetime.now)
    took_s: float | None = None  # call → result sent (or cancelled)

    @property
    def done(self) -> bool:
        return self.state in FINAL
