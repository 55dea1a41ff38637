"""The simulator's frame log (`livetui-sim --log`): what was sent and received, and when.

Every frame is stamped with time.monotonic(), the clock the speaker and mic recorders
map samples to, so "sent by the server" and "heard on the speaker" line up across
processes. Read from outside, as a user would: bench never imports the simulator.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TIMEOUT = 30.0
MIC_RATE = 16_000
# What an input second of audio costs, by the Live API's best-practice page (2026).
AUDIO_TOKENS_PER_SECOND = 25


class SimLog:
    """The JSON lines of `livetui-sim --log`, read as they grow."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.records: list[dict[str, Any]] = []
        self._pos = 0

    def poll(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return self.records
        with self.path.open("rb") as f:
            f.seek(self._pos)
            data = f.read()
        end = data.rfind(b"\n") + 1
        for line in data[:end].splitlines():
            self.records.append(json.loads(line))
        self._pos += end
        return self.records

    def wait_for(self, pred: Callable[[dict[str, Any]], bool], after: float, timeout: float = TIMEOUT) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            for r in self.poll():
                if r["t"] >= after and pred(r):
                    return r
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing in the simulator's log after {timeout:.0f} s")
            time.sleep(0.01)

    def since(self, t: float, until: float = math.inf) -> list[dict[str, Any]]:
        return [r for r in self.poll() if t <= r["t"] <= until]

    def wait_streaming(self, after: float, frames: int = 10, timeout: float = TIMEOUT,
                       gone: Callable[[], str | None] = lambda: None) -> None:
        """Until the client has sent `frames` mic chunks since `after` (its devices are open);
        TimeoutError if it has not by `timeout`, or `gone()` says why it never will."""
        deadline = time.monotonic() + timeout
        while len(mic_frames(self.since(after))) < frames:
            if time.monotonic() > deadline or gone():
                raise TimeoutError("the client never streamed its mic")
            time.sleep(0.05)


def content(r: dict[str, Any]) -> dict[str, Any]:
    return r["msg"].get("serverContent", {}) if r["dir"] == "out" else {}


def answer_chunks(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in records if "modelTurn" in content(r)]


def chunk_bytes(r: dict[str, Any]) -> int:
    return sum(p.get("inlineData", {}).get("data", 0) for p in content(r)["modelTurn"].get("parts", []))


def mic_frames(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The client's realtime audio frames, each with `size` and `peak`."""
    out = []
    for r in records:
        if r["dir"] != "in":
            continue
        rt = r["msg"].get("realtime_input", r["msg"].get("realtimeInput"))
        blob = rt.get("audio") if isinstance(rt, dict) else None
        if isinstance(blob, dict) and isinstance(blob.get("data"), int):
            out.append({"t": r["t"], "size": blob["data"], "peak": blob.get("peak", 0)})
    return out


def input_tokens_per_minute(records: list[dict[str, Any]], seconds: float) -> float:
    """Audio input tokens a minute that the mic chunks in `records` (taken over `seconds`)
    would cost, at the published rate."""
    sent_s = sum(f["size"] for f in mic_frames(records)) / 2 / MIC_RATE
    return sent_s * AUDIO_TOKENS_PER_SECOND * 60 / seconds
