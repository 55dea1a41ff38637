"""Energy-based voice activity detection for the simulator.

The Live API decides by itself when the user starts and stops talking
(``realtime_input_config.automatic_activity_detection``). The simulator
mimics that with a deliberately simple detector: the RMS level of each
20 ms frame, a start threshold chosen by the start sensitivity, and a lower
"keep going" threshold chosen by the end sensitivity (hysteresis), plus the
two timing knobs of the real API (prefix padding and silence duration).

Audio is 16-bit little-endian mono PCM. Frames sit on a fixed grid counted
from the first sample ever fed, so the events do not depend on how the
caller happens to chunk the stream.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

__all__ = [
    "DBFS_FLOOR",
    "END_HYSTERESIS_DB",
    "FRAME_MS",
    "START_THRESHOLD_DB",
    "Vad",
    "VadConfig",
    "VadEvent",
    "frame_levels_dbfs",
]

FRAME_MS = 20
# Level reported for digital silence (log of zero would be -inf).
DBFS_FLOOR = -120.0

Level = Literal["HIGH", "LOW"]

# A frame at or above this RMS level (dBFS, relative to int16 full scale)
# counts towards starting speech. HIGH sensitivity hears quieter speech.
START_THRESHOLD_DB: dict[Level, float] = {"HIGH": -45.0, "LOW": -30.0}
# Once speaking, a frame keeps speech alive if it is no more than this far
# below the start threshold. HIGH end sensitivity ends speech more readily,
# so its band is narrow; LOW carries speech through quieter passages.
END_HYSTERESIS_DB: dict[Level, float] = {"HIGH": 4.0, "LOW": 10.0}

# The utterance handed to the recogniser starts this much before the prefix
# padding, so soft onsets that stayed under the threshold are not clipped.
_LEAD_IN_MS = 100
# ...and keeps this much after the last loud frame, for decaying consonants.
_TAIL_MS = 100
# While a start is pending, dips below the continuation threshold shorter
# than this (stop consonants, the gap in "to-day") don't abandon it.
_ONSET_GAP_MS = 100
# Audio kept while idle, to have a lead-in ready when speech starts.
_IDLE_RING_MS = 1000
# Timing knobs above this are treated as bad values: they would only make the
# detector hold absurd amounts of audio.
_MAX_MS = 60_000
# Caps memory if something loud never stops (the oldest audio is dropped).
_MAX_UTTERANCE_MS = 5 * 60 * 1000

# Proto enum numbers, for setups that send the enums as integers.
_ENUM_NUMBERS: dict[int, Level | None] = {0: None, 1: "HIGH", 2: "LOW"}


def _sensitivity(value: Any, prefix: str) -> Level | None:
    """``HIGH``/``LOW`` for a recognisable sensitivity, else ``None``.

    Accepts ``PREFIX_HIGH``, ``HIGH`` (any case) and the proto enum numbers;
    ``*_UNSPECIFIED``/0 and anything else give ``None`` (use the default).
    """
    if isinstance(value, bool):  # bool is an int subclass; True is not "HIGH"
        return None
    if isinstance(value, int):
        return _ENUM_NUMBERS.get(value)
    if not isinstance(value, str):
        return None
    name = value.strip().upper()
    name = name.removeprefix(prefix)
    if name in ("HIGH", "LOW"):
        return name  # type: ignore[return-value]
    return None


def _known_sensitivity(value: Any, prefix: str) -> bool:
    """Whether ``value`` names a sensitivity, ``UNSPECIFIED`` included."""
    return isinstance(value, str) and value.strip().upper().removeprefix(prefix) in ("HIGH", "LOW", "UNSPECIFIED")


def _milliseconds(value: Any) -> int | None:
    """A whole, non-negative, sane number of milliseconds, else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    if value < 0 or value > _MAX_MS:
        return None
    return int(round(value))


def _lookup(obj: dict[str, Any], camel: str, snake: str) -> Any:
    """The value under the camelCase or snake_case key (camelCase wins)."""
    if camel in obj and obj[camel] is not None:
        return obj[camel]
    return obj.get(snake)


@dataclass(frozen=True)
class VadConfig:
    """Settings of ``automatic_activity_detection`` that shape detection."""

    start_sensitivity: str = "START_SENSITIVITY_HIGH"
    end_sensitivity: str = "END_SENSITIVITY_HIGH"
    prefix_padding_ms: int = 20  # speech must last this long before start is committed
    silence_duration_ms: int = 500  # silence this long commits end-of-speech

    def __post_init__(self) -> None:
        # Direct construction with nonsense is a programming error; setups
        # from the wire go through from_setup, which never raises.
        for name, prefix in (("start_sensitivity", "START_SENSITIVITY_"), ("end_sensitivity", "END_SENSITIVITY_")):
            if not _known_sensitivity(getattr(self, name), prefix):
                raise ValueError(f"bad {name} {getattr(self, name)!r}")
        for name in ("prefix_padding_ms", "silence_duration_ms"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or _milliseconds(value) is None:
                raise ValueError(f"bad {name} {value!r}")

    @classmethod
    def from_setup(cls, aad: dict[str, Any] | None) -> VadConfig:
        """Config from a setup's ``automatic_activity_detection`` object.

        Keys may be camelCase (JSON) or snake_case (SDK field names). Missing
        or unusable values fall back to the defaults; this never raises,
        because a client's odd setup should not crash the simulator.
        """
        default = cls()
        if not isinstance(aad, dict):
            return default
        start = _sensitivity(
            _lookup(aad, "startOfSpeechSensitivity", "start_of_speech_sensitivity"), "START_SENSITIVITY_"
        )
        end = _sensitivity(_lookup(aad, "endOfSpeechSensitivity", "end_of_speech_sensitivity"), "END_SENSITIVITY_")
        prefix = _milliseconds(_lookup(aad, "prefixPaddingMs", "prefix_padding_ms"))
        silence = _milliseconds(_lookup(aad, "silenceDurationMs", "silence_duration_ms"))
        return cls(
            start_sensitivity=f"START_SENSITIVITY_{start}" if start else default.start_sensitivity,
            end_sensitivity=f"END_SENSITIVITY_{end}" if end else default.end_sensitivity,
            prefix_padding_ms=default.prefix_padding_ms if prefix is None else prefix,
            silence_duration_ms=default.silence_duration_ms if silence is None else silence,
        )

    @property
    def start_threshold_db(self) -> float:
        """Frame level (dBFS) that counts as the start of speech."""
        return START_THRESHOLD_DB[_sensitivity(self.start_sensitivity, "START_SENSITIVITY_") or "HIGH"]

    @property
    def continue_threshold_db(self) -> float:
        """Frame level (dBFS) that keeps speech going once started."""
        level = _sensitivity(self.end_sensitivity, "END_SENSITIVITY_") or "HIGH"
        return self.start_threshold_db - END_HYSTERESIS_DB[level]


@dataclass(frozen=True)
class VadEvent:
    """Speech started or ended at ``at_ms`` into the stream fed so far."""

    kind: Literal["start", "end"]
    # For "start": where the speech began (not when it was committed, which is
    # prefix_padding_ms later). For "end": the end of the last speech frame.
    at_ms: float


def frame_levels_dbfs(pcm: bytes, frame_samples: int) -> np.ndarray:
    """RMS level in dBFS of each whole frame of PCM16LE mono ``pcm``.

    Full scale is 32768, so a full-scale sine reads about -3 dBFS. Bytes past
    the last whole frame are ignored; digital silence reads ``DBFS_FLOOR``.
    """
    frame_bytes = 2 * frame_samples
    usable = len(pcm) // frame_bytes * frame_bytes
    samples = np.frombuffer(pcm, dtype="<i2", count=usable // 2).astype(np.float64)
    rms = np.sqrt(np.mean(np.square(samples.reshape(-1, frame_samples)), axis=1))
    with np.errstate(divide="ignore"):
        levels = 20.0 * np.log10(rms / 32768.0)
    return np.maximum(levels, DBFS_FLOOR)


def _frames(ms: int) -> int:
    return math.ceil(ms / FRAME_MS)


class Vad:
    """Streaming start/end-of-speech detector over PCM16LE mono audio.

    Idle, it waits for a frame at the start threshold (the onset). The onset
    becomes a committed start once prefix_padding_ms of frames at the
    continuation threshold have followed it, allowing the short dips of stop
    consonants in between; a longer dip abandons it. In speech, the end is
    committed after silence_duration_ms of frames below the continuation
    threshold and dated at the end of the last frame above it.
    """

    def __init__(self, config: VadConfig = VadConfig(), rate: int = 16000) -> None:
        if rate <= 0 or rate % (1000 // FRAME_MS):
            raise ValueError(f"rate must be a positive multiple of {1000 // FRAME_MS} Hz, got {rate}")
        self.config = config
        self.rate = rate
        self._frame_samples = rate * FRAME_MS // 1000
        self._frame_bytes = 2 * self._frame_samples
        self._start_db = config.start_threshold_db
        self._continue_db = config.continue_threshold_db
        # At least one frame each: a 0 ms setting still needs evidence.
        self._start_frames = max(1, _frames(config.prefix_padding_ms))
        self._end_frames = max(1, _frames(config.silence_duration_ms))
        self._onset_gap_frames = min(_frames(_ONSET_GAP_MS), self._end_frames)
        self._lead_frames = _frames(config.prefix_padding_ms + _LEAD_IN_MS)
        self._tail_frames = min(_frames(_TAIL_MS), self._end_frames)
        self._ring_frames = max(_frames(_IDLE_RING_MS), self._lead_frames + 1)
        self.reset()

    def reset(self) -> None:
        """Forget everything, as if freshly constructed."""
        self._pending = b""  # bytes short of a whole frame (including an odd byte)
        self._frame_index = 0  # frames analysed so far
        self._in_speech = False
        self._onset: int | None = None  # frame index of a start not yet committed
        self._voiced = 0  # frames at the continuation threshold since the onset
        self._quiet = 0  # consecutive frames below the continuation threshold
        self._voiced_until = 0  # frame index just after the last speech frame
        # Recent audio while not in speech, for the lead-in of the next utterance.
        self._ring: deque[bytes] = deque(maxlen=self._ring_frames)
        # Audio of the utterance being detected (pending or committed).
        self._speech: deque[bytes] = deque(maxlen=_frames(_MAX_UTTERANCE_MS))
        self._utterance = b""

    @property
    def in_speech(self) -> bool:
        """Whether a start has been committed and its end not yet."""
        return self._in_speech

    def feed(self, pcm: bytes) -> list[VadEvent]:
        """Analyse more audio; returns the events it completes, in order."""
        data = self._pending + bytes(pcm)
        usable = len(data) // self._frame_bytes * self._frame_bytes
        self._pending = data[usable:]
        events: list[VadEvent] = []
        levels = frame_levels_dbfs(data[:usable], self._frame_samples)
        for n, level in enumerate(levels):
            frame = data[n * self._frame_bytes : (n + 1) * self._frame_bytes]
            event = self._step(frame, float(level))
            if event is not None:
                events.append(event)
        return events

    def flush(self) -> list[VadEvent]:
        """The stream ended or paused: end speech now, if any."""
        if not self._in_speech:
            self._onset = None  # a start still inside its prefix padding is dropped
            return []
        return [self._end()]

    def take_utterance(self) -> bytes:
        """Audio of the last completed utterance (then forgotten), or b""."""
        utterance, self._utterance = self._utterance, b""
        return utterance

    def _step(self, frame: bytes, level: float) -> VadEvent | None:
        index = self._frame_index
        self._frame_index += 1
        if self._in_speech:
            return self._step_speech(frame, level, index)
        self._ring.append(frame)
        if self._onset is None:
            if level < self._start_db:
                return None
            self._onset = index
            self._voiced = self._quiet = 0
            self._speech.clear()
            self._speech.extend(list(self._ring)[-(self._lead_frames + 1) :])
        else:
            self._speech.append(frame)
        if level >= self._continue_db:
            self._voiced += 1
            self._quiet = 0
            self._voiced_until = index + 1
        else:
            self._quiet += 1
            if self._quiet > self._onset_gap_frames:
                self._onset = None  # a click or a breath, not speech
                return None
        if self._voiced < self._start_frames:
            return None
        onset, self._onset = self._onset, None
        self._in_speech = True
        self._ring.clear()
        return VadEvent("start", float(onset * FRAME_MS))

    def _step_speech(self, frame: bytes, level: float, index: int) -> VadEvent | None:
        self._speech.append(frame)
        if level >= self._continue_db:
            self._quiet = 0
            self._voiced_until = index + 1
            return None
        self._quiet += 1
        return self._end() if self._quiet >= self._end_frames else None

    def _end(self) -> VadEvent:
        frames = list(self._speech)
        # Keep a short tail of the trailing quiet, not the whole silence run.
        drop = max(0, self._quiet - self._tail_frames)
        self._utterance = b"".join(frames[: len(frames) - drop])
        # The quiet after the utterance is the lead-in of the next one.
        self._ring.clear()
        self._ring.extend(frames[-self._ring_frames :])
        self._speech.clear()
        self._in_speech = False
        self._quiet = 0
        return VadEvent("end", float(self._voiced_until * FRAME_MS))
