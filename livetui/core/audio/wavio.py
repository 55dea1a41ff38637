"""WAV files: reading a prompt to send (any common PCM WAV, to 16 kHz mono) and
recording both sides of a conversation."""

from __future__ import annotations

import os
import shlex
import struct
import threading
import wave
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Self

import numpy as np
import soxr

from ..files import special_file
from ..private import make_private_dirs
from .pcm import SAMPLE_WIDTH

INPUT_RATE = 16000  # what the Live API takes
OUTPUT_RATE = 24000  # what it returns

_PCM = 0x0001
_FLOAT = 0x0003
_EXTENSIBLE = 0xFFFE


class WavError(ValueError):
    """A file that is not a WAV we can read; the message names the file and,
    where it can, says how to convert it."""


def _fix_hint(path: Path) -> str:
    return f"convert with: sox {shlex.quote(str(path))} -b 16 out.wav"


def _riff_chunks(path: Path, data: bytes) -> tuple[tuple[int, int, int, int], bytes]:
    """(format tag, channels, rate, bits) and the sample data of a RIFF WAVE file.

    Not `wave`: Python 3.11's reader rejects WAVE_FORMAT_EXTENSIBLE, which sox,
    ffmpeg and most editors write for 24-bit and multichannel files.
    """
    if not data:
        raise WavError(f"{path}: file is empty")
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise WavError(f"{path}: not a WAV file (no RIFF/WAVE header)")
    fmt: tuple[int, int, int, int] | None = None
    samples: bytes | None = None
    pos = 12
    while pos + 8 <= len(data) and (fmt is None or samples is None):
        chunk_id = data[pos : pos + 4]
        (size,) = struct.unpack_from("<I", data, pos + 4)
        body = data[pos + 8 : pos + 8 + size]  # a writer that died leaves a short or unpatched size
        if chunk_id == b"fmt ":
            if len(body) < 16:
                raise WavError(f"{path}: broken WAV header (fmt chunk of {len(body)} bytes)")
            tag, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", body)
            if tag == _EXTENSIBLE and len(body) >= 26:
                (tag,) = struct.unpack_from("<H", body, 24)  # the sub-format GUID starts with the real tag
            fmt = (tag, channels, rate, bits)
        elif chunk_id == b"data":
            samples = body
        pos += 8 + size + (size & 1)  # chunks are word-aligned
    if fmt is None:
        raise WavError(f"{path}: broken WAV file (no fmt chunk)")
    if samples is None:
        raise WavError(f"{path}: broken WAV file (no data chunk)")
    return fmt, samples


def _decode(path: Path, tag: int, channels: int, bits: int, samples: bytes) -> np.ndarray:
    """Integer PCM as float32 in [-1, 1), shape (frames, channels)."""
    if tag == _FLOAT:
        raise WavError(f"{path}: {bits}-bit float WAV is not supported; {_fix_hint(path)}")
    if tag != _PCM:
        raise WavError(f"{path}: WAV encoding {tag:#06x} is not supported, only integer PCM; {_fix_hint(path)}")
    if bits not in (8, 16, 24, 32) or channels < 1:
        raise WavError(f"{path}: {bits}-bit, {channels}-channel WAV is not supported; {_fix_hint(path)}")
    width = bits // 8
    usable = len(samples) - len(samples) % (width * channels)  # a cut-off last frame is dropped
    raw = np.frombuffer(samples, dtype=np.uint8, count=usable)
    if bits == 8:  # 8-bit WAV is unsigned
        x = (raw.astype(np.float32) - 128.0) / 128.0
    elif bits == 16:
        x = raw.view("<i2").astype(np.float32) / 32768.0
    elif bits == 24:
        # Put each 3-byte sample in the top of a 4-byte word, so the sign comes along.
        words = np.zeros((usable // 3, 4), dtype=np.uint8)
        words[:, 1:] = raw.reshape(-1, 3)
        x = words.view("<i4").ravel().astype(np.float32) / 2.0**31
    else:
        x = raw.view("<i4").astype(np.float32) / 2.0**31
    return x.reshape(-1, channels)


def read_wav_16k_mono(path: str | os.PathLike[str]) -> bytes:
    """Any 8/16/24/32-bit integer PCM WAV, at any rate and channel count, as
    16 kHz mono PCM16 (what the Live API takes). Raises WavError, naming the
    file, for anything else."""
    path = Path(path)
    try:
        if (kind := special_file(path)) is not None:  # /dev/zero or a FIFO would never end
            raise WavError(f"{path}: is {kind}, not a WAV file")
        data = path.read_bytes()
    except OSError as e:
        raise WavError(f"{path}: cannot read ({e.strerror or e})") from e
    (tag, channels, rate, bits), samples = _riff_chunks(path, data)
    if rate <= 0:
        raise WavError(f"{path}: broken WAV header (sample rate {rate})")
    frames = _decode(path, tag, channels, bits, samples)
    if not len(frames):
        raise WavError(f"{path}: no audio in the file")
    mono = frames.mean(axis=1, dtype=np.float32)
    if rate != INPUT_RATE:
        mono = soxr.resample(mono, rate, INPUT_RATE)
    return np.clip(np.rint(mono * 32768.0), -32768, 32767).astype("<i2").tobytes()


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
