"""The API key never lands in a file, a log or on the screen.

The real `livetui` command runs in a pseudo-terminal against `livetui-sim`, with a
distinctive key and private XDG folders; afterwards every byte it drew and every
file it wrote is searched for the key.
"""

from __future__ import annotations

import os
import pty
import select
import struct
import subprocess
import sys
import time
from pathlib import Path

import fcntl
import termios

from .simproc import SimProcess, clean_env

KEY = "AIzaSy-livetui-secret-canary-7f3a9c"


def read_until(fd: int, needle: bytes, screen: bytearray, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while needle not in screen:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"never saw {needle!r}; the screen ended with {bytes(screen[-400:])!r}")
        ready, _, _ = select.select([fd], [], [], min(left, 0.2))
        if ready:
            try:
                screen += os.read(fd, 65536)
            except OSError:
                return


def test_the_key_is_nowhere(tmp_path: Path):
    homes = {name: tmp_path / name for name in ("config", "data", "state", "cache")}
    for folder in homes.values():
        folder.mkdir()
    with SimProcess("--speed", "max") as sim:
        env = clean_env(
            GOOGLE_GEMINI_BASE_URL=sim.exports["GOOGLE_GEMINI_BASE_URL"],
            SSL_CERT_FILE=sim.exports["SSL_CERT_FILE"],
            GEMINI_API_KEY=KEY,
            XDG_CONFIG_HOME=str(homes["config"]),
            XDG_DATA_HOME=str(homes["data"]),
            XDG_STATE_HOME=str(homes["state"]),
            XDG_CACHE_HOME=str(homes["cache"]),
            TERM="xterm-256color",
        )
        pid, fd = pty.fork()
        if pid == 0:  # the child: the console, as a user starts it
            os.execvpe(sys.executable, [sys.executable, "-m", "livetui"], env)
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        screen = bytearray()
        try:
            read_until(fd, b"connected", screen)
            os.write(fd, b"What is the capital of France?")
            read_until(fd, b"capital of France?", screen)
            os.write(fd, b"\r")
            read_until(fd, b"Paris", screen)
            os.write(fd, b"\x05")  # ctrl+e: the event log, where setup is shown
            read_until(fd, b"setupComplete", screen)
            os.write(fd, b"\x1b")
            os.write(fd, b"\x11")  # ctrl+q
            _, status = os.waitpid(pid, 0)
            try:
                while True:
                    chunk = os.read(fd, 65536)
                    if not chunk:
                        break
                    screen += chunk
            except OSError:
                pass
        finally:
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass
    assert os.WEXITSTATUS(status) == 0
    assert b"Traceback" not in screen
    assert KEY.encode() not in screen
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "livetui.log" for p in written), "the log was written where the XDG state dir says"
    for path in written:
        assert KEY.encode() not in path.read_bytes(), f"the key is in {path}"
