"""Keeping PortAudio's, ALSA's and JACK's noise off the terminal.

Those C libraries print probe noise on fd 2 (not sys.stderr) when PortAudio
starts, lists devices or opens a stream. ALSA's messages go to a no-op handler;
the rest is muted by pointing fd 2 at /dev/null around those calls. While a
Textual app runs, fd 2 is its screen (Textual draws on sys.__stderr__), so such
an app should call divert_stderr() once before it starts.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

_quiet_lock = threading.Lock()
_quiet_depth = 0
_quiet_saved_fd = -1
_diverted = False


@contextmanager
def quiet_stderr() -> Iterator[None]:
    """Point fd 2 at /dev/null for the duration (C libraries write there, not to
    sys.stderr). Nestable and usable from several threads: fd 2 comes back when
    the last one leaves. A no-op once divert_stderr() has run."""
    global _quiet_depth, _quiet_saved_fd
    with _quiet_lock:
        if _quiet_depth == 0 and not _diverted:
            _flush_stderr()
            try:
                saved = os.dup(2)
            except OSError:  # fd 2 is closed: nothing to protect
                saved = -1
            if saved >= 0:
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, 2)
                os.close(null)
            _quiet_saved_fd = saved
        _quiet_depth += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_depth -= 1
            if _quiet_depth == 0 and _quiet_saved_fd >= 0:
                _flush_stderr()
                os.dup2(_quiet_saved_fd, 2)
                os.close(_quiet_saved_fd)
                _quiet_saved_fd = -1


def divert_stderr(to: str = os.devnull) -> IO[str]:
    """Point fd 2 at `to` (a log file, say) for the rest of the process, and
    return a text stream on what fd 2 was (the terminal).

    For a full-screen app: give it the returned stream to draw on (Textual uses
    sys.__stderr__), and C-level noise from any thread, at any time, lands in
    `to` instead of on the screen. quiet_stderr() becomes a no-op afterwards,
    since muting fd 2 would then mute nothing useful.
    """
    global _diverted
    with _quiet_lock:
        _flush_stderr()
        terminal = os.fdopen(os.dup(2), "w", buffering=1, encoding=sys.stderr.encoding if sys.stderr else "utf-8")
        target = os.open(to, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(target, 2)
        os.close(target)
        _diverted = True
    return terminal


def _flush_stderr() -> None:
    for stream in (sys.stderr, sys.__stderr__):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass


# ALSA reports through a handler that defaults to printing on stderr, from any
# thread (including PortAudio's), so it is replaced rather than muted by fd.
_ALSA_HANDLER_TYPE = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p)
_alsa_handler: Any = None  # the ctypes callback must stay alive while ALSA holds it


def _ignore_alsa_error(*_args: object) -> None:
    return None


def silence_alsa() -> None:
    """Give ALSA a handler that prints nothing (once per process; no ALSA: nothing to do)."""
    global _alsa_handler
    if _alsa_handler is not None:
        return
    try:
        lib = ctypes.CDLL("libasound.so.2")
        set_handler = lib.snd_lib_error_set_handler
    except (OSError, AttributeError):  # no ALSA here (macOS, or a bare container)
        _alsa_handler = False
        return
    handler = _ALSA_HANDLER_TYPE(_ignore_alsa_error)
    set_handler(handler)
    _alsa_handler = handler
    # A Python callback must not be called once the interpreter is gone.
    atexit.register(set_handler, None)
