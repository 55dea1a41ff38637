"""When an answer's first sample is heard: the consumer stamps the marked byte as it
hands it to the device, plus the device's delay (core/audio/ring.py, jitter.py).
Assertions are on order, never on how fast: the stamp lies between the moments
around the read, shifted by the delay given."""

from __future__ import annotations

import os
import time

import pytest

from livetui.core.audio.engineclient import RingPlayback
from livetui.core.audio.jitter import PlaybackBuffer
from livetui.core.audio.rates import OUTPUT_RATE
from livetui.core.audio.ring import HEADER, SharedAudio, shared_file

SECOND = OUTPUT_RATE * 2  # bytes of one second


def ring_playback() -> tuple[RingPlayback, SharedAudio]:
    fd = shared_file(HEADER + SECOND)
    try:
        shared = SharedAudio(fd, SECOND)
    finally:
        os.close(fd)
    return RingPlayback(shared), shared


def buffers():
    playback, shared = ring_playback()
    yield "ring", playback, shared.read
    buffer = PlaybackBuffer()
    yield "thread", buffer, buffer.read


@pytest.mark.parametrize("name", ["ring", "thread"])
def test_the_first_sample_of_an_answer_is_stamped_when_handed_over_plus_the_delay(name: str) -> None:
    playback, read = {n: (p, r) for n, p, r in buffers()}[name]
    playback.new_turn()
    playback.write(b"\1\0" * 240)
    assert playback.heard_at() is None  # written is not heard
    before = time.monotonic()
    read(100 * 2, 0.05)
    after = time.monotonic()
    at = playback.heard_at()
    assert at is not None and before + 0.05 <= at <= after + 0.05
    read(100 * 2, 0.05)
    assert playback.heard_at() == at  # only the first hand-over counts


@pytest.mark.parametrize("name", ["ring", "thread"])
def test_a_mark_inside_a_block_counts_its_place_in_it(name: str) -> None:
    playback, read = {n: (p, r) for n, p, r in buffers()}[name]
    playback.new_turn()
    playback.write(bytes(2400))  # 50 ms of the answer
    playback.mark()  # the model speaks again after a tool result
    playback.write(b"\1\0" * 2400)
    before = time.monotonic()
    read(4800 * 2, 0.0)  # one read holds both: the mark is 50 ms into it
    at = playback.heard_at()
    assert at is not None and at >= before + 0.05


@pytest.mark.parametrize("name", ["ring", "thread"])
def test_audio_dropped_before_it_played_is_never_heard(name: str) -> None:
    playback, read = {n: (p, r) for n, p, r in buffers()}[name]
    playback.new_turn()
    playback.write(b"\1\0" * 240)
    playback.clear()  # barge-in before the device took any
    read(240 * 2, 0.0)
    assert playback.heard_at() is None


def test_a_stamp_of_the_previous_answer_is_not_taken_for_the_next() -> None:
    playback, shared = ring_playback()
    playback.new_turn()
    playback.write(b"\1\0" * 240)
    shared.read(240 * 2)
    assert playback.heard_at() is not None
    playback.end_of_turn()
    playback.new_turn()  # the next answer: its first sample is not played yet
    assert playback.heard_at() is None
    playback.write(b"\1\0" * 240)
    shared.read(240 * 2)
    assert playback.heard_at() is not None
