"""A WAV file sent as the user's turn: read from disk a block at a time and sent at the
pace of speech, so a file of hours costs no more memory than one of seconds. Its
progress can be read from any thread (the UI's timer pulls it) and it can be stopped
from any thread; `run` returns what was sent either way."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from .audio.rates import INPUT_RATE
from .audio.wavread import WavStream
from .sanitize import safe_text

_NAME_CELLS = 24  # a long file name is shortened in the status bar


def clock(seconds: float) -> str:
    """0:07, 12:34, 1:45:03."""
    m, s = divmod(int(seconds), 60)
    h, m = divmod(m, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


@dataclass(frozen=True)
class FileSent:
    """How a file's sending ended, for the line the chat shows."""

    name: str
    seconds: float  # of audio sent
    total: float  # the file's length
    stopped: bool  # by the user (Escape or another /wav), before its end

    def summary(self) -> str:
        name = safe_text(self.name)
        if self.stopped:
            return f"stopped sending {name} at {clock(self.seconds)}"
        return f"sent {name} ({self.seconds:.1f} s of audio)"


class FileSend:
    """One file being sent; `Voice.send_file` owns it and closes the turn around `run`."""

    def __init__(self, stream: WavStream) -> None:
        self.stream = stream
        self.name = stream.path.name
        self.total = stream.seconds
        self.sent = 0.0  # seconds of audio sent so far
        self.finished = asyncio.Event()  # set by the owner once the turn is closed
        self._stopping = False

    def stop(self) -> None:
        """From any thread: the sending stops before its next chunk (one chunk_ms at most)."""
        self._stopping = True

    def progress(self) -> str:
        """'sending name.wav 0:12 / 1:45:03' for the status bar."""
        name = safe_text(self.name)
        if len(name) > _NAME_CELLS:
            name = name[: _NAME_CELLS - 1] + "…"
        return f"sending {name} {clock(self.sent)} / {clock(self.total)}"

    async def run(self, put: Callable[[bytes], None], chunk_bytes: int) -> FileSent:
        """Put the file's audio in chunks of `chunk_bytes`, each when its time comes (the
        first at once), until its end or stop(). Blocks are read in a thread: a slow disk
        must not hold up the loop that also receives the answer."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        sent = 0  # bytes
        pending = b""
        ended = False
        while not self._stopping:
            if len(pending) < chunk_bytes:
                block = await asyncio.to_thread(self.stream.read_block)
                if block is not None:
                    pending += block
                    continue
                if not pending:
                    ended = True
                    break
            piece, pending = pending[:chunk_bytes], pending[chunk_bytes:]
            delay = start + sent / 2 / INPUT_RATE - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
                if self._stopping:
                    break
            put(piece)
            sent += len(piece)
            self.sent = sent / 2 / INPUT_RATE
        return FileSent(self.name, self.sent, self.total, stopped=not ended)
