"""The playback buffer between the receive loop and the output callback."""

from __future__ import annotations

import random
import threading
import time

import numpy as np
import pytest

from livetui.core.audio.jitter import PlaybackBuffer

from .signals import samples, sequence

MS = 48  # bytes per millisecond at 24 kHz PCM16
BLOCK = 10 * MS  # one 10 ms device block


def test_reads_are_always_exactly_the_size_asked() -> None:
    buf = PlaybackBuffer()
    assert buf.read(BLOCK) == bytes(BLOCK)  # empty
    buf.write(sequence(100))
    for n in (2, 480, 1000, 0):
        assert len(buf.read(n)) == n


def test_audio_comes_out_in_order_then_silence() -> None:
    buf = PlaybackBuffer()
    a, b = sequence(300), sequence(500, start=300)
    buf.write(a)
    buf.write(bytearray(b))
    out = b"".join(buf.read(BLOCK) for _ in range(4))
    assert out == a + b + bytes(4 * BLOCK - len(a) - len(b))


def test_underruns_count_once_per_gap_mid_turn_and_never_while_idle() -> None:
    buf = PlaybackBuffer()
    for _ in range(5):
        buf.read(BLOCK)
    assert buf.underruns == 0  # idle: nothing was ever written
    buf.new_turn()
    buf.write(sequence(3 * BLOCK // 2))  # 30 ms
    assert [buf.read(BLOCK) != bytes(BLOCK) for _ in range(3)] == [True] * 3
    assert buf.underruns == 0  # exactly drained, no gap yet
    assert buf.read(BLOCK) == bytes(BLOCK)
    assert buf.underruns == 1
    buf.read(BLOCK)
    buf.read(BLOCK)
    assert buf.underruns == 1  # still the same gap
    buf.write(sequence(BLOCK // 4))  # 5 ms arrives late: plays, then a second gap
    assert buf.read(BLOCK)[: BLOCK // 2] == sequence(BLOCK // 4)
    assert buf.underruns == 2
    buf.write(sequence(BLOCK // 4))
    buf.end_of_turn()
    for _ in range(5):
        buf.read(BLOCK)
    assert buf.underruns == 2  # the turn's end is not a gap


def test_prebuffer_waits_for_enough_audio_or_the_end_of_turn() -> None:
    buf = PlaybackBuffer(prebuffer_ms=100)
    buf.write(sequence(50 * MS // 2))
    assert buf.read(BLOCK) == bytes(BLOCK)
    assert buf.depth_ms == pytest.approx(50)  # nothing taken while prebuffering
    assert buf.underruns == 0
    buf.write(sequence(50 * MS // 2, start=50 * MS // 2))
    assert buf.read(BLOCK) == sequence(BLOCK // 2)
    # After running dry mid-turn, it waits for the prebuffer again.
    while buf.depth_ms:
        buf.read(BLOCK)
    buf.read(BLOCK)
    assert buf.underruns == 1
    buf.write(sequence(20 * MS // 2))
    assert buf.read(BLOCK) == bytes(BLOCK)
    # A short last chunk plays once the turn is over.
    buf.end_of_turn()
    assert buf.read(BLOCK) == sequence(BLOCK // 2)


def test_clear_silences_the_very_next_read_and_reports_what_it_dropped() -> None:
    buf = PlaybackBuffer()
    buf.new_turn()
    buf.write(sequence(24000))  # 1 s
    assert buf.read(BLOCK) != bytes(BLOCK)
    assert buf.playing
    assert buf.clear() == 48000 - BLOCK
    assert buf.depth_ms == 0
    assert not buf.playing
    assert buf.read(BLOCK) == bytes(BLOCK)
    assert buf.underruns == 0  # an interruption is not an underrun
    assert buf.heard_fraction() == pytest.approx(BLOCK / 48000)
    assert buf.clear() == 0


def test_heard_fraction_counts_only_this_turn() -> None:
    buf = PlaybackBuffer()
    assert buf.heard_fraction() == 0.0
    buf.new_turn()
    buf.write(sequence(2 * BLOCK))  # 40 ms of the first turn
    buf.read(BLOCK)
    assert (buf.written_bytes, buf.played_bytes) == (4 * BLOCK, BLOCK)
    assert buf.heard_fraction() == pytest.approx(0.25)
    buf.new_turn()  # 30 ms of the first turn still queued
    assert (buf.written_bytes, buf.played_bytes, buf.heard_fraction()) == (0, 0, 0.0)
    buf.write(sequence(2 * BLOCK))
    buf.read(2 * BLOCK)  # the old turn's rest
    assert buf.played_bytes == 0
    buf.read(2 * BLOCK)  # 10 ms old, 10 ms new
    assert buf.played_bytes == BLOCK
    assert buf.heard_fraction() == pytest.approx(0.25)
    buf.read(10 * BLOCK)
    assert buf.heard_fraction() == 1.0


def test_bounded_drops_oldest_and_counts() -> None:
    buf = PlaybackBuffer(max_ms=100)
    data = sequence(250 * MS // 2)
    for i in range(0, len(data), BLOCK):
        buf.write(data[i : i + BLOCK])
        assert buf.depth_ms <= 100
    assert buf.depth_ms == pytest.approx(100)
    assert buf.overflow_bytes == 150 * MS
    assert buf.read(100 * MS) == data[-100 * MS :]
    buf.write(sequence(1000 * MS // 2))  # one write bigger than the whole buffer
    assert buf.depth_ms == pytest.approx(100)
    assert buf.read(100 * MS) == sequence(1000 * MS // 2)[-100 * MS :]


def test_playing_covers_queued_audio_and_the_block_being_played() -> None:
    buf = PlaybackBuffer()
    assert not buf.playing
    buf.write(sequence(BLOCK // 2))
    assert buf.playing
    buf.read(BLOCK)
    assert buf.playing and buf.depth_ms == 0  # the device still has it
    buf.read(BLOCK)
    assert not buf.playing


def test_rejects_half_samples() -> None:
    with pytest.raises(ValueError):
        PlaybackBuffer().write(b"\x01\x02\x03")


@pytest.mark.parametrize("prebuffer_ms", [0, 40])
def test_concurrent_writer_and_reader_never_lose_or_repeat_audio(prebuffer_ms: int) -> None:
    buf = PlaybackBuffer(prebuffer_ms=prebuffer_ms)
    rng = random.Random(prebuffer_ms)
    total = 24000 * 5  # 5 s of samples
    sizes = [rng.randrange(1, 2000) for _ in range(total)]
    reads = [2 * rng.randrange(1, 600) for _ in range(1000)]
    buf.new_turn()

    def writer() -> None:
        pos = i = 0
        while pos < total:
            n = min(sizes[i], total - pos)
            buf.write(sequence(n, start=pos))
            pos += n
            i += 1
        buf.end_of_turn()

    thread = threading.Thread(target=writer)
    thread.start()
    got: list[np.ndarray] = []
    received = 0
    deadline = time.monotonic() + 20
    i = 0
    while received < total and time.monotonic() < deadline:
        n = reads[i % len(reads)]
        i += 1
        block = buf.read(n)
        assert len(block) == n
        x = samples(block)
        data = x[x != 0]  # data never holds a zero sample; padding is all zeros...
        assert not x[len(data) :].any()  # ...and only ever comes after the data
        got.append(data)
        received += len(data)
    thread.join()
    assert received == total, "timed out"
    assert np.array_equal(np.concatenate(got), samples(sequence(total)))
    assert buf.played_bytes == buf.written_bytes == 2 * total
