"""The silence gate in the Voice: what the mic callback queues for the pump, with the
gate on or off, under automatic VAD or push-to-talk, and across a mute."""

from __future__ import annotations

import numpy as np
import pytest

from livetui.core.settings import AudioSettings
from livetui.core.voice import Control, MicItem, Voice

N = 320  # samples in a 20 ms chunk at 16 kHz


def chunks(count: int, dbfs: float, seed: int = 0) -> list[bytes]:
    x = np.random.default_rng(seed).standard_normal(count * N) * 32768 * 10 ** (dbfs / 20)
    pcm = np.clip(np.rint(x), -32768, 32767).astype("<i2")
    return [pcm[i * N : (i + 1) * N].tobytes() for i in range(count)]


def hear(voice: Voice, pcm: list[bytes]) -> list[MicItem]:
    """Feed the mic callback, then take everything it queued (as the pump would)."""
    for c in pcm:
        voice._on_mic(c)
    items = []
    while not voice.mic_queue.empty():
        items.append(voice.mic_queue.get_nowait())
    return items


def live(audio: AudioSettings | None = None, *, automatic_vad: bool = True, silence_ms: int | None = None) -> Voice:
    voice = Voice(audio or AudioSettings(), automatic_vad=automatic_vad, silence_ms=silence_ms)
    voice.muted = False
    return voice


END = Control("stream_end")


async def test_speech_opens_it_with_the_preroll_and_a_second_of_silence_ends_the_stream() -> None:
    voice = live()
    quiet, loud, after = chunks(30, -80.0), chunks(5, -20.0, seed=1), chunks(80, -80.0, seed=2)
    assert hear(voice, quiet) == []
    assert hear(voice, loud) == [*quiet[-15:], *loud]  # 300 ms before the first voiced chunk
    assert hear(voice, after[:49]) == after[:49]
    assert hear(voice, after[49:50]) == [after[49], END]  # a second after the last voiced chunk
    assert hear(voice, after[50:]) == []
    assert list(voice.unanswered) == []  # the pump's business, untouched by the mic callback


async def test_what_the_muted_mic_hears_is_never_sent_and_unmuting_starts_afresh() -> None:
    voice = live()
    hear(voice, chunks(30, -80.0))
    assert hear(voice, chunks(1, -20.0, seed=1))[-1:] != []
    assert voice.gate is not None and voice.gate.open
    voice.set_muted(True)
    assert hear(voice, chunks(20, -20.0, seed=2)) == [END]  # the mute's own stream end, and nothing heard
    assert not voice.gate.open
    voice.set_muted(False)
    quiet, loud = chunks(3, -80.0, seed=3), chunks(1, -20.0, seed=4)
    assert hear(voice, quiet) == []
    assert hear(voice, loud) == [*quiet, *loud]  # the pre-roll holds nothing from before the mute


async def test_push_to_talk_sends_everything_between_its_markers() -> None:
    voice = live(automatic_vad=False)
    silence = chunks(10, -80.0)
    assert hear(voice, silence) == []  # not talking: the mic is closed
    voice.toggle_talk()
    assert hear(voice, silence) == [Control("activity_start"), *silence]  # no gate: the markers rule


@pytest.mark.parametrize("automatic_vad", [True, False])
async def test_without_the_gate_every_chunk_is_sent(automatic_vad: bool) -> None:
    voice = live(AudioSettings(silence_gate=False), automatic_vad=automatic_vad)
    assert voice.gate is None
    if not automatic_vad:
        voice.toggle_talk()
    silence = chunks(10, -80.0)
    assert [i for i in hear(voice, silence) if isinstance(i, bytes)] == silence


async def test_the_hang_outlasts_the_services_end_of_speech_silence() -> None:
    assert live(silence_ms=2000).gate.hang_chunks == 2500 // 20  # type: ignore[union-attr]
    assert live(AudioSettings(chunk_ms=40), silence_ms=2000).gate.hang_chunks == 63  # type: ignore[union-attr]  # 62.5, rounded up
    assert live().gate.hang_chunks == 1000 // 20  # type: ignore[union-attr]
