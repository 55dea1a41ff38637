"""The bench's stall injector (ui/lagprobe.py): what the environment asks for, and that a
stall really holds the GIL (a stall that let other threads run would prove nothing)."""

from __future__ import annotations

import threading
import time

from livetui.ui.lagprobe import Stalls, hold_gil


def test_no_stalls_unless_asked() -> None:
    assert Stalls.from_env({}) is None
    assert Stalls.from_env({"LIVETUI_STALL_MS": "0"}) is None
    assert Stalls.from_env({"LIVETUI_STALL_MS": "abc"}) is None
    assert Stalls.from_env({"LIVETUI_STALL_MS": "150", "LIVETUI_STALL_EVERY_S": "0"}) is None
    assert Stalls.from_env({"LIVETUI_STALL_MS": "150", "LIVETUI_STALL_IN": "elsewhere"}) is None


def test_stalls_from_the_environment() -> None:
    assert Stalls.from_env({"LIVETUI_STALL_MS": "150"}) == Stalls(150, 1.0, frozenset({"ui"}))
    both = Stalls.from_env({"LIVETUI_STALL_MS": "150", "LIVETUI_STALL_EVERY_S": "0.7", "LIVETUI_STALL_IN": "ui, net"})
    assert both == Stalls(150, 0.7, frozenset({"ui", "net"}))


def test_a_stall_holds_the_gil() -> None:
    """Another thread, noting the time as fast as it can, notes it while this one sleeps,
    and notes nothing for the whole stall (usleep sleeps at least that long; the
    other thread may run just before and after it, when the GIL changes hands)."""
    stamps: list[float] = []
    running = threading.Event()
    stop = threading.Event()

    def note() -> None:
        while not stop.is_set():
            stamps.append(time.monotonic())
            running.set()

    thread = threading.Thread(target=note, daemon=True)
    thread.start()
    running.wait()
    t0 = time.monotonic()
    time.sleep(0.1)
    t1 = time.monotonic()
    hold_gil(30)
    t2 = time.monotonic()
    stop.set()
    thread.join()
    assert any(t0 < t < t1 for t in stamps)
    assert max(gaps(stamps, t1, t2)) >= 0.03


def gaps(stamps: list[float], start: float, end: float) -> list[float]:
    inside = [start, *(t for t in stamps if start < t < end), end]
    return [b - a for a, b in zip(inside, inside[1:])]
