"""Answers heard on the speaker: onset, gaps and completeness of scripted steady tones.

The simulator answers a matching question with a steady tone (script key `tone_ms`),
sent as it sends any answer by default (bursts, faster than real time), with its
output transcription spread over the chunks: the client's chat streams the words
while the tone plays. Sound in every sample window means the first and last sound,
and any hole, can be timed to the sample against the simulator's frame log.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from .clients import Client
from .simlog import TIMEOUT, SimLog, answer_chunks, chunk_bytes, content

RATE = 24_000  # the speaker's rate
LOUD = 1000  # |sample| above this is the tone (-12 dBFS, peak ~8200); the null sink's silence is 0
GAP_SAMPLES = 48  # a run of 2 ms below LOUD inside a tone is a gap (a zero crossing lasts ~2 samples)
WORDS = ("the answer goes on at an easy pace while the words appear in the chat one after another "
         "and the levels move with the sound so the screen is busy the whole time it plays").split()
WORDS_PER_S = 3.0  # about a speaker's pace
# Answer lengths, taken in turn: holes were heard 6-27 ms, 98-140 ms and about 3 s into answers.
ANSWER_MS = (1200, 1600, 2000, 3200)


def tone_reply(match: str, tone_ms: int, **keys: Any) -> str:
    """A [[reply]] of the simulator's script: a tone `tone_ms` long, said with words
    enough for a transcript that streams while it plays."""
    n = max(3, round(tone_ms / 1000 * WORDS_PER_S))
    text = " ".join(WORDS[i % len(WORDS)] for i in range(n)).capitalize() + "."
    body = "".join(f"{k} = {json.dumps(v)}\n" for k, v in keys.items())
    return f'[[reply]]\nmatch = "^{match}$"\ntext = "{text}"\ntone_ms = {tone_ms}\n{body}'


def loud(x: np.ndarray, level: int = LOUD) -> np.ndarray:
    return np.flatnonzero(np.abs(x.astype(np.int32)) > level)


def gaps_in(x: np.ndarray) -> list[tuple[float, float]]:
    """Runs of >= GAP_SAMPLES quiet samples between the first and last loud one of `x`:
    (ms after the first loud sample, ms long) each."""
    idx = loud(x)
    if len(idx) < 2:
        return []
    steps = np.diff(idx)
    at = np.flatnonzero(steps > GAP_SAMPLES)
    return [(1000 * (idx[i] - idx[0]) / RATE, 1000 * (steps[i] - 1) / RATE) for i in at]


def count_gaps(x: np.ndarray) -> int:
    return len(gaps_in(x))


@dataclass(frozen=True)
class Heard:
    onset_ms: float  # the answer's first chunk sent -> its first sound; nan if none was heard
    gaps: tuple[tuple[float, float], ...]  # (ms after the first sound, ms long)
    complete_pct: float  # sound heard / sound sent


class Ears:
    """One client asked questions, its speaker (a pulse Recorder) listened to."""

    def __init__(self, client: Client, log: SimLog, spk: Any) -> None:
        self.client, self.log, self.spk = client, log, spk

    def turn(self, prompt: str) -> tuple[list[dict[str, Any]], float]:
        """Say `prompt`; the simulator's records until its turnComplete, and when it was said."""
        t0 = time.monotonic()
        self.client.say(prompt)
        done = self.log.wait_for(lambda r: "turnComplete" in content(r), after=t0)
        return self.log.since(t0, done["t"]), t0

    def quiet_after(self, t: float, quiet_s: float = 0.3) -> np.ndarray:
        """Wait until the speaker has been silent for quiet_s after its last sound at or
        after t; the samples."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            self.spk.wait_until(t + quiet_s, timeout=TIMEOUT)
            x = self.spk.samples()
            start = self.spk.index_at(t)
            idx = loud(x[start:])
            if not len(idx) or time.monotonic() > deadline:
                return x
            last = start + int(idx[-1])
            if len(x) - last >= quiet_s * RATE:
                return x
            t = self.spk.time_of(last)  # still sounding: wait for quiet_s after its last sound

    def answer(self, prompt: str) -> Heard:
        """Ask for a whole (uninterrupted) tone answer and listen to all of it."""
        records, _ = self.turn(prompt)
        chunks = answer_chunks(records)
        t_first = chunks[0]["t"]
        sent_s = sum(chunk_bytes(r) for r in chunks) / 2 / RATE
        x = self.quiet_after(t_first + sent_s)
        seg_start = self.spk.index_at(t_first - 0.05)
        idx = loud(x[seg_start:])
        if not len(idx):
            return Heard(math.nan, (), 0.0)
        first, last = seg_start + int(idx[0]), seg_start + int(idx[-1])
        gaps = gaps_in(x[first : last + 1])
        heard_s = (last + 1 - first) / RATE - sum(ms for _, ms in gaps) / 1000
        return Heard(1000 * (self.spk.time_of(first) - t_first), tuple(gaps), min(100.0, 100 * heard_s / sent_s))


@dataclass(frozen=True)
class GapSummary:
    answers: int
    count: int
    total_ms: float
    longest_ms: float | None
    where: str  # the longest few: "158 ms at 3012 ms, ..."

    @classmethod
    def of(cls, heard: list[Heard]) -> GapSummary:
        gaps = sorted((g for h in heard for g in h.gaps), key=lambda g: -g[1])
        where = ", ".join(f"{ms:.0f} ms at {at:.0f} ms" for at, ms in gaps[:4])
        return cls(len(heard), len(gaps), sum(ms for _, ms in gaps), gaps[0][1] if gaps else (0.0 if heard else None), where)
