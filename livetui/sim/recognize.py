"""Offline speech recognition of the user's audio, with pocketsphinx.

Accuracy is modest (it is a small 2010s-era model, and synthetic espeak-ng
speech is far from what it was trained on), but it runs anywhere without a
network or a download: the pocketsphinx wheel ships its English model.
"""

from __future__ import annotations

import asyncio
import atexit
import hashlib
import json
import struct
import subprocess
import sys
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
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
# service never does (and which would hide barge-in delays). One worker for every
# session of the process, started while the user speaks, the model loaded at once.
# A plain child on pipes, not multiprocessing: that needs a valid sys.stderr to start
# its resource tracker, which an app under test (Textual) does not have.


class _Worker:
    """`python -m livetui.sim.recognize_worker`: 16 kHz PCM in, words out."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "livetui.sim.recognize_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C in a terminal is the simulator's to handle
        )

    def transcribe(self, pcm: bytes) -> str:
        """Blocking, on a thread: the wait for the answer releases the GIL."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(struct.pack("<I", len(pcm)) + pcm)
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise EOFError("the recognition worker exited")
        return str(json.loads(line))

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()  # the worker ends at the end of its input
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


_worker: _Worker | None = None
_start_lock = threading.Lock()  # held only to start a worker
_use_lock = threading.Lock()  # one utterance at a time through the pipes (held for seconds)


def _running() -> _Worker:
    global _worker
    with _start_lock:
        if _worker is None or _worker.proc.poll() is not None:
            _worker = _Worker()
        return _worker


def warm_up() -> None:
    """Start the worker now (once), so that the first utterance does not wait for it.
    Called on the event loop for every audio frame: never waits for a recognition."""
    worker = _worker
    if worker is None or worker.proc.poll() is not None:
        _running()


def _transcribe_in_worker(pcm: bytes, dropped: threading.Event, started: threading.Event) -> str:
    global _worker
    with _use_lock:
        if dropped.is_set():  # nobody waits for it any more: skip it
            return ""
        started.set()
        for attempt in (1, 2):
            worker = _running()
            try:
                return worker.transcribe(pcm)
            except (OSError, EOFError, ValueError):  # it died (killed, out of memory): a new one, once
                worker.close()
                with _start_lock:
                    if _worker is worker:
                        _worker = None
                if attempt == 2:
                    raise
    raise AssertionError("unreachable")


class _Job:
    """One utterance's recognition, shared by every session that asks for the same
    audio (a client that moves to a new connection sends its unanswered speech again)."""

    def __init__(self, pcm: bytes) -> None:
        self.dropped = threading.Event()
        self.started = threading.Event()
        self.waiters = 0
        self.future: Future[str] = _threads.submit(_transcribe_in_worker, pcm, self.dropped, self.started)

    def usable(self) -> bool:
        if self.dropped.is_set() and not self.started.is_set():
            return False  # skipped, or about to be
        return not (self.future.done() and self.future.exception() is not None)


_threads = ThreadPoolExecutor(max_workers=2, thread_name_prefix="recognize")
_jobs: OrderedDict[bytes, _Job] = OrderedDict()  # the latest few, by their audio's digest
_jobs_lock = threading.Lock()


def _join(pcm: bytes) -> _Job:
    key = hashlib.blake2b(pcm, digest_size=16).digest()
    with _jobs_lock:
        job = _jobs.get(key)
        if job is None or not job.usable():
            job = _jobs[key] = _Job(pcm)
        _jobs.move_to_end(key)
        while len(_jobs) > 16:
            _jobs.popitem(last=False)
        job.waiters += 1
        return job


def _leave(job: _Job) -> None:
    with _jobs_lock:
        job.waiters -= 1
        if job.waiters == 0:
            job.dropped.set()


async def transcribe_beside(pcm16k: bytes) -> str:
    """`transcribe` in the recognition worker; the event loop keeps running."""
    pcm = bytes(pcm16k[: len(pcm16k) // 2 * 2])
    if _is_silent(pcm):
        return ""
    job = _join(pcm)
    try:
        # Shielded: one session's end must not cancel what another waits for.
        return await asyncio.shield(asyncio.wrap_future(job.future))
    except asyncio.CancelledError:
        # The worker cannot be stopped mid-utterance, but one nobody waits for any
        # more is skipped if it has not begun: dead connections' speech would delay
        # the living.
        if not job.future.done():
            _leave(job)
        raise


@atexit.register
def _stop_worker() -> None:
    if _worker is not None:
        _worker.close()
