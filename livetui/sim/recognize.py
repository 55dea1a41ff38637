"""Offline speech recognition of the user's audio, with pocketsphinx.

Accuracy is modest (it is a small 2010s-era model, and synthetic espeak-ng
speech is far from what it was trained on), but it runs anywhere without a
network or a download: the pocketsphinx wheel ships its English model.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from livetui.sim.vad import FRAME_MS, frame_levels_dbfs

if TYPE_CHECKING:
    from pocketsphinx import Decoder

__all__ = ["INPUT_RATE", "SILENCE_DBFS", "transcribe"]

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
