"""PCM16 little-endian mono helpers: resampling, channel mixing, chunking, level.

The Live API takes 16 kHz and returns 24 kHz audio; devices run at whatever rate
they like, so every rate change goes through soxr here.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import soxr

SAMPLE_WIDTH = 2  # bytes per PCM16 sample
SILENCE_DBFS = -100.0  # what dbfs() says for digital silence, instead of -inf
_FULL_SCALE = 32768.0


def _samples(pcm: bytes, frame_bytes: int = SAMPLE_WIDTH) -> np.ndarray:
    if len(pcm) % frame_bytes:
        raise ValueError(f"PCM16 data of {len(pcm)} bytes is not a whole number of {frame_bytes}-byte frames")
    return np.frombuffer(pcm, dtype="<i2")


def resample(pcm: bytes, src_rate: int, dst_rate: int) -> bytes:
    """The whole of `pcm` at another rate (one-shot; for a stream use Resampler)."""
    x = _samples(pcm)
    if src_rate == dst_rate or not len(x):
        return bytes(pcm)
    return _to_pcm16(soxr.resample(x.astype(np.float32), src_rate, dst_rate))


def _to_pcm16(x: np.ndarray) -> bytes:
    """Float samples on the int16 scale, rounded and clipped (the filter can
    overshoot full scale a little)."""
    return np.clip(np.rint(x), -32768, 32767).astype("<i2").tobytes()


class Resampler:
    """Chunk-by-chunk resampling that keeps the filter's state between chunks,
    so chunk boundaries make no clicks (one-shot resampling of each chunk would).

    Not thread-safe: one producer (say, the capture callback) owns it.
    """

    def __init__(self, src_rate: int, dst_rate: int, quality: str = "HQ") -> None:
        self.src_rate = src_rate
        self.dst_rate = dst_rate
        # float32 inside, like resample(): soxr's int16 output is dithered with
        # a random state, so the same input would not give the same samples.
        self._stream = None
        if src_rate != dst_rate:
            self._stream = soxr.ResampleStream(src_rate, dst_rate, 1, dtype="float32", quality=quality)

    def process(self, pcm: bytes, last: bool = False) -> bytes:
        """Resample the next chunk. `last=True` flushes the filter's tail; after it
        the resampler starts afresh, ready for the next signal."""
        x = _samples(pcm)
        if self._stream is None:
            return bytes(pcm)
        out = self._stream.resample_chunk(x.astype(np.float32), last=last)
        if last:
            self._stream.clear()
        return _to_pcm16(out)


def to_mono(pcm: bytes, channels: int) -> bytes:
    """Interleaved PCM16 with `channels` channels, averaged down to one."""
    if channels < 1:
        raise ValueError(f"channels must be at least 1, not {channels}")
    x = _samples(pcm, SAMPLE_WIDTH * channels)
    if channels == 1:
        return bytes(pcm)
    # The mean of int16 values always fits in int16; round rather than truncate
    # so mixing identical channels gives back the same samples.
    mono = np.rint(x.reshape(-1, channels).mean(axis=1, dtype=np.float64))
    return mono.astype("<i2").tobytes()


def chunk(pcm: bytes, rate: int, ms: int) -> Iterator[bytes]:
    """`pcm` in pieces of `ms` milliseconds; the last piece may be shorter."""
    size = rate * ms // 1000 * SAMPLE_WIDTH
    if size <= 0:
        raise ValueError(f"{ms} ms at {rate} Hz is less than one sample")
    for start in range(0, len(pcm), size):
        yield pcm[start : start + size]


def dbfs(pcm: bytes) -> float:
    """RMS level in dB relative to full scale (a full-scale sine is about -3 dBFS);
    SILENCE_DBFS for silence or no data."""
    x = _samples(pcm).astype(np.float64)
    if not len(x):
        return SILENCE_DBFS
    rms = math.sqrt(float(np.dot(x, x)) / len(x))
    if rms == 0.0:
        return SILENCE_DBFS
    return max(20.0 * math.log10(rms / _FULL_SCALE), SILENCE_DBFS)
