"""WAV files: recording both sides of a conversation. Reading a prompt to send (any
common PCM WAV, to 16 kHz mono) is in wavread.py; its names stay importable from here."""

from __future__ import annotations

import os
import threading
import wave
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Self

from ..private import make_private_dirs
from .pcm import SAMPLE_WIDTH
from .rates import INPUT_RATE, OUTPUT_RATE
from .wavread import WavError, read_wav_16k_mono

__all__ = ["WavError", "WavRecorder", "read_wav_16k_mono"]


def _private(path: str, flags: int) -> int:
    """open()'s opener: the recording is created 0600, whatever the umask."""
    fd = os.open(path, flags, 0o600)
    os.fchmod(fd, 0o600)
    return fd


class _WavSink:
    """One PCM16 mono WAV file, opened on the first write."""

    def __init__(self, path: Path, rate: int) -> None:
        self.path = path
        self.rate = rate
        self._lock = threading.Lock()
        self._file: BinaryIO | None = None
        self._wav: wave.Wave_write | None = None
        self._closed = False

    def write(self, pcm: bytes) -> None:
        if len(pcm) % SAMPLE_WIDTH:
            raise ValueError(f"PCM16 data of {len(pcm)} bytes is not a whole number of samples")
        with self._lock:
            if self._closed or not pcm:
                return  # a capture callback may still fire after close()
            if self._wav is None:
                # Both stay open across writes and are closed in close(); "x":
                # never overwrite an earlier recording.
                self._file = open(self.path, "xb", opener=_private)  # noqa: SIM115
                self._wav = wave.open(self._file, "wb")  # noqa: SIM115
                self._wav.setnchannels(1)
                self._wav.setsampwidth(SAMPLE_WIDTH)
                self._wav.setframerate(self.rate)
            # writeframes (not writeframesraw) rewrites the header's lengths each
            # time, and the flush hands it to the OS: a crash loses almost nothing.
            self._wav.writeframes(pcm)
            assert self._file is not None
            self._file.flush()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            try:
                if self._wav is not None:
                    self._wav.close()  # patches the header; leaves our file open
            finally:
                if self._file is not None:
                    self._file.close()
                self._wav = self._file = None


class WavRecorder:
    """Records what you said (16 kHz) and what the model said (24 kHz) as
    `<stamp>-you-16k.wav` and `<stamp>-model-24k.wav` in `dir`. Each file is
    created on its first write, so a text-only session leaves none.

    Thread-safe: the capture thread may write input while the loop writes
    output; each file has its own lock. Disk writes can stall, so feed it from
    a queue's consumer rather than from inside a PortAudio callback.
    """

    def __init__(self, dir: str | os.PathLike[str], stem: str | None = None) -> None:
        self.dir = Path(dir)
        make_private_dirs(self.dir)  # what it creates is 0700: recordings are what you said
        stem = stem or datetime.now().strftime("%Y%m%d-%H%M%S")
        base, n = stem, 1
        while self._paths(stem)[0].exists() or self._paths(stem)[1].exists():  # two in one second
            n += 1
            stem = f"{base}-{n}"
        self.stem = stem
        you, model = self._paths(stem)
        self._input = _WavSink(you, INPUT_RATE)
        self._output = _WavSink(model, OUTPUT_RATE)

    def _paths(self, stem: str) -> tuple[Path, Path]:
        return self.dir / f"{stem}-you-16k.wav", self.dir / f"{stem}-model-24k.wav"

    @property
    def input_path(self) -> Path:
        """Where your side goes (it exists after the first write_input)."""
        return self._input.path

    @property
    def output_path(self) -> Path:
        """Where the model's side goes (it exists after the first write_output)."""
        return self._output.path

    def write_input(self, pcm: bytes) -> None:
        """Your audio: PCM16 mono at 16 kHz."""
        self._input.write(pcm)

    def write_output(self, pcm: bytes) -> None:
        """The model's audio: PCM16 mono at 24 kHz."""
        self._output.write(pcm)

    def close(self) -> None:
        """Finish both files; later writes are ignored. Safe to call twice."""
        try:
            self._input.close()
        finally:
            self._output.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
