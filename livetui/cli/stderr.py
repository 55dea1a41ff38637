"""Keeping stderr off the screen: fd 2 and sys.stderr go to the log, API keys scrubbed.

C libraries (PortAudio, ALSA) and Python code both write on stderr; none of it may
reach the terminal the console draws on, and no key may reach the log.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TextIO

from ..core.secrets import Scrubber
from .logfile import open_log


class _ScrubbedStream(io.TextIOBase):
    """A text stream writing scrubbed text to another."""

    def __init__(self, target: TextIO, scrub: Scrubber) -> None:
        self._target, self._scrub = target, scrub

    def write(self, text: str) -> int:
        self._target.write(self._scrub(text))
        return len(text)

    def flush(self) -> None:
        self._target.flush()

    def fileno(self) -> int:
        return self._target.fileno()

    def isatty(self) -> bool:
        return False

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._target, "encoding", "utf-8")


class _Terminal(io.TextIOWrapper):
    """The terminal Textual draws on. Once hung up (its window closed) it takes no more
    output: writing then fails (EIO), which would kill Textual's writer thread and leave
    the app blocked on its full queue instead of ending cleanly. Such output is dropped."""

    def write(self, text: str) -> int:
        try:
            return super().write(text)
        except OSError:
            return len(text)

    def flush(self) -> None:
        with suppress(OSError):
            super().flush()


@contextmanager
def stderr_to_log(log_path: Path, scrub: Scrubber | None = None) -> Iterator[TextIO]:
    """File descriptor 2 and sys.stderr go to `log_path`; the terminal stays reachable.

    PortAudio, ALSA and other C libraries print on fd 2, and Python code on
    sys.stderr: none of it may reach the screen. But Textual's Linux driver draws
    on `sys.__stderr__` (read when the app and its driver are made), so that
    name is pointed at a private descriptor of the terminal while this lasts
    (`terminal_fd`: the original fd 2, or the terminal when stderr was redirected).
    Yields the terminal stream.
    """
    original = sys.__stderr__
    if original is None:  # no stderr at all (e.g. a detached process): nothing to protect
        yield sys.stderr
        return
    current = sys.stderr
    current.flush()
    original.flush()
    # Opened here and closed in `finally`: they must outlive the `yield`.
    log = open_log(log_path)
    saved = os.dup(2)  # fd 2 as it was, put back at the end
    raw = open(terminal_fd(), "wb", closefd=True)  # noqa: SIM115
    terminal = _Terminal(raw, encoding=original.encoding, errors=original.errors, line_buffering=raw.isatty())
    os.dup2(log.fileno(), 2)
    python_side = open(2, "w", encoding="utf-8", errors="backslashreplace", buffering=1, closefd=False)  # noqa: SIM115
    sys.__stderr__ = terminal
    sys.stderr = _ScrubbedStream(python_side, scrub or Scrubber(os.environ))
    stdout = sys.__stdout__
    if raw.isatty() and not os.isatty(1):  # Textual reads the size from sys.__stdout__: the terminal's, not the file's
        sys.__stdout__ = terminal
    try:
        yield terminal
    finally:
        try:
            python_side.flush()
        finally:
            sys.stderr = current
            sys.__stderr__ = original
            sys.__stdout__ = stdout
            with suppress(OSError):  # a hung-up terminal (its window closed) takes no more output
                terminal.flush()
            os.dup2(saved, 2)
            os.close(saved)
            with suppress(OSError):
                terminal.close()  # the descriptor is closed even when the flush in it fails
            python_side.close()
            log.close()


def terminal_fd() -> int:
    """A private descriptor (non-inheritable: children never get the screen through it) of
    the terminal to draw on: fd 2's when it is one, as usual. With stderr redirected
    (`livetui 2>err.log`, a habit with noisy audio libraries) while the user types at a
    terminal (stdin is one), the console still belongs on that terminal, not in the file:
    stdout's, else the controlling terminal. Otherwise (no one at a terminal: a pipe, a
    test harness), fd 2 as it is."""
    if os.isatty(2) or not os.isatty(0):
        return os.dup(2)
    if os.isatty(1):
        return os.dup(1)
    try:
        return os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:  # no controlling terminal after all
        return os.dup(2)
