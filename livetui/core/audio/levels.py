"""A level meter fed by an audio thread and read by a UI timer."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from .pcm import SILENCE_DBFS, dbfs


class LevelMeter:
    """The latest block's level in dBFS, with a short peak hold.

    A UI timer pulling at 15 Hz sees one reading every ~67 ms, so a 10 ms click
    between two pulls would vanish; the held peak keeps it visible for `hold_s`
    and then lets it fall at `decay_db_per_s`. The reading is
    max(latest block level, held peak after decay).

    `feed` runs on the audio thread and `level`/`reset` on the UI side. The state
    is three values that must change together (level, peak, peak time), so a
    lock guards them; it is held only for a few assignments, never while the
    RMS is computed, so the audio thread barely waits.
    """

    def __init__(
        self,
        hold_s: float = 0.3,
        decay_db_per_s: float = 20.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.hold_s = hold_s
        self.decay_db_per_s = decay_db_per_s
        self._clock = clock
        self._lock = threading.Lock()
        self._current: float | None = None
        self._peak = SILENCE_DBFS
        self._peak_at = 0.0

    def feed(self, pcm: bytes) -> None:
        """Take one block of PCM16 mono (call from the audio thread)."""
        level = dbfs(pcm)
        now = self._clock()
        with self._lock:
            self._current = level
            if level >= self._held(now):
                self._peak, self._peak_at = level, now

    def level(self) -> float | None:
        """The reading in dBFS, or None if nothing was fed since creation or reset()."""
        now = self._clock()
        with self._lock:
            if self._current is None:
                return None
            return max(self._current, self._held(now))

    def state(self) -> tuple[float | None, float, float]:
        """(latest level, held peak, when it was held): what MeterView needs to read the
        same level in another process."""
        with self._lock:
            return self._current, self._peak, self._peak_at

    def reset(self) -> None:
        """Forget everything (say, when the microphone stops)."""
        with self._lock:
            self._current = None
            self._peak = SILENCE_DBFS

    def _held(self, now: float) -> float:
        """The held peak at `now`. Lock held."""
        return held_peak(self._peak, self._peak_at, now, self.hold_s, self.decay_db_per_s)


def held_peak(peak: float, peak_at: float, now: float, hold_s: float, decay_db_per_s: float) -> float:
    """A peak held at `peak_at`, seen at `now`: flat for hold_s, then falling."""
    late = now - peak_at - hold_s
    if late <= 0:
        return peak
    return max(peak - decay_db_per_s * late, SILENCE_DBFS)
