"""Offline recognition with pocketsphinx, on espeak-ng speech."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from livetui.sim import recognize

from ...protocol.helpers import speech_pcm
from livetui.sim.recognize import transcribe



def espeak_16k(tmp: Path, text: str) -> bytes:
    # With a little silence before it, as a microphone would hear it: recognition
    # of synthetic speech is fragile, and this is the shape every other test uses.
    return speech_pcm(text, lead_ms=200, tail_ms=200)


@pytest.fixture(scope="module")
def weather(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return espeak_16k(tmp_path_factory.mktemp("asr"), "what is the weather")


@pytest.fixture(scope="module")
def weather_text(weather: bytes) -> str:
    return transcribe(weather)


@pytest.fixture(scope="module")
def hello(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    # Short, so that the tests that only need *some* speech stay fast.
    return espeak_16k(tmp_path_factory.mktemp("asr"), "hello world")


@pytest.fixture(scope="module")
def hello_text(hello: bytes) -> str:
    return transcribe(hello)


def test_words_that_survive_are_recognised(weather_text: str) -> None:
    # pocketsphinx hears espeak-ng's "what is the weather" intact (longer
    # sentences lose words: "...like today" comes out as "...like to").
    words = weather_text.split()
    assert {"what", "weather"} <= set(words)
    assert weather_text == weather_text.lower().strip()


@pytest.mark.parametrize(
    "pcm",
    [
        b"",
        b"\x00",  # half a sample
        bytes(32000),  # a second of digital silence (pocketsphinx alone hears "i'm")
        (np.random.default_rng(0).standard_normal(32000) * 32768e-3).astype("<i2").tobytes(),  # -60 dBFS noise
    ],
    ids=["empty", "odd-byte", "silence", "noise"],
)
def test_silence_is_empty(pcm: bytes) -> None:
    assert transcribe(pcm) == ""


def test_decoder_is_reused(hello: bytes, hello_text: str) -> None:
    assert hello_text  # some words: synthetic "hello world" is heard differently by context
    decoder = recognize._decoder
    assert decoder is not None  # created by the first call
    # Same words again from the same decoder; a stray trailing byte is ignored.
    assert transcribe(hello + b"\x01") == hello_text
    assert recognize._decoder is decoder


def test_concurrent_calls_take_turns(hello: bytes, hello_text: str) -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(transcribe, [hello, hello]))
    assert results == [hello_text, hello_text]


def test_pocketsphinx_prints_nothing() -> None:
    # In a fresh process, so that loading the model is covered too. A single
    # loud 20 ms frame makes pocketsphinx complain ("ERROR: ngram_search.c ...
    # Couldn't find <s> in first frame") at any log level below FATAL.
    script = (
        "import numpy as np\n"
        "from livetui.sim.recognize import transcribe\n"
        "click = (np.sin(np.arange(320) / 3) * 8000).astype('<i2').tobytes()\n"
        "print(repr(transcribe(click)))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, check=True)
    assert done.stderr == b""
    assert done.stdout.decode().splitlines() == ["''"]  # nothing but our print


async def test_recognition_beside_the_loop_leaves_the_loop_running():
    """pocketsphinx keeps the GIL while it decodes: on a thread it would stall the
    event loop (and the simulator's reader) for as long as the decoding takes."""
    pcm = speech_pcm("what is the weather like in paris today and tomorrow", lead_ms=200, tail_ms=200)
    recognize.warm_up()
    assert "weather" in await recognize.transcribe_beside(pcm[3200:])  # the worker is up (other audio: not cached)
    ticks: list[float] = []
    done = False

    async def ticker() -> None:
        while not done:
            ticks.append(asyncio.get_running_loop().time())
            await asyncio.sleep(0.01)

    task = asyncio.create_task(ticker())
    started = asyncio.get_running_loop().time()
    text = await recognize.transcribe_beside(pcm)
    took = asyncio.get_running_loop().time() - started
    done = True
    await task
    assert "weather" in text
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    assert max(gaps) < 0.15, f"the loop stood still {max(gaps):.2f} s of the {took:.2f} s recognition"
    assert await recognize.transcribe_beside(bytes(32000)) == "", "silence is not sent to the worker"


async def test_the_same_utterance_asked_twice_is_recognised_once_and_a_cancel_spares_the_other():
    """A client that moves to a new connection sends its unanswered speech again: the
    new connection shares the recognition the old one started, even after the old one
    went away (its waiter cancelled)."""
    pcm = speech_pcm("what is the weather", lead_ms=200, tail_ms=200)
    recognize.warm_up()
    old = asyncio.create_task(recognize.transcribe_beside(pcm))
    await asyncio.sleep(0)  # one step: the task runs to its first await, its job already joined
    new = asyncio.create_task(recognize.transcribe_beside(pcm))
    await asyncio.sleep(0)
    assert recognize._join(pcm) is recognize._join(pcm), "one job for one audio"
    old.cancel()
    assert await new == "what is the weather"
    assert old.cancelled()
