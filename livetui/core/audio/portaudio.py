"""One PortAudio session: started and stopped quietly, under one lock, its errors in words.

With no PortAudio (or no PyAudio) at all, this raises AudioUnavailable with one
line for a human; never a traceback, never a word on stderr. PyAudio is imported
only here and in stream.py, and only when a session starts, so its absence is
that one line.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ..sanitize import safe_text
from .quiet import quiet_stderr, silence_alsa

if TYPE_CHECKING:
    import pyaudio

SSH_HINT = "over SSH, forward your laptop's PulseAudio: see README 'Audio over SSH'"

# PortAudio's init, terminate and open are not thread-safe.
pa_lock = threading.RLock()


class AudioUnavailable(Exception):
    """Audio cannot work here. str() is one line: what is wrong, then how to fix it."""

    def __init__(self, message: str, hint: str = "") -> None:
        self.message = " ".join(message.split())
        self.hint = " ".join(hint.split())
        super().__init__(f"{self.message}; {self.hint}" if self.hint else self.message)


def pa_text(error: BaseException) -> str:
    """PyAudio raises OSError(text, code); make it read like a sentence."""
    if error.args and isinstance(error.args[0], str):
        return safe_text(error.args[0])
    return safe_text(str(error)) or type(error).__name__


def open_portaudio() -> pyaudio.PyAudio:
    try:
        import pyaudio
    except ImportError as e:
        raise AudioUnavailable("PyAudio is not installed", "pip install pyaudio (it builds against portaudio19-dev)") from e
    silence_alsa()
    with pa_lock, quiet_stderr():
        try:
            return pyaudio.PyAudio()
        except Exception as e:
            raise AudioUnavailable(f"PortAudio could not start: {pa_text(e)}", SSH_HINT) from e


def close_portaudio(pa: pyaudio.PyAudio) -> None:
    with pa_lock, quiet_stderr():
        pa.terminate()


@contextmanager
def portaudio_session() -> Iterator[pyaudio.PyAudio]:
    # A session per question: PortAudio lists devices when it starts, so a fresh
    # one sees devices (or a sound server) that appeared since.
    pa = open_portaudio()
    try:
        yield pa
    finally:
        close_portaudio(pa)
