"""SIGTERM and SIGHUP end the real console as ctrl+q does: the terminal restored, the
transcript on disk, the simulator stopped, no empty conversation left behind."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from livetui.testing.pty import Console

from .helpers import assert_terminal_restored, console_env, saved

SIGNALS = [pytest.param(signal.SIGTERM, id="SIGTERM"), pytest.param(signal.SIGHUP, id="SIGHUP")]


def _simulator_of(pid: int) -> int:
    """The pid of the console's embedded livetui-sim (its child process)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid and b"livetui.sim.cli" in cmdline:
            return int(entry.name)
    raise AssertionError("the console runs no simulator")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"



def _stop(console: Console, signum: int) -> int:
    os.kill(console.pid, signum)
    return console.wait(timeout=30)


@pytest.mark.parametrize("signum", SIGNALS)
def test_a_signal_after_an_answer_ends_like_ctrl_q(tmp_path: Path, signum: int) -> None:
    console = Console(["--no-mic"], console_env(tmp_path))  # no key: the built-in simulator
    try:
        console.expect(b"connected")
        simulator = _simulator_of(console.pid)
        console.send(b"What is the capital of Portugal?")
        console.expect(b"Portugal?")
        console.send(b"\r")
        console.expect(b"Lisbon")
        status = _stop(console, signum)  # the answer may still be streaming: it must reach the disk
    finally:
        if console.status is None:
            console.kill()
    assert status == 128 + signum  # the shell's convention: stopped by that signal, not an error
    assert_terminal_restored(bytes(console.screen))
    assert b"stopped by an error" not in console.screen
    files = saved(tmp_path)
    assert len(files) == 1
    transcript = files[0].read_bytes()
    assert b"capital of Portugal" in transcript and b"Lisbon" in transcript, transcript.decode()
    assert not _alive(simulator), "the simulator outlived the console"


@pytest.mark.parametrize("signum", SIGNALS)
def test_a_signal_before_anything_is_said_leaves_no_conversation(tmp_path: Path, signum: int) -> None:
    console = Console(["--no-mic"], console_env(tmp_path))
    try:
        console.expect(b"connected")
        simulator = _simulator_of(console.pid)
        assert len(saved(tmp_path)) == 1  # the file exists while the console runs...
        status = _stop(console, signum)
    finally:
        if console.status is None:
            console.kill()
    assert status == 128 + signum
    assert_terminal_restored(bytes(console.screen))
    assert saved(tmp_path) == []  # ...and an empty one goes, as after ctrl+q
    deadline = time.monotonic() + 5
    while _alive(simulator):  # reaped by the console before it exits; allow for a slow /proc
        assert time.monotonic() < deadline, "the simulator outlived the console"
        time.sleep(0.05)


def test_closing_the_terminal_window_saves_the_answer_and_stops_the_simulator(tmp_path: Path) -> None:
    # The real hang-up: the kernel sends SIGHUP to the terminal's foreground processes and
    # the terminal takes no more output. The simulator, in its own process group, is stopped
    # by the console (SIGTERM), so it removes its CA folder from TMPDIR as it does after ctrl+q.
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    console = Console(["--no-mic"], {**console_env(tmp_path), "TMPDIR": str(tmp)})
    try:
        console.expect(b"connected")
        simulator = _simulator_of(console.pid)
        assert list(tmp.glob("livetui-sim-*"))  # its CA is there while it runs
        console.send(b"What is the capital of Portugal?")
        console.expect(b"Portugal?")
        console.send(b"\r")
        console.expect(b"Lisbon")
        os.close(console.fd)  # the window closes
        deadline = time.monotonic() + 30
        while not (done := os.waitpid(console.pid, os.WNOHANG))[0]:
            assert time.monotonic() < deadline, "the console outlived its terminal"
            time.sleep(0.05)
        console.status = os.waitstatus_to_exitcode(done[1])
    finally:
        if console.status is None:
            os.kill(console.pid, signal.SIGKILL)
            os.waitpid(console.pid, 0)
    assert console.status == 128 + signal.SIGHUP
    (file,) = saved(tmp_path)
    assert b"Lisbon" in file.read_bytes()
    assert not _alive(simulator)
    assert list(tmp.glob("livetui-sim-*")) == []
    log = (tmp_path / "state" / "livetui" / "livetui.log").read_text()
    assert "Traceback" not in log  # the dead terminal is no error of ours
