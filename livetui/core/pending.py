"""How long the console has been waiting on the service, in words for the status bar.

A slow server looks like a dead one unless the wait is shown: after a second of
connecting, "connecting… 4 s"; after a second without a word of the reply to a turn
that went out, "waiting for the reply… 3 s". The session marks when a turn went out and
when its reply began (on its own loop); a UI timer reads `line()`. Plain attribute
writes and reads, so no lock is needed between the two threads.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from .events import (
    AudioChunk,
    Event,
    GenerationComplete,
    InteractionStatus,
    Interrupted,
    OutputTranscript,
    TextDelta,
    ToolCall,
    TurnComplete,
)

SHOW_AFTER_S = 1.0  # a wait shorter than this is normal and not worth a word

# What shows that the service is answering (the user's own transcript does not).
_REPLY = (TextDelta, AudioChunk, OutputTranscript, ToolCall, GenerationComplete, Interrupted, InteractionStatus, TurnComplete)


class Pending:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._connecting: tuple[str, float] | None = None  # (what the status says, since)
        self._waiting_since: float | None = None  # the oldest turn sent whose reply has not begun
        self._unanswered = 0  # turns sent whose reply has not ended

    def connecting(self, label: str = "connecting") -> None:
        """A connection is being opened; `label` is the state the status bar shows meanwhile."""
        self._connecting = (label.rstrip("…"), self.clock())
        self._waiting_since, self._unanswered = None, 0

    def connected(self) -> None:
        self._connecting = None

    def stopped(self) -> None:
        """The session failed or was left: nothing is pending any more."""
        self._connecting = self._waiting_since = None
        self._unanswered = 0

    def sent(self) -> None:
        """A turn went out (typed, or the end of spoken input)."""
        if self._unanswered == 0:  # else its wait begins when the reply before it ends
            self._waiting_since = self.clock()
        self._unanswered += 1

    def heard(self, event: Event) -> None:
        """An event from the service: a reply beginning ends the wait; a reply ending starts
        the wait for the next turn's, if one was sent meanwhile (answers come in order)."""
        if not isinstance(event, _REPLY) or self._unanswered == 0:
            return
        if isinstance(event, TurnComplete):
            self._unanswered -= 1
            self._waiting_since = self.clock() if self._unanswered else None
        else:
            self._waiting_since = None

    def line(self) -> str:
        """"connecting… 4 s", "waiting for the reply… 3 s", or "" when nothing has waited a second."""
        now = self.clock()
        if self._connecting is not None:
            label, since = self._connecting
            return f"{label}… {int(now - since)} s" if now - since >= SHOW_AFTER_S else ""
        since = self._waiting_since
        if since is not None and now - since >= SHOW_AFTER_S:
            return f"waiting for the reply… {int(now - since)} s"
        return ""
