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
from pathlib import Path


class Console:
    def __init__(
        self, args: list[str], env: dict[str, str], size: tuple[int, int] = (80, 24), redirect: dict[int, Path] | None = None
    ) -> None:
        """`redirect`: descriptors sent to files instead of the terminal, as a shell's
        `2>err.log` does ({2: Path("err.log")})."""
        self.started = time.monotonic()  # just before the command starts
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the console
            for fd, path in (redirect or {}).items():
                os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), fd)
            os.execvpe(sys.executable, [sys.executable, "-m", "livetui", *args], env)
        cols, rows = size
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.screen = bytearray()  # every byte it drew
        self.reads: list[tuple[float, int]] = []  # (time.monotonic(), len(screen) after it): when bytes arrived
        self.status: int | None = None
        self.size = size
        self._term = None  # a terminal emulator (pyte), made on the first look at the screen
        self._fed = 0
        self._mark = 0
        self._marked_text = ""

    def text(self) -> str:
        """What the terminal shows now, row by row. The console writes only the cells that
        change, so a needle may never appear whole in the bytes: look here too."""
        if self._term is None:
            import pyte

            screen = pyte.Screen(*self.size)
            self._term = (screen, pyte.ByteStream(screen))
        screen, stream = self._term
        if self._fed < len(self.screen):
            stream.feed(bytes(self.screen[self._fed :]))
            self._fed = len(self.screen)
        return "\n".join(screen.display)

    def _seen(self, needle: bytes) -> bool:
        """`needle` drawn since the last mark: in the bytes, or newly on the screen."""
        if needle in self.screen[self._mark :]:
            return True
        wanted = needle.decode(errors="replace")
        return wanted in self.text() and wanted not in self._marked_text

    def _read(self) -> bool:
        """One read of what it drew (keeping when it arrived); False when the terminal closed."""
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:
            return False
        if not chunk:
            return False
        self.screen += chunk
        self.reads.append((time.monotonic(), len(self.screen)))
        return True

    def read_for(self, seconds: float) -> bytes:
        """Everything it draws in the next `seconds` (read as it comes, so its timing is kept)."""
        start = len(self.screen)
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready and not self._read():
                break
        return bytes(self.screen[start:])

    def read_once(self, timeout: float) -> float | None:
        """Wait up to `timeout` for one read of what it draws; when it arrived (monotonic),
        or None if nothing came. Raises EOFError once the terminal has closed."""
        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not ready:
            return None
        if not self._read():
            raise EOFError("the console closed its terminal")
        return self.reads[-1][0]

    def expect(self, needle: bytes, timeout: float = 30.0) -> None:
        """Read what it draws until `needle` appears (from the last mark on)."""
        deadline = time.monotonic() + timeout
        while not self._seen(needle):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"never saw {needle!r}; the screen ended with {bytes(self.screen[-400:])!r}")
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.2))
            if ready and not self._read():
                raise AssertionError(f"the console exited before drawing {needle!r}")

    def mark(self) -> None:
        self._mark = len(self.screen)
        self._marked_text = self.text()

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    def quit(self, timeout: float | None = None) -> int:
        try:
            self.send(b"\x11")  # ctrl+q
        except OSError:  # it has gone already
            pass
        return self.wait(timeout)

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        self.wait()

    def wait(self, timeout: float | None = None) -> int:
        """Its exit status, reading what it draws meanwhile (so a full terminal never
        blocks its goodbye); after `timeout` seconds it is killed."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.monotonic() > deadline:
                os.kill(self.pid, signal.SIGKILL)
                deadline = None
            ready, _, _ = select.select([self.fd], [], [], 0.02)
            if ready and not self._read():
                _, status = os.waitpid(self.pid, 0)
                break
        while self._read():
            pass
        os.close(self.fd)
        self.status = os.waitstatus_to_exitcode(status)
        return self.status
