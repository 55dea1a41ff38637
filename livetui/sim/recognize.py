"""Offline speech recognition of the user's audio, with pocketsphinx.

Accuracy is modest (it is a small 2010s-era model, and synthetic espeak-ng
speech is far from what it was trained on), but it runs anywhere without a
network or a download: the pocketsphinx wheel ships its English model.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

from livetui.sim.vad import FRAME_MS, frame_levels_dbfs

if TYPE_CHECKING:
    from pocketsphinx import Decoder

__all__ = ["INPUT_RATE", "SILENCE_DBFS", "transcribe", "transcribe_beside", "warm_up"]

INPUT_RATE = 16000
# If no 20 ms frame gets this loud, the audio is treated as silence and not
# decoded: pocketsphinx "hears" words like "i'm" in pure silence.
SILENCE_DBFS = -50.0

# One decoder per process: loading the model takes ~0.3 s and the decoder is
# not thread-safe, so callers on worker threads take turns.
_lock = threading.Lock()
_decoder: Decoder | None = None


def _get_decoder() -> Decoder:
    """The shared decoder, created on first use. Call with ``_lock`` held."""
    global _decoder
    if _decoder is None:
        # Imported here so that importing this module stays cheap.
        from pocketsphinx import Decoder

        # Explicit WARN/ERROR levels print "ERROR: ngram_search.c ... Couldn't
        # find <s> in first frame" to the terminal for very short audio; FATAL
        # keeps the TUI's screen clean.
        _decoder = Decoder(samprate=INPUT_RATE, loglevel="FATAL")
    return _decoder


def _is_silent(pcm: bytes) -> bool:
    levels = frame_levels_dbfs(pcm, INPUT_RATE * FRAME_MS // 1000)
    return levels.size == 0 or float(levels.max()) < SILENCE_DBFS


def transcribe(pcm16k: bytes) -> str:
    """Words heard in 16 kHz PCM16LE mono audio, lower-case; "" if none.

    Blocking (a few hundred ms a second of speech); run it in a thread.
    """
    pcm = bytes(pcm16k[: len(pcm16k) // 2 * 2])  # drop a dangling half sample
    if _is_silent(pcm):
        return ""
    with _lock:
        decoder = _get_decoder()
        decoder.start_utt()
        try:
            decoder.process_raw(pcm, full_utt=True)
        finally:
            # Always close the utterance, or the next start_utt would fail.
            decoder.end_utt()
        hypothesis = decoder.hyp()
    if hypothesis is None:
        return ""
    return " ".join(hypothesis.hypstr.lower().split())


# Recognition runs in a process of its own, beside the simulator's reader: pocketsphinx
# keeps the GIL while it decodes (over a second for a long utterance), so on a thread
# it would stop the event loop reading the client's audio meanwhile, which the real
# service never does (and which would hide barge-in delays). One worker, shared by
# every session of the process, started on first use with the model loaded.
_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def _worker_start() -> None:
    # Ctrl-C in a terminal reaches the whole process group: the simulator stops the
    # worker itself, without a KeyboardInterrupt traceback from it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with _lock:
        _get_decoder()


def _ready() -> None:
    """A job that only waits for the worker to start (and load the model)."""


def _executor() -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            # spawn, not fork: the simulator has threads, and a forked copy of a lock
            # held by one of them would never be released.
            context = multiprocessing.get_context("spawn")
            _pool = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_worker_start)
        return _pool


def _forget(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _pool_lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


_warmed: ProcessPoolExecutor | None = None  # the pool whose worker was started


def warm_up() -> None:
    """Start the worker now (once), so that the first utterance does not wait for it."""
    global _warmed
    pool = _executor()
    if pool is not _warmed:
        _warmed = pool
        pool.submit(_ready)


async def transcribe_beside(pcm16k: bytes) -> str:
    """`transcribe` in the recognition process; the event loop keeps running."""
    if _is_silent(bytes(pcm16k[: len(pcm16k) // 2 * 2])):
        return ""
    loop = asyncio.get_running_loop()
    for attempt in (1, 2):
        pool = _executor()
        try:
            return await loop.run_in_executor(pool, transcribe, pcm16k)
        except BrokenProcessPool:  # the worker died (killed, out of memory): a new one, once
            _forget(pool)
            if attempt == 2:
                raise
    raise AssertionError("unreachable")
