"""Test signals shared by the audio tests."""

from __future__ import annotations

import numpy as np


def tone(freq: float, rate: int, seconds: float, amplitude: float = 0.5) -> np.ndarray:
    """A sine as float64 in [-1, 1]."""
    t = np.arange(int(rate * seconds)) / rate
    return amplitude * np.sin(2 * np.pi * freq * t)


def pcm16(x: np.ndarray) -> bytes:
    return np.clip(np.rint(x * 32767), -32768, 32767).astype("<i2").tobytes()


def samples(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2")


def peak_hz(pcm: bytes, rate: int) -> float:
    """The frequency of the strongest FFT bin."""
    x = samples(pcm).astype(np.float64)
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.fft.rfftfreq(len(x), 1 / rate)[np.argmax(spectrum)])


def sequence(n: int, start: int = 0) -> bytes:
    """n PCM16 samples counting up from start+1 and never 0, so silence padding
    (zero samples) is told apart from data and order can be checked."""
    values = (np.arange(start, start + n) % 65535) + 1
    return values.astype("<u2").tobytes()
