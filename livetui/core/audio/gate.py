"""A local silence gate: stop streaming the mic after a second of silence, resume
with a pre-roll so no word's start is cut.

Silence streamed to the Live API is sent, parsed and (per the service's ~25 tokens
a second of audio) possibly billed for nothing. The gate sends only what surrounds
speech: from `preroll_ms` before the first voiced chunk to `hang_s` after the
last, then says the stream ended (`audioStreamEnd`), as the API asks when the
mic stops. With automatic VAD only: under push-to-talk the user's activity
markers decide what is a turn.

Voice is a chunk whose level stands `margin_db` above the room's noise floor and
above `min_voice_dbfs`. The floor is a low percentile of the last `window_s` of
chunk levels: the gaps between words keep it down while someone talks, and a
noise that never stops (a fan, a hot mic) becomes the floor within `window_s`,
so it does not hold the gate open for good.

Pure: no I/O, no threads, no clock (time is counted in chunks). One caller
(the capture thread) owns it.
"""

from __future__ import annotations

import bisect
from collections import deque
from dataclasses import dataclass, field

from .pcm import SAMPLE_WIDTH, dbfs
from .rates import INPUT_RATE

__all__ = [
    "HANG_S",
    "hang_for",
    "MARGIN_DB",
    "MIN_VOICE_DBFS",
    "PREROLL_MS",
    "GateOutput",
    "SilenceGate",
]

# The defaults, chosen by measuring espeak-ng words (fricative and plosive onsets)
# at 0 to -40 dB over silence and noise floors from -90 to -40 dBFS, and noise
# alone (steady, wandering, clicks): see the gate's tests and the commit message.
HANG_S = 1.0  # silence after the last voiced chunk before the stream ends
PREROLL_MS = 300  # sent before the first voiced chunk: a word's onset is quieter than its vowel
MARGIN_DB = 12.0  # above the noise floor: room noise wanders a few dB, speech stands 20-40 dB above it
MIN_VOICE_DBFS = -60.0  # quieter than this is never voice (a quiet room through a laptop mic is -60..-75)
WINDOW_S = 5.0  # the noise floor's memory: a new steady noise is the floor after ~90% of this
FLOOR_QUANTILE = 0.1  # the floor: the level 10% of the window's chunks are below
START_FLOOR_DBFS = -60.0  # the floor assumed until the window is full (it may only be lower then)


def hang_for(silence_duration_ms: int | None) -> float:
    """The hang for a service told to end a turn after `silence_duration_ms` of silence:
    longer than that, since audioStreamEnd ends the turn at once, and a pause the
    service would sit through must not become the end of what the user says."""
    if silence_duration_ms is None:
        return HANG_S
    return max(HANG_S, silence_duration_ms / 1000 + 0.5)


@dataclass(frozen=True)
class GateOutput:
    """What to send now, in order: `chunks`, then audioStreamEnd if `stream_end`."""

    chunks: list[bytes] = field(default_factory=list)
    stream_end: bool = False
    voiced: bool = False  # the chunk fed was judged voice


class SilenceGate:
    """Feed it each mic chunk (PCM16 mono); it says what to send now."""

    def __init__(
        self,
        chunk_ms: int,
        *,
        hang_s: float = HANG_S,
        preroll_ms: int = PREROLL_MS,
        margin_db: float = MARGIN_DB,
        min_voice_dbfs: float = MIN_VOICE_DBFS,
        window_s: float = WINDOW_S,
        rate: int = INPUT_RATE,
    ) -> None:
        if chunk_ms <= 0:
            raise ValueError(f"chunk_ms must be positive, not {chunk_ms}")
        self.chunk_ms = chunk_ms
        self.chunk_bytes = rate * chunk_ms // 1000 * SAMPLE_WIDTH
        # Whole chunks, rounded up: the pre-roll is at least preroll_ms, the hang at least hang_s.
        self.hang_chunks = max(1, -(-round(hang_s * 1000) // chunk_ms))
        self.margin_db = margin_db
        self.min_voice_dbfs = min_voice_dbfs
        self._preroll: deque[bytes] = deque(maxlen=max(1, -(-preroll_ms // chunk_ms)))
        self._window = max(1, round(window_s * 1000 / chunk_ms))
        self._levels: deque[float] = deque()  # the window's levels, oldest first
        self._sorted: list[float] = []  # the same levels, sorted: the floor is an index into it
        self.open = False
        self._quiet = 0  # unvoiced chunks since the last voiced one, while open

    @property
    def floor_dbfs(self) -> float:
        """The noise floor as estimated now."""
        if not self._sorted:
            return START_FLOOR_DBFS
        floor = self._sorted[int(FLOOR_QUANTILE * (len(self._sorted) - 1))]
        # Until the window is full, the few levels in it may all be speech.
        return floor if len(self._sorted) >= self._window else min(floor, START_FLOOR_DBFS)

    def threshold_dbfs(self) -> float:
        return max(self.floor_dbfs + self.margin_db, self.min_voice_dbfs)

    def feed(self, pcm: bytes) -> GateOutput:
        level = dbfs(pcm)
        voiced = level >= self.threshold_dbfs()  # against the floor before this chunk
        self._remember(level)
        if voiced:
            self._quiet = 0
            if self.open:
                return GateOutput([pcm], voiced=True)
            self.open = True
            chunks = [*self._preroll, pcm]
            self._preroll.clear()
            return GateOutput(chunks, voiced=True)
        if not self.open:
            self._preroll.append(pcm)  # the oldest falls out: never sent
            return GateOutput()
        self._quiet += 1
        if self._quiet < self.hang_chunks:
            return GateOutput([pcm])
        self.open = False
        self._quiet = 0
        return GateOutput([pcm], stream_end=True)

    def reset(self) -> None:
        """The mic stopped being sent (muted, push-to-talk, a file, half duplex): the
        next opening starts afresh, and what the mic heard meanwhile is never sent.
        The noise floor is the room's, so it is kept."""
        self.open = False
        self._quiet = 0
        self._preroll.clear()

    def _remember(self, level: float) -> None:
        self._levels.append(level)
        bisect.insort(self._sorted, level)
        if len(self._levels) > self._window:
            old = self._levels.popleft()
            del self._sorted[bisect.bisect_left(self._sorted, old)]
