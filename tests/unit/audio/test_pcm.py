"""PCM16 helpers: resampling (one-shot and streaming), mixing, chunking, dBFS."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from livetui.core.audio.pcm import (
    SILENCE_DBFS,
    Resampler,
    chunk,
    dbfs,
    resample,
    to_mono,
)

from .signals import pcm16, peak_hz, samples, tone


@pytest.mark.parametrize(("src", "dst"), [(16000, 24000), (24000, 16000), (44100, 16000), (48000, 24000)])
def test_resampling_round_trip_keeps_frequency_length_and_level(src: int, dst: int) -> None:
    original = pcm16(tone(440, src, 1.0))
    there = resample(original, src, dst)
    assert abs(len(samples(there)) - dst) <= 2
    assert peak_hz(there, dst) == pytest.approx(440, abs=1.5)
    back = resample(there, dst, src)
    assert abs(len(samples(back)) - src) <= 4
    assert peak_hz(back, src) == pytest.approx(440, abs=1.5)
    assert dbfs(back) == pytest.approx(dbfs(original), abs=0.2)
    # Same waveform, not just the same pitch: compare away from the filter's edges.
    edge = src // 50
    diff = samples(back)[edge:-edge].astype(int) - samples(original)[edge : len(samples(back)) - edge]
    assert np.abs(diff).max() < 50  # of 16384


def test_resample_same_rate_and_empty_and_odd_input() -> None:
    data = pcm16(tone(440, 16000, 0.01))
    assert resample(data, 16000, 16000) == data
    assert resample(b"", 16000, 24000) == b""
    with pytest.raises(ValueError, match="3 bytes"):
        resample(b"abc", 16000, 24000)


def test_overshoot_is_clipped_not_wrapped() -> None:
    # A full-scale step rings above full scale; int16 wrap-around would turn
    # the overshoot into large negative samples.
    step = np.repeat(np.array([-32768, 32767] * 4, dtype="<i2"), 400).tobytes()
    for out in (resample(step, 16000, 24000), Resampler(16000, 24000).process(step, last=True)):
        x = samples(out).reshape(8, -1)  # 8 plateaus of 600 samples
        assert (x[1::2, 20:-20] > 30000).all()
        assert (x[0::2, 20:-20] < -30000).all()


def _stream(resampler: Resampler, pcm: bytes, sizes: list[int]) -> bytes:
    out, pos, i = [], 0, 0
    while pos < len(pcm):
        n = sizes[i % len(sizes)] * 2
        piece = pcm[pos : pos + n]
        pos += n
        i += 1
        out.append(resampler.process(piece, last=pos >= len(pcm)))
    return b"".join(out)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.integers(1, 900), min_size=1, max_size=20),
    st.sampled_from([(16000, 24000), (48000, 16000), (44100, 16000)]),
)
def test_streaming_equals_one_shot_without_clicks(sizes: list[int], rates: tuple[int, int]) -> None:
    src, dst = rates
    original = pcm16(tone(440, src, 0.3))
    streamed = samples(_stream(Resampler(src, dst), original, sizes)).astype(int)
    one_shot = samples(resample(original, src, dst)).astype(int)
    assert len(streamed) == len(one_shot)
    assert np.abs(streamed - one_shot).max() <= 1
    # A click at a chunk boundary is a step larger than the sine's steepest slope
    # (the tone's abrupt start and end ring, so leave 10 ms at each edge out).
    steepest = 0.5 * 32767 * 2 * math.pi * 440 / dst
    edge = dst // 100
    assert np.abs(np.diff(streamed[edge:-edge])).max() <= steepest * 1.02 + 4


def test_resampler_starts_afresh_after_last_and_passes_same_rate_through() -> None:
    original = pcm16(tone(440, 16000, 0.1))
    resampler = Resampler(16000, 24000)
    first = _stream(resampler, original, [320])
    assert _stream(resampler, original, [320]) == first
    assert Resampler(16000, 16000).process(original) == original


def test_to_mono_averages_channels() -> None:
    stereo = np.array([[1000, -1000], [300, 301], [-32768, -32768], [32767, 32767]], dtype="<i2")
    assert samples(to_mono(stereo.tobytes(), 2)).tolist() == [0, 300, -32768, 32767]
    three = np.array([[3, 6, 9], [-30, 0, 0]], dtype="<i2")
    assert samples(to_mono(three.tobytes(), 3)).tolist() == [6, -10]
    mono = pcm16(tone(440, 16000, 0.01))
    assert to_mono(mono, 1) == mono
    with pytest.raises(ValueError):
        to_mono(b"\x00" * 6, 2)  # one and a half stereo frames
    with pytest.raises(ValueError):
        to_mono(b"", 0)


def test_chunk_splits_by_duration_and_loses_nothing() -> None:
    data = pcm16(tone(440, 16000, 0.05))  # 800 samples = 2.5 chunks of 20 ms
    pieces = list(chunk(data, 16000, 20))
    assert [len(p) for p in pieces] == [640, 640, 320]
    assert b"".join(pieces) == data
    assert list(chunk(b"", 16000, 20)) == []
    with pytest.raises(ValueError):
        list(chunk(data, 16000, 0))


def test_dbfs_of_known_signals() -> None:
    assert dbfs(pcm16(tone(1000, 16000, 0.1, amplitude=1.0))) == pytest.approx(-3.01, abs=0.02)
    assert dbfs(pcm16(tone(1000, 16000, 0.1, amplitude=0.5))) == pytest.approx(-9.03, abs=0.02)
    square = np.tile(np.array([32767, -32767], dtype="<i2"), 100).tobytes()
    assert dbfs(square) == pytest.approx(0.0, abs=0.01)
    assert dbfs(np.ones(100, dtype="<i2").tobytes()) == pytest.approx(-90.31, abs=0.01)
    assert dbfs(bytes(320)) == SILENCE_DBFS
    assert dbfs(b"") == SILENCE_DBFS
