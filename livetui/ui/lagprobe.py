"""Opt-in, for bench/terminal.py (off unless LIVETUI_LOOP_LAG_FILE names a file): how
late the UI's event loop wakes up, measured from inside the real console."""

from __future__ import annotations

import asyncio
import time


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
