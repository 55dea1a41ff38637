"""The streaming WAV reader: the same samples as reading the whole file, the same refusals,
and memory that does not grow with the file."""

from __future__ import annotations

import os
import struct
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livetui.core.audio.wavread import WavError, open_wav, read_wav_16k_mono


def riff(fmt: bytes, data: bytes, data_size: int | None = None, extra: bytes = b"") -> bytes:
    """A RIFF WAVE file: a fmt chunk, optional `extra` chunks, and a data chunk whose
    header may claim `data_size` instead of its real length (a writer that died)."""
    size = len(data) if data_size is None else data_size
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + extra + b"data" + struct.pack("<I", size) + data
    return b"RIFF" + struct.pack("<I", len(body) & 0xFFFFFFFF) + body


def pcm_fmt(channels: int, rate: int, bits: int, extensible: bool = False) -> bytes:
    block = channels * bits // 8
    head = struct.pack("<HHIIHH", 0xFFFE if extensible else 1, channels, rate, rate * block, block, bits)
    if extensible:  # cbSize, valid bits, channel mask, then the sub-format GUID (PCM)
        head += struct.pack("<HHI", 22, bits, 0) + b"\x01\x00\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
    return head


def noise(frames: int, channels: int, bits: int, seed: int) -> bytes:
    """Random integer PCM at full scale, as the file stores it."""
    rng = np.random.default_rng(seed)
    width = bits // 8
    return rng.integers(0, 256, size=frames * channels * width, dtype=np.uint8).tobytes()


def streamed(path: Path, block_ms: int = 100) -> bytes:
    with open_wav(path, block_ms) as wav:
        return b"".join(wav.blocks())


@pytest.mark.parametrize("bits", [8, 16, 24, 32])
@pytest.mark.parametrize(("rate", "channels"), [(16000, 1), (44100, 2), (48000, 6), (8000, 1), (22050, 3)])
def test_streaming_gives_the_samples_of_the_whole_file(tmp_path: Path, bits: int, rate: int, channels: int) -> None:
    path = tmp_path / "x.wav"
    path.write_bytes(riff(pcm_fmt(channels, rate, bits), noise(rate + 123, channels, bits, seed=bits)))
    whole = read_wav_16k_mono(path)
    assert len(whole) // 2 == pytest.approx((rate + 123) * 16000 / rate, abs=1)
    assert streamed(path) == whole


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rate=st.sampled_from([8000, 11025, 16000, 22050, 32000, 44100, 48000, 96000]),
    channels=st.integers(1, 4),
    bits=st.sampled_from([8, 16, 24, 32]),
    frames=st.integers(1, 30000),
    block_ms=st.integers(1, 250),
    cut=st.integers(0, 7),
    extensible=st.booleans(),
)
def test_any_block_size_gives_the_same_samples(tmp_path: Path, rate: int, channels: int, bits: int, frames: int,
                                               block_ms: int, cut: int, extensible: bool) -> None:
    """Whatever the format and block size, and with a cut-off last frame and an unpatched
    data size (a recorder that died), streaming gives exactly the whole-file samples."""
    data = noise(frames, channels, bits, seed=frames)
    data = data[: max(1, len(data) - cut)]
    path = tmp_path / "h.wav"
    path.write_bytes(riff(pcm_fmt(channels, rate, bits, extensible), data, data_size=0xFFFFFFFF if cut else None))
    try:
        whole = read_wav_16k_mono(path)
    except WavError as error:  # less than one whole frame left
        assert "no audio" in str(error)
        return
    with open_wav(path, block_ms) as wav:
        assert wav.frames == len(data) // (channels * bits // 8)
        assert wav.seconds == wav.frames / rate
        assert b"".join(wav.blocks()) == whole


def test_chunks_around_and_after_the_data_are_skipped(tmp_path: Path) -> None:
    fmt = pcm_fmt(1, 16000, 16)
    data = noise(1600, 1, 16, seed=1)
    odd = b"LIST" + struct.pack("<I", 3) + b"abc\x00"  # an odd size: padded to a word
    path = tmp_path / "x.wav"
    path.write_bytes(riff(fmt, data, extra=odd) + b"junk" + struct.pack("<I", 4) + b"1234")
    assert streamed(path) == data == read_wav_16k_mono(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b"hello, this is text\n", "not a WAV file (no RIFF/WAVE header)"),
        (b"RIFF\x04\x00\x00\x00WAVE", "broken WAV file (no fmt chunk)"),
        (riff(pcm_fmt(1, 16000, 16), b"")[:36], "broken WAV file (no data chunk)"),
        (riff(b"\x01\x00\x01\x00", b"\x00\x00"), "broken WAV header (fmt chunk of 4 bytes)"),
        (riff(pcm_fmt(1, 0, 16), b"\x00\x00"), "broken WAV header (sample rate 0)"),
        (riff(struct.pack("<HHIIHH", 3, 1, 16000, 64000, 4, 32), b"\x00" * 8), "32-bit float WAV is not supported"),
        (riff(struct.pack("<HHIIHH", 7, 1, 8000, 8000, 1, 8), b"\x00" * 8), "WAV encoding 0x0007 is not supported"),
        (riff(pcm_fmt(1, 16000, 12), b"\x00" * 8), "12-bit, 1-channel WAV is not supported"),
        (riff(pcm_fmt(2, 16000, 16), b"\x00\x00"), "no audio in the file"),
    ],
)
def test_bad_files_are_refused_alike_before_any_audio(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.wav"
    path.write_bytes(content)
    for read in (open_wav, read_wav_16k_mono):
        with pytest.raises(WavError) as error:
            read(path)
        assert str(error.value).startswith(f"{path}: ") and message in str(error.value)


def test_special_files_are_refused_without_reading_them(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.wav"
    os.mkfifo(fifo)  # opening it would wait for a writer for ever
    for path, kind in ((fifo, "a FIFO (named pipe)"), (Path("/dev/zero"), "a character device"), (tmp_path, "a folder")):
        with pytest.raises(WavError, match="not a WAV file") as error:
            open_wav(path)
        assert str(error.value) == f"{path}: is {kind}, not a WAV file"
    with pytest.raises(WavError, match="cannot read"):
        open_wav(tmp_path / "nope.wav")


def test_a_200_mb_file_streams_in_constant_memory(tmp_path: Path) -> None:
    """The data chunk is never read whole: a sparse 200 MB file (zeros on disk for free)
    read block by block never holds more than a few blocks' worth."""
    path = tmp_path / "huge.wav"
    size = 200 * 1024 * 1024
    with open(path, "wb") as out:
        out.write(riff(pcm_fmt(2, 48000, 16), b"", data_size=size - 44))
        out.truncate(size)
    tracemalloc.start()
    try:
        with open_wav(path) as wav:
            assert wav.seconds == pytest.approx((size - 44) / 4 / 48000)
            read = sum(len(block) for block in wav.blocks())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert read // 2 == pytest.approx(wav.seconds * 16000, abs=1)
    assert peak < 4 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB while reading a 200 MB file"
