"""long conversations: 1,000 typed turns in the real console; memory, and render and scroll times at the end.

The real `livetui` command in a pseudo-terminal (80x24) against `livetui-sim`
answering as fast as it can once it has "thought" for THINK_MS (the real
service takes hundreds of milliseconds; with none, the answer would be drawn in
the same frame as the question and timed with it). Every fourth answer is the simulator's Markdown
demo (headings, a list, fenced code, a table), the others a one-line echo that
carries the question's number, so the harness knows when the console has
caught up without sleeping.
"""

from __future__ import annotations

import select
import tempfile
import time
from pathlib import Path

import psutil

from livetui.testing.pty import Console
from livetui.testing.simproc import SimProcess, clean_env

from .metrics import Metric, median, percentile

TURNS = 1000
MARKDOWN_END = "deterministic"  # in the last line of the simulator's Markdown demo
THINK_MS = 40
WARM = 20  # memory is counted from here: start-up and first-use caches are not growth
SAMPLE = 20  # the last this many turns give the render time at the end
PAGE_UP, PAGE_DOWN, CTRL_HOME, CTRL_END = b"\x1b[5~", b"\x1b[6~", b"\x1b[1;5H", b"\x1b[1;5F"


def question(i: int) -> str:
    return f"Q{i:04d} show me markdown" if i % 4 == 3 else f"Q{i:04d} note"


def wait_screen(console: Console, seen, timeout: float = 30.0) -> float:
    """Read what the console draws until `seen(rows)` holds for the emulated screen
    (it writes only the cells that change, so text is looked for on the screen).
    Returns when the bytes that made it hold arrived: the moment it was drawn, not
    the moment this loop got round to looking."""
    deadline = time.monotonic() + timeout
    drawn = time.monotonic()
    while not seen(console.text().split("\n")):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the console never drew it; the screen:\n" + console.text())
        drawn = console.read_once(min(left, 0.1)) or drawn
    return drawn


def in_chat(needle: str, unless: str | None = None):
    """Above the prompt (the last four rows: its rule, the prompt, the footer), on a
    row without `unless` (the question, not the answer that echoes it)."""
    return lambda rows: any(needle in row and (unless is None or unless not in row) for row in rows[:-4])


def at_chat_bottom(needle: str):
    """In the last rows of the chat: an answer that just ended (the chat follows the newest)."""
    return lambda rows: any(needle in row for row in rows[-9:-4])


def next_frame(console: Console, timeout: float = 10.0) -> float:
    """Seconds until the console writes anything, reading on until it has been
    quiet for 20 ms (the end of that frame)."""
    t0 = time.monotonic()
    first: float | None = None
    deadline = t0 + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([console.fd], [], [], 0.02 if first is not None else deadline - time.monotonic())
        if not ready:
            if first is not None:
                return first - t0
            continue
        console.read_for(0.001)
        if first is None:
            first = time.monotonic()
    raise TimeoutError("the console drew nothing")


def run(turns: int = TURNS) -> list[Metric]:
    with tempfile.TemporaryDirectory(prefix="lt-bench-long-") as tmp, SimProcess("--speed", "max", "--latency-ms", str(THINK_MS)) as sim:
        env = clean_env(
            **sim.exports,
            XDG_DATA_HOME=str(Path(tmp) / "data"),
            XDG_STATE_HOME=str(Path(tmp) / "state"),
            XDG_CONFIG_HOME=str(Path(tmp) / "config"),
            TERM="xterm-256color",
        )
        console = Console(["--no-mic"], env, size=(80, 24))
        try:
            return _converse(console, turns)
        finally:
            if console.status is None:
                console.kill()


def _converse(console: Console, turns: int) -> list[Metric]:
    process = psutil.Process(console.pid)
    wait_screen(console, lambda rows: "connected" in rows[0])
    render: list[float] = []
    rss_warm = 0
    started = time.monotonic()
    for i in range(turns):
        text = question(i)
        console.send(text.encode())
        wait_screen(console, lambda rows: any(text in row for row in rows[-4:]))  # in the prompt
        t0 = time.monotonic()
        console.send(b"\r")
        if i % 4 != 3:  # (a Markdown answer is taller than the pane: its question may never show)
            render.append(wait_screen(console, in_chat(f"Q{i:04d}", unless="«")) - t0)  # the turn in the chat
            wait_screen(console, in_chat(f"«Q{i:04d}"))  # its answer: everything before it is drawn too
        else:  # the whole Markdown answer drawn, so its rendering is not counted in the next turn
            wait_screen(console, at_chat_bottom(MARKDOWN_END))
        if i == WARM:
            rss_warm = process.memory_info().rss
        if i % 100 == 0:
            print(f"  turn {i} · {time.monotonic() - started:.0f} s", flush=True)
    rss_end = process.memory_info().rss

    scroll: list[float] = []
    for key in (PAGE_UP, PAGE_UP, PAGE_UP, PAGE_DOWN, PAGE_DOWN, PAGE_DOWN) * 3:
        console.send(key)
        scroll.append(next_frame(console))
    console.send(CTRL_HOME)
    to_oldest = next_frame(console)
    console.send(CTRL_END)
    to_newest = next_frame(console)
    status = console.quit()

    ms = [t * 1000 for t in render]
    first, last = ms[:SAMPLE], ms[-SAMPLE:]  # (three in four turns are timed)
    note = f"{turns} turns, 80x24, real command in a pty"
    return [
        Metric("long", f"RSS growth, turn {WARM} → {turns}", "MB", (rss_end - rss_warm) / 2**20, target=50, goal="max", note=note),
        Metric("long", "new turn drawn, at the start (median)", "ms", median(first), goal="report",
               note="Enter → the question in the chat, turns 1-20"),
        Metric("long", "new turn drawn, at the end (median)", "ms", median(last), target=20, goal="max",
               note=f"Enter → the question in the chat, the last {SAMPLE} turns"),
        Metric("long", "new turn drawn, at the end (p95)", "ms", percentile(last, 95), goal="report"),
        Metric("long", "scroll a page (median)", "ms", median(scroll) * 1000, target=20, goal="max",
               note="PageUp/PageDown → the frame drawn, at the end"),
        Metric("long", "scroll a page (p95)", "ms", percentile(scroll, 95) * 1000, goal="report"),
        Metric("long", "jump to the oldest turn", "ms", to_oldest * 1000, goal="report", note="ctrl+home"),
        Metric("long", "jump back to the newest", "ms", to_newest * 1000, goal="report", note="ctrl+end"),
        Metric("long", "clean exit after the conversation", "status", float(status), target=0, goal="max"),
    ]
