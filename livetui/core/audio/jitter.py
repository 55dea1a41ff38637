"""The model's audio on its way from the receive loop to the speaker."""

from __future__ import annotations

import threading
import time
from collections import deque

from .pcm import SAMPLE_WIDTH
from .rates import OUTPUT_RATE


class PlaybackBuffer:
    """PCM16 mono between `write` (the asyncio receive loop) and `read` (the
    PortAudio output callback, on PortAudio's thread).

    - `read(n)` always returns exactly n bytes at once, padding with silence:
      the callback must never block or come up short.
    - Prebuffer: after running dry, playback waits until `prebuffer_ms` is
      queued, or until `end_of_turn()` says no more is coming (so a short last
      chunk still plays).
    - An underrun is counted once each time the buffer runs dry in the middle
      of a turn (not after `end_of_turn()`, and never while idle).
    - `clear()` (the server's `interrupted`) drops everything: the next read is
      silent, so the speaker stops within one device block.
    - Bounded: beyond `max_ms` queued, the oldest audio is dropped and counted
      in `overflow_bytes`.

    Turn accounting: `written_bytes` and `played_bytes` (handed to the device)
    count the current turn, from `new_turn()`; audio of the previous turn still
    queued at that moment counts for neither. `played_bytes` leads what came
    out of the speaker by the device's latency (about two blocks).

    One lock guards the queue; it is held only to move references and counters.
    Joining chunks and making silence happen outside it.
    """

    def __init__(self, rate: int = OUTPUT_RATE, prebuffer_ms: int = 0, max_ms: int = 60_000) -> None:
        self.rate = rate
        self.prebuffer_ms = prebuffer_ms
        self.max_ms = max_ms
        self._bytes_per_s = rate * SAMPLE_WIDTH
        self._prebuffer = self._ms_to_bytes(prebuffer_ms)
        self._max = max(self._ms_to_bytes(max_ms), SAMPLE_WIDTH)
        self._lock = threading.Lock()
        self._chunks: deque[bytes] = deque()
        self._offset = 0  # bytes of _chunks[0] already consumed
        self._queued = 0
        self._carry = 0  # queued bytes from before new_turn(): not this turn's
        self._started = False  # prebuffer met: reads hand audio to the device
        self._ended = False  # end_of_turn() called for the current turn
        self._last_read_audio = False
        self._written = 0
        self._played = 0
        self.underruns = 0
        self.overflow_bytes = 0
        # Positions since the buffer was made, to time one byte's sound (an answer's first).
        self._head_pos = 0  # bytes consumed or dropped
        self._tail_pos = 0  # bytes written
        self._mark: int | None = None
        self._heard_at: float | None = None

    def _ms_to_bytes(self, ms: float) -> int:
        return int(self.rate * ms / 1000) * SAMPLE_WIDTH

    # --- the receive loop's side ---------------------------------------------

    def write(self, pcm: bytes) -> None:
        """Queue model audio (PCM16 mono at `rate`)."""
        if len(pcm) % SAMPLE_WIDTH:
            raise ValueError(f"PCM16 data of {len(pcm)} bytes is not a whole number of samples")
        if not pcm:
            return
        data = bytes(pcm)  # our own copy: the caller may reuse a bytearray
        with self._lock:
            self._chunks.append(data)
            self._queued += len(data)
            self._written += len(data)
            self._tail_pos += len(data)
            excess = self._queued - self._max
            if excess > 0:
                self._consume(excess)
                self.overflow_bytes += excess

    def end_of_turn(self) -> None:
        """No more audio is coming for this turn: play what is queued, even if
        shorter than the prebuffer, and don't count the drain as an underrun."""
        with self._lock:
            self._ended = True

    def new_turn(self) -> None:
        """Start counting a new turn (call before its first write)."""
        with self._lock:
            self._written = 0
            self._played = 0
            self._ended = False
            self._carry = self._queued
            self._mark, self._heard_at = self._tail_pos, None

    def clear(self) -> int:
        """Drop everything queued (the model was interrupted); returns the bytes dropped."""
        with self._lock:
            dropped, old = self._queued, self._chunks
            self._chunks = deque()
            self._head_pos += self._queued
            self._offset = self._queued = self._carry = 0
            self._started = self._last_read_audio = False
        del old  # freed here, outside the lock
        return dropped

    # --- the output callback's side ------------------------------------------

    def mark(self) -> None:
        """Time the sound of the next byte written (`heard_at`); new_turn() marks the turn's first."""
        with self._lock:
            self._mark, self._heard_at = self._tail_pos, None

    def heard_at(self) -> float | None:
        """When the marked byte leaves (or left) the device (time.monotonic()); None
        until it is handed over, and for good if it was dropped before it played."""
        return self._heard_at

    def read(self, nbytes: int, delay_s: float = 0.0) -> bytes:
        """Exactly `nbytes` of audio for the device, silence where there is none.
        `delay_s`: how long until the first of them leaves the device."""
        if nbytes <= 0:
            return b""
        parts: list[memoryview] = []
        with self._lock:
            if not self._started and self._queued and (self._queued >= self._prebuffer or self._ended):
                self._started = True
            if self._started:
                taken = min(nbytes, self._queued)
                head, mark = self._head_pos, self._mark
                if mark is not None and self._heard_at is None and head <= mark < head + taken:
                    self._heard_at = time.monotonic() + delay_s + (mark - head) / self._bytes_per_s
                parts, ours = self._consume(taken)
                self._played += ours
                if taken < nbytes:
                    self._started = False  # ran dry: wait for the prebuffer again
                    if not self._ended:
                        self.underruns += 1
            self._last_read_audio = bool(parts)
        out = b"".join(parts)
        return out + bytes(nbytes - len(out)) if len(out) < nbytes else out

    def _consume(self, n: int) -> tuple[list[memoryview], int]:
        """Take n (<= queued) bytes off the head; returns them and how many of
        them belong to the current turn. Lock held."""
        parts: list[memoryview] = []
        left = n
        while left:
            head = self._chunks[0]
            end = min(len(head), self._offset + left)
            parts.append(memoryview(head)[self._offset : end])
            left -= end - self._offset
            if end == len(head):
                self._chunks.popleft()
                self._offset = 0
            else:
                self._offset = end
        self._queued -= n
        self._head_pos += n
        previous_turn = min(self._carry, n)
        self._carry -= previous_turn
        return parts, n - previous_turn

    # --- what the UI pulls ---------------------------------------------------

    @property
    def depth_ms(self) -> float:
        """Milliseconds of audio queued."""
        return self._queued * 1000 / self._bytes_per_s

    def ready_to_start(self, min_ms: float) -> bool:
        """Enough queued for a stopped speaker to start without running dry, or all of
        the turn is in (core/audio/ring.py's START_QUEUED_MS)."""
        return self.depth_ms >= min_ms or self._ended

    @property
    def playing(self) -> bool:
        """Audio is queued, or the last read handed some to the device."""
        return self._queued > 0 or self._last_read_audio

    @property
    def written_bytes(self) -> int:
        return self._written

    @property
    def played_bytes(self) -> int:
        return self._played

    def heard_fraction(self) -> float:
        """The part of this turn's audio handed to the device, 0.0 to 1.0
        (0.0 if the turn has no audio)."""
        with self._lock:
            return self._played / self._written if self._written else 0.0
