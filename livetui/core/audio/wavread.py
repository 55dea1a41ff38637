"""Reading WAV prompts: any common integer PCM WAV as 16 kHz mono PCM16, what the Live
API takes. `open_wav` streams it from disk block by block, so memory does not depend on
the file's size (a 200 MB file costs what a 2 s one does); `read_wav_16k_mono` is the
whole file at once, for short ones."""

from __future__ import annotations

import os
import shlex
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Self

import numpy as np
import soxr

from ..files import special_file
from .rates import INPUT_RATE

_PCM = 0x0001
_FLOAT = 0x0003
_EXTENSIBLE = 0xFFFE


class WavError(ValueError):
    """A file that is not a WAV we can read; the message names the file and,
    where it can, says how to convert it."""


def _fix_hint(path: Path) -> str:
    return f"convert with: sox {shlex.quote(str(path))} -b 16 out.wav"


def _open(path: Path) -> BinaryIO:
    """The file, opened for reading, or WavError. Special files are refused before
    opening (opening a FIFO waits for a writer; /dev/zero never ends), and checked
    again once open, in case the path changed in between."""
    try:
        if (kind := special_file(path)) is not None:
            raise WavError(f"{path}: is {kind}, not a WAV file")
        file = open(path, "rb")  # noqa: SIM115 - the stream owns it and closes it
    except OSError as e:
        raise WavError(f"{path}: cannot read ({e.strerror or e})") from e
    if (kind := special_file(os.fstat(file.fileno()))) is not None:
        file.close()
        raise WavError(f"{path}: is {kind}, not a WAV file")
    return file


def _chunks(path: Path, file: BinaryIO) -> tuple[tuple[int, int, int, int], int, int]:
    """(format tag, channels, rate, bits), and where the sample data starts and how many
    bytes of it the file holds, from the RIFF chunk headers alone: the data is not read.

    Not `wave`: Python 3.11's reader rejects WAVE_FORMAT_EXTENSIBLE, which sox,
    ffmpeg and most editors write for 24-bit and multichannel files.
    """
    size_on_disk = os.fstat(file.fileno()).st_size
    head = file.read(12)
    if not head:
        raise WavError(f"{path}: file is empty")
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        raise WavError(f"{path}: not a WAV file (no RIFF/WAVE header)")
    fmt: tuple[int, int, int, int] | None = None
    data: tuple[int, int] | None = None
    pos = 12
    while pos + 8 <= size_on_disk and (fmt is None or data is None):
        file.seek(pos)
        chunk_id, size = struct.unpack("<4sI", file.read(8))
        # A writer that died leaves a short or unpatched size: what the file holds counts.
        held = max(0, min(size, size_on_disk - pos - 8))
        if chunk_id == b"fmt ":
            body = file.read(min(held, 26))
            if len(body) < 16:
                raise WavError(f"{path}: broken WAV header (fmt chunk of {held} bytes)")
            tag, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", body)
            if tag == _EXTENSIBLE and len(body) >= 26:
                (tag,) = struct.unpack_from("<H", body, 24)  # the sub-format GUID starts with the real tag
            fmt = (tag, channels, rate, bits)
        elif chunk_id == b"data":
            data = (pos + 8, held)
        pos += 8 + size + (size & 1)  # chunks are word-aligned
    if fmt is None:
        raise WavError(f"{path}: broken WAV file (no fmt chunk)")
    if data is None:
        raise WavError(f"{path}: broken WAV file (no data chunk)")
    return fmt, *data


def _check_format(path: Path, tag: int, channels: int, rate: int, bits: int) -> None:
    if rate <= 0:
        raise WavError(f"{path}: broken WAV header (sample rate {rate})")
    if tag == _FLOAT:
        raise WavError(f"{path}: {bits}-bit float WAV is not supported; {_fix_hint(path)}")
    if tag != _PCM:
        raise WavError(f"{path}: WAV encoding {tag:#06x} is not supported, only integer PCM; {_fix_hint(path)}")
    if bits not in (8, 16, 24, 32) or channels < 1:
        raise WavError(f"{path}: {bits}-bit, {channels}-channel WAV is not supported; {_fix_hint(path)}")


def _mono(samples: bytes, channels: int, bits: int) -> np.ndarray:
    """Integer PCM frames mixed down to mono float32 in [-1, 1); a cut-off last frame is dropped."""
    width = bits // 8
    usable = len(samples) - len(samples) % (width * channels)
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
    return x.reshape(-1, channels).mean(axis=1, dtype=np.float32)


def _pcm16(mono: np.ndarray) -> bytes:
    return np.clip(np.rint(mono * 32768.0), -32768, 32767).astype("<i2").tobytes()


class WavStream:
    """An open WAV file read as 16 kHz mono PCM16 in blocks of about `block_ms`, each
    converted on its own (soxr's streaming resampler gives the same samples as resampling
    the whole file). Not thread-safe: one reader at a time."""

    def __init__(self, path: str | os.PathLike[str], block_ms: int = 100) -> None:
        """Reads the header only; raises WavError (naming the file) for anything that is
        not a WAV we can read, before any audio is read."""
        self.path = Path(path)
        self._file = _open(self.path)
        try:
            (tag, self.channels, self.rate, self.bits), start, held = _chunks(self.path, self._file)
            _check_format(self.path, tag, self.channels, self.rate, self.bits)
        except BaseException:
            self._file.close()
            raise
        frame = self.bits // 8 * self.channels
        self.frames = held // frame
        if not self.frames:
            self._file.close()
            raise WavError(f"{self.path}: no audio in the file")
        self._file.seek(start)
        self._left = held  # bytes of sample data not read yet
        self._block = max(1, self.rate * block_ms // 1000) * frame
        self._resampler = None if self.rate == INPUT_RATE else soxr.ResampleStream(self.rate, INPUT_RATE, 1, dtype="float32")

    @property
    def seconds(self) -> float:
        """How long the file plays, from its header."""
        return self.frames / self.rate

    def read_block(self) -> bytes | None:
        """The next block as 16 kHz mono PCM16 (possibly empty while the resampler fills),
        or None after the last one."""
        if self._left <= 0 or self._file.closed:
            return None
        want = min(self._block, self._left)
        raw = self._file.read(want)
        last = len(raw) < want or self._left - len(raw) <= 0  # the file may shrink while we read
        self._left = 0 if last else self._left - len(raw)
        mono = _mono(raw, self.channels, self.bits)
        if self._resampler is not None:
            mono = self._resampler.resample_chunk(mono, last=last)
        return _pcm16(mono)

    def blocks(self) -> Iterator[bytes]:
        """Every block, in order."""
        while (block := self.read_block()) is not None:
            yield block

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_wav(path: str | os.PathLike[str], block_ms: int = 100) -> WavStream:
    """Any 8/16/24/32-bit integer PCM WAV, at any rate and channel count, to be read as
    16 kHz mono PCM16 block by block. Raises WavError, naming the file, for anything else."""
    return WavStream(path, block_ms)


def read_wav_16k_mono(path: str | os.PathLike[str]) -> bytes:
    """The whole of a WAV file (see open_wav) as 16 kHz mono PCM16, in memory at once:
    for short files. Raises WavError, naming the file, as open_wav does."""
    with open_wav(path) as wav:
        mono = _mono(wav._file.read(wav._left), wav.channels, wav.bits)
    if wav.rate != INPUT_RATE:
        mono = soxr.resample(mono, wav.rate, INPUT_RATE)
    return _pcm16(mono)
