"""Opt-in hooks for bench/, off unless their environment variables are set.

- LIVETUI_LOOP_LAG_FILE names a file: how late the UI's event loop wakes up, measured
  from inside the real console.
- LIVETUI_STALL_MS (with LIVETUI_STALL_EVERY_S, default 1, and LIVETUI_STALL_IN, "ui",
  "net" or "ui,net", default "ui"): every so often, hold the UI's thread (or the
  session's loop) and the GIL that long, as a slow frame, a garbage collection or a
  big message's parse would. Audio must not notice.
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import time
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App


async def probe_loop_lag(path: str) -> None:
    """Every 10 ms, how late the event loop woke up, as lines "monotonic-seconds lag-ms",
    appended once a second."""
    lines: list[str] = []
    with open(path, "a", encoding="utf-8") as out:  # noqa: ASYNC230 - a bench's file, flushed once a second
        while True:
            t0 = time.monotonic()
            await asyncio.sleep(0.01)
            now = time.monotonic()
            lines.append(f"{now:.4f} {(now - t0 - 0.01) * 1000:.2f}\n")
            if len(lines) >= 100:
                out.writelines(lines)
                out.flush()
                lines.clear()


@dataclass(frozen=True)
class Stalls:
    ms: int
    every_s: float = 1.0
    where: frozenset[str] = frozenset({"ui"})  # "ui" and/or "net"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Stalls | None:
        """The stalls the environment asks for; None when it asks for none (or makes no sense)."""
        try:
            ms = int(env.get("LIVETUI_STALL_MS", "0"))
            every = float(env.get("LIVETUI_STALL_EVERY_S", "1"))
        except ValueError:
            return None
        where = frozenset(w.strip() for w in env.get("LIVETUI_STALL_IN", "ui").split(",")) & {"ui", "net"}
        if ms <= 0 or not every > 0 or not where:
            return None
        return cls(ms, every, where)


def hold_gil(ms: int) -> None:
    """Block this thread for `ms` without letting any other Python thread run: a
    function called through ctypes.PyDLL keeps the GIL (a Python loop would hand it
    over every 5 ms, and time.sleep releases it)."""
    ctypes.PyDLL(None).usleep(ms * 1000)


async def inject_stalls(ms: int, every_s: float, offset_s: float = 0.0) -> None:
    """On the loop that runs this: a stall of `ms` every `every_s` seconds, the first
    `offset_s` + `every_s` from now."""
    await asyncio.sleep(offset_s)
    while True:
        await asyncio.sleep(every_s)
        hold_gil(ms)


def start_bench_hooks(app: App[Any], submit_net: Callable[[Coroutine[Any, Any, None]], object]) -> None:
    """Start what the environment asks for: the loop-lag probe on the UI's loop, stalls
    there and/or on the session's loop (`submit_net` runs a coroutine on it)."""
    if lag_file := os.environ.get("LIVETUI_LOOP_LAG_FILE"):
        app.run_worker(probe_loop_lag(lag_file), group="lag-probe", exit_on_error=False)
    if stalls := Stalls.from_env(os.environ):
        if "ui" in stalls.where:
            app.run_worker(inject_stalls(stalls.ms, stalls.every_s), group="lag-probe", exit_on_error=False)
        if "net" in stalls.where:  # half a period after the UI's, when both stall
            submit_net(inject_stalls(stalls.ms, stalls.every_s, stalls.every_s / 2 if "ui" in stalls.where else 0.0))
