"""SIGTERM and SIGHUP end the console as ctrl+q does (start-up code, used by cli.run).

Textual handles neither: by default they kill the process at once, leaving the
terminal on the alternate screen with mouse tracking on and the cursor hidden, the
answer being written lost, an empty conversation file behind and the simulator to
die on its own. Asking the app to exit instead runs the same path as ctrl+q: the
driver restores the terminal, `on_unmount` closes the transcript (fsync; an empty
one is removed) and stops the backend.
"""

from __future__ import annotations

import asyncio
import signal
from types import FrameType
from typing import Any, Protocol

STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class _Exits(Protocol):
    def exit(self, result: Any = None, return_code: int = 0, message: Any = None) -> None: ...


class StopOnSignals:
    """While active, SIGTERM and SIGHUP ask `app` to exit; `received` says which came first.

    The handler runs on the main thread between bytecodes, possibly in the middle of the
    event loop's own work: it only schedules the exit, thread-safely, for the loop to run.
    Before the loop runs, `exit` queues a message the app handles as soon as it starts.
    """

    def __init__(self, app: _Exits) -> None:
        self._app = app
        self.received: int | None = None
        self._saved: dict[int, Any] = {}

    def __enter__(self) -> StopOnSignals:
        for signum in STOP_SIGNALS:
            self._saved[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._saved.items():
            signal.signal(signum, handler)
        self._saved.clear()

    def exit_code(self, code: int) -> int:
        """The shell's convention for a program ended by a signal (143 for SIGTERM, 129 for
        SIGHUP), so a caller can tell it from a quit; otherwise the app's own code."""
        return 128 + self.received if self.received is not None else code

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.received is not None:
            return  # already ending: a second signal must not cut the clean-up short
        self.received = signum
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # the app's loop is not running (yet)
            self._app.exit()
        else:
            loop.call_soon_threadsafe(self._app.exit)
