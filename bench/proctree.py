"""CPU of a client and every process it started: a console that moves its audio into a
helper process must be charged for the helper too."""

from __future__ import annotations

import time
from dataclasses import dataclass

import psutil


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds so far of `pid` and all its descendants, with what their
    children that have ended (and been waited for) used."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for proc in procs:
        try:
            t = proc.cpu_times()
        except psutil.NoSuchProcess:  # ended meanwhile: its parent's children_* have it once waited for
            continue
        total += t.user + t.system + t.children_user + t.children_system
    return total


def tree_size(pid: int) -> int:
    try:
        return 1 + len(psutil.Process(pid).children(recursive=True))
    except psutil.NoSuchProcess:
        return 0


@dataclass(frozen=True)
class CpuWindow:
    seconds: float
    cpu: float  # CPU seconds of the process tree in the window
    processes: int  # how many processes the tree had at its end

    @property
    def percent(self) -> float:
        return 100 * self.cpu / self.seconds


def cpu_window(pid: int, seconds: float) -> CpuWindow:
    """The tree's CPU over the next `seconds` (this thread sleeps meanwhile)."""
    c0, t0 = tree_cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    c1, t1 = tree_cpu_seconds(pid), time.monotonic()
    return CpuWindow(t1 - t0, c1 - c0, tree_size(pid))
