"""A WAV file sent as the user's turn (Voice.send_file): the turn always closes, a stop
from another thread ends it at the next chunk, a new file replaces the one being sent."""

from __future__ import annotations

import asyncio
import threading
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from livetui.core.audio.wavread import WavError, read_wav_16k_mono
from livetui.core.filesend import FileSent, clock
from livetui.core.settings import AudioSettings
from livetui.core.voice import Control, Voice

CHUNK = 640  # 20 ms at 16 kHz, PCM16


def tone_wav(path: Path, seconds: float, rate: int = 16000) -> Path:
    x = np.sin(np.arange(int(rate * seconds)) * 2 * np.pi * 440 / rate) * 8000
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(x.astype("<i2").tobytes())
    return path


async def taken(voice: Voice, items: list[bytes | Control], until: Callable[[list[bytes | Control]], bool]) -> None:
    """Take what the voice queues (as the pump would) until `until(items)` holds."""
    while not until(items):
        items.append(await asyncio.wait_for(voice.mic_queue.get(), timeout=10))


def kinds(items: list[bytes | Control]) -> list[str]:
    return [item.kind if isinstance(item, Control) else "audio" for item in items]


@pytest.mark.parametrize("automatic_vad", [True, False])
async def test_the_whole_file_then_the_end_of_the_turn(tmp_path: Path, automatic_vad: bool) -> None:
    path = tone_wav(tmp_path / "a.wav", 0.3, rate=22050)
    voice = Voice(AudioSettings(), automatic_vad=automatic_vad)
    items: list[bytes | Control] = []
    pump = asyncio.create_task(taken(voice, items, lambda got: any(isinstance(i, Control) and i.kind.endswith("end") for i in got)))
    sent = await voice.send_file(path)
    await pump
    assert sent == FileSent("a.wav", 0.3, pytest.approx(0.3), stopped=False)
    assert sent.summary() == "sent a.wav (0.3 s of audio)"
    audio = [i for i in items if isinstance(i, bytes)]
    assert b"".join(audio) == read_wav_16k_mono(path)  # every sample, in order
    assert {len(a) for a in audio[:-1]} == {CHUNK}
    start = ["activity_start"] if not automatic_vad else []
    assert kinds(items) == [*start, *["audio"] * len(audio), "stream_end" if automatic_vad else "activity_end"]
    assert voice.file is None and not voice.streaming_file


async def test_a_stop_from_another_thread_ends_the_turn_where_it_is(tmp_path: Path) -> None:
    path = tone_wav(tmp_path / "long.wav", 60)
    voice = Voice(AudioSettings(), automatic_vad=False)
    items: list[bytes | Control] = []
    sending = asyncio.create_task(voice.send_file(path))
    await taken(voice, items, lambda got: len(got) >= 6)  # the start and 5 chunks: 0.1 s in
    assert voice.file is not None and voice.file.progress().startswith("sending long.wav 0:00 / 1:00")
    threading.Thread(target=voice.file.stop).start()  # as the UI does, from its own thread
    sent = await asyncio.wait_for(sending, timeout=10)
    await taken(voice, items, lambda got: kinds(got)[-1] == "activity_end")
    assert sent.stopped and 0.1 <= sent.seconds < 1
    assert sent.summary() == "stopped sending long.wav at 0:00"
    assert kinds(items) == ["activity_start", *["audio"] * round(sent.seconds / 0.02), "activity_end"]
    assert voice.file is None


async def test_a_new_file_replaces_the_one_being_sent(tmp_path: Path) -> None:
    long, short = tone_wav(tmp_path / "long.wav", 60), tone_wav(tmp_path / "short.wav", 0.1)
    voice = Voice(AudioSettings(), automatic_vad=True)
    items: list[bytes | Control] = []
    first = asyncio.create_task(voice.send_file(long))
    await taken(voice, items, lambda got: len(got) >= 3)
    second = await asyncio.wait_for(voice.send_file(short), timeout=10)
    stopped = await first
    await taken(voice, items, lambda got: kinds(got).count("stream_end") == 2)
    assert stopped.stopped and not second.stopped and second.seconds == 0.1
    n = round(stopped.seconds / 0.02)
    assert kinds(items) == [*["audio"] * n, "stream_end", *["audio"] * 5, "stream_end"]


async def test_a_bad_new_file_leaves_the_one_being_sent_alone(tmp_path: Path) -> None:
    long, bad = tone_wav(tmp_path / "long.wav", 60), tmp_path / "bad.wav"
    bad.write_text("not audio")
    voice = Voice(AudioSettings(), automatic_vad=True)
    items: list[bytes | Control] = []
    first = asyncio.create_task(voice.send_file(long))
    await taken(voice, items, lambda got: len(got) >= 2)
    with pytest.raises(WavError, match="not a WAV file"):
        await voice.send_file(bad)
    await taken(voice, items, lambda got: len(got) >= 6)  # still sending
    assert set(kinds(items)) == {"audio"} and voice.file is not None and voice.file.name == "long.wav"
    first.cancel()  # cancelled (the app quitting): the turn still closes
    with pytest.raises(asyncio.CancelledError):
        await first
    await taken(voice, items, lambda got: kinds(got)[-1] == "stream_end")
    assert voice.file is None


def test_clock() -> None:
    assert [clock(s) for s in (0, 7.9, 60, 754, 6303)] == ["0:00", "0:07", "1:00", "12:34", "1:45:03"]
