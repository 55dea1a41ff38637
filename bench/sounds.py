"""What the benchmarks play into the virtual mic: a room's hiss; a murmur that moves the
mic meter without being speech; and talking that the service's voice activity
detection, set to low sensitivity, does not take for a turn."""

from __future__ import annotations

import wave
from pathlib import Path
from typing import Any

import numpy as np

RATE = 16_000
HISS_DBFS = -52.0  # below the simulator's speech threshold (-45 dBFS at high sensitivity)
# Talking over an answer without cutting it: each 20 ms of it at most this loud, under the
# simulator's start threshold at low sensitivity (-30 dBFS) and its keep-going one (-34),
# and far above any hiss, so a client's silence gate sees speech.
TALK_PEAK_DBFS = -37.0
TALK = ("The quick brown fox jumps over the lazy dog while the radio plays in the kitchen. "
        "I was saying that the meeting moved to Thursday, so we have a little more time. "
        "Could you check the numbers again before we send them to everyone on the list?")


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.clip(-32768, 32767).astype("<i2").tobytes())
    return path


def hiss_wav(path: Path, seconds: float = 600.0, dbfs: float = HISS_DBFS) -> Path:
    """A room's hiss: the mic meter moves as it would with a real microphone, and no turn starts."""
    rng = np.random.default_rng(0)
    return write_wav(path, rng.normal(0.0, 32768 * 10 ** (dbfs / 20), int(seconds * RATE)))


def murmur_wav(path: Path, seconds: float = 600.0, low_dbfs: float = -62.0, high_dbfs: float = -48.0, hz: float = 1.3) -> Path:
    """Noise whose level swings between `low_dbfs` and `high_dbfs` (RMS) `hz` times a second:
    the mic meter moves all the time (a steady hiss holds it still), and no 20 ms of it
    reaches the simulator's speech threshold (-45 dBFS), so no turn starts and no answer is cut."""
    rng = np.random.default_rng(2)
    t = np.arange(int(seconds * RATE)) / RATE
    level_db = low_dbfs + (high_dbfs - low_dbfs) * (0.5 + 0.5 * np.sin(2 * np.pi * hz * t))
    return write_wav(path, rng.normal(0.0, 1.0, len(t)) * 32768 * 10 ** (level_db / 20))


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as w:
        return np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float64), w.getframerate()


def talk_wav(pulse: Any, path: Path, seconds: float = 120.0, peak_dbfs: float = TALK_PEAK_DBFS) -> Path:
    """espeak-ng speech, resampled to 16 kHz, scaled so that its loudest 20 ms is at
    `peak_dbfs` (RMS), over a room's hiss, repeated for `seconds`."""
    speech, rate = read_wav(pulse.say(TALK))
    speech = np.interp(np.arange(0, len(speech) * RATE / rate) * rate / RATE, np.arange(len(speech)), speech)
    frame = RATE // 50
    frames = speech[: len(speech) // frame * frame].reshape(-1, frame)
    loudest = float(np.sqrt(np.mean(frames**2, axis=1)).max())
    speech *= 32768 * 10 ** (peak_dbfs / 20) / loudest
    pause = np.zeros(int(0.3 * RATE))  # between sentences, shorter than a second: still talking
    one = np.concatenate([speech, pause])
    talk = np.tile(one, int(seconds * RATE / len(one)) + 1)[: int(seconds * RATE)]
    rng = np.random.default_rng(1)
    return write_wav(path, talk + rng.normal(0.0, 32768 * 10 ** (HISS_DBFS / 20), len(talk)))
