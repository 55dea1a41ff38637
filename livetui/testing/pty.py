"""The real `livetui` command in a pseudo-terminal, as a user runs it."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time


class Console:
    def __init__(self, args: list[str], env: dict[str, str], size: tuple[int, int] = (80, 24)) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the console
            os.execvpe(sys.executable, [sys.executable, "-m", "livetui", *args], env)
        cols, rows = size
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.screen = bytearray()  # every byte it drew
        self.status: int | None = None

    def expect(self, needle: bytes, timeout: float = 30.0) -> None:
        """Read what it draws until `needle` appears (from the last mark on)."""
        start = getattr(self, "_mark", 0)
        deadline = time.monotonic() + timeout
        while needle not in self.screen[start:]:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"never saw {needle!r}; the screen ended with {bytes(self.screen[-400:])!r}")
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.2))
            if ready:
                try:
                    self.screen += os.read(self.fd, 65536)
                except OSError:
                    raise AssertionError(f"the console exited before drawing {needle!r}") from None

    def mark(self) -> None:
        self._mark = len(self.screen)

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    def quit(self) -> int:
        self.send(b"\x11")  # ctrl+q
        return self.wait()

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        self.wait()

    def wait(self) -> int:
        _, status = os.waitpid(self.pid, 0)
        try:
            while chunk := os.read(self.fd, 65536):
                self.screen += chunk
        except OSError:
            pass
        os.close(self.fd)
        self.status = os.waitstatus_to_exitcode(status)
        return self.status
