"""The shared playback ring and its PlaybackBuffer face (core/audio/ring.py,
core/audio/engineclient.py), in one process: both ends over one mapping."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from livetui.core.audio.engineclient import RingPlayback
from livetui.core.audio.ring import HEADER, SharedAudio, shared_file


def make(capacity: int) -> SharedAudio:
    fd = shared_file(HEADER + capacity)
    try:
        return SharedAudio(fd, capacity)
    finally:
        os.close(fd)  # the mapping keeps it


ops = st.lists(
    st.one_of(
        st.tuples(st.just("write"), st.integers(1, 40)),
        st.tuples(st.just("read"), st.integers(1, 40)),
        st.tuples(st.just("skip"), st.just(0)),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(ops)
def test_what_is_read_is_what_was_written_in_order_padded_with_silence(steps: list[tuple[str, int]]) -> None:
    """Against a plain byte string as the model: wrap-around, a full ring (the newest
    is refused, counted), a skip (everything queued goes). Skipped audio keeps its
    room until the engine's next read: the engine may be reading it that moment."""
    ring = make(64)
    model = bytearray()
    counter = 0
    held = 0  # bytes skipped that the engine has not read past yet
    for op, n in steps:
        if op == "write":
            data = bytes((counter + i) % 251 + 1 for i in range(2 * n))  # never 0, so silence shows
            counter += 2 * n
            refused = ring.write(data)
            kept = 2 * n - refused
            assert kept == min(2 * n, 64 - held - len(model))
            model += data[:kept]
        elif op == "read":
            out = ring.read(2 * n)
            held = 0
            want = bytes(model[: 2 * n]).ljust(2 * n, b"\0")
            del model[: 2 * n]
            assert out == want
        else:
            ring.skip_all()
            held += len(model)
            model.clear()
        assert ring.queued() == len(model)
        assert ring.has_audio() == (len(model) > 0) or op == "read"


def test_turn_accounting_and_underruns() -> None:
    ring = make(4800)
    buffer = RingPlayback(ring)
    buffer.new_turn()
    assert buffer.heard_fraction() == 0.0 and not buffer.playing
    buffer.write(bytes(range(1, 201)) * 2)  # 400 bytes
    assert buffer.playing and buffer.depth_ms == pytest.approx(400 / 48)
    ring.read(100)
    assert buffer.heard_fraction() == pytest.approx(0.25)
    ring.read(400)  # ran dry in the middle of the answer: one underrun, however long it lasts
    ring.read(100)
    ring.read(100)
    assert buffer.underruns == 1 and buffer.heard_fraction() == 1.0
    assert not buffer.playing  # the last block held no audio
    buffer.write(bytes(100))
    buffer.end_of_turn()
    ring.read(200)  # the end of the answer running out is no underrun
    ring.read(200)
    assert buffer.underruns == 1


def test_a_new_turn_does_not_count_what_is_still_queued_from_the_last() -> None:
    ring = make(4800)
    buffer = RingPlayback(ring)
    buffer.new_turn()
    buffer.write(b"\1" * 300)
    ring.read(100)
    buffer.new_turn()  # 200 bytes of the old answer still queued
    buffer.write(b"\2" * 100)
    assert buffer.written_bytes == 100
    ring.read(200)
    assert buffer.heard_fraction() == 0.0
    ring.read(50)
    assert buffer.heard_fraction() == pytest.approx(0.5)


def test_clear_silences_at_once_and_says_what_it_dropped() -> None:
    ring = make(4800)
    buffer = RingPlayback(ring)
    buffer.new_turn()
    buffer.write(b"\1" * 1000)
    ring.read(100)
    assert buffer.clear() == 900
    assert not buffer.playing and buffer.depth_ms == 0
    assert ring.read(100) == bytes(100)


def test_odd_bytes_are_refused() -> None:
    buffer = RingPlayback(make(64))
    with pytest.raises(ValueError, match="whole number of samples"):
        buffer.write(b"\1\2\3")


def test_stutters_are_told_once_and_say_which_side_made_them() -> None:
    import asyncio

    from livetui.core.audio.ring import UNDERRUNS, XRUNS
    from livetui.core.settings import AudioSettings
    from livetui.core.voice import Voice

    voice = Voice(AudioSettings(), automatic_vad=True, loop=asyncio.new_event_loop())
    ints = voice.engine._shared.ints  # type: ignore[attr-defined]
    assert voice.playback_glitches() is None
    ints[UNDERRUNS] += 2
    ints[XRUNS] += 1
    said = voice.playback_glitches()
    assert said is not None and "ran out 2×" in said and "ran dry 1×" in said
    assert voice.playback_glitches() is None  # told once
