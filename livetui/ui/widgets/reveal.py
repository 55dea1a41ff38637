"""Streamed text shown in small steps rather than in the bursts it arrives in.

The service sends an answer's text a few words at a time, five or six parts a
second; drawn as it comes, the chat jumps in those bursts. Here each part is
handed out in word-sized steps spread over the time the next part usually takes,
so the answer flows at the rate it arrives. Nothing is held back for long: the
display is never more than one part behind, a part that is overdue releases
everything, and the end of the turn shows the rest at once (the conversation and
the transcript have every word as soon as it arrives; only the drawing is paced).
"""

from __future__ import annotations

import math

MIN_GAP = 0.05  # s: parts closer than this are shown as they come
MAX_GAP = 0.5  # s: a slower stream is not spread thinner than this
FIRST_GAP = 0.2  # s: the guess before two parts have been seen
MAX_PENDING = 600  # characters: more than this waiting is shown at once


class Reveal:
    """Feed parts with `add(text, now)`; `step(now)` on a timer gives the next
    piece to draw; `rest()` takes whatever is still waiting."""

    def __init__(self, tick: float) -> None:
        self.tick = tick
        self.gap = FIRST_GAP  # the usual time between parts, smoothed
        self._pending = ""
        self._last_add: float | None = None

    @property
    def pending(self) -> str:
        return self._pending

    def add(self, text: str, now: float) -> None:
        if self._last_add is not None:
            seen = now - self._last_add
            self.gap = min(MAX_GAP, max(MIN_GAP, 0.7 * self.gap + 0.3 * seen))
        self._last_add = now
        self._pending += text

    def step(self, now: float) -> str:
        """The next piece: an even share of what waits, over what is left of the
        usual gap, ending at a word's end. Everything when the next part is due."""
        if not self._pending:
            return ""
        due = (self._last_add or now) + self.gap
        left = due - now
        if left <= self.tick or self.gap <= MIN_GAP or len(self._pending) > MAX_PENDING:
            return self.rest()
        share = math.ceil(len(self._pending) * self.tick / left)
        end = _word_end(self._pending, share)
        piece, self._pending = self._pending[:end], self._pending[end:]
        return piece

    def rest(self) -> str:
        piece, self._pending = self._pending, ""
        return piece


def _word_end(text: str, at_least: int) -> int:
    """The end of the word that reaches `at_least` characters (spaces after it included)."""
    i = min(len(text), max(1, at_least))
    while i < len(text) and not text[i].isspace():
        i += 1
    while i < len(text) and text[i].isspace():
        i += 1
    return i
