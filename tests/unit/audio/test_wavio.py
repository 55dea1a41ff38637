"""Reading WAV prompts as 16 kHz mono, and recording both sides of a session."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import wave
from pathlib import Path

import numpy as np
import pytest

from livetui.core.audio.wavio import WavError, WavRecorder, read_wav_16k_mono

from .signals import pcm16, peak_hz, samples, tone

needs_sox = pytest.mark.skipif(shutil.which("sox") is None, reason="needs sox")


def write_wav(path: Path, frames: np.ndarray, rate: int, width: int) -> Path:
    """frames: float (n, channels) in [-1, 1), stored as `width`-byte integer PCM."""
    if width == 1:
        raw = np.rint(frames * 127 + 128).astype(np.uint8).tobytes()
    elif width == 2:
        raw = np.rint(frames * 32767).astype("<i2").tobytes()
    else:  # 24-bit: the low three bytes of each int32
        ints = np.rint(frames * (2**23 - 1)).astype("<i4").reshape(-1, 1).view(np.uint8)
        raw = ints.reshape(-1, 4)[:, :3].tobytes()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(frames.shape[1])
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(raw)
    return path


def stereo(rate: int, seconds: float) -> np.ndarray:
    """440 Hz in both channels, a 3 kHz tone in opposite phase in the two
    channels: a correct mix-down keeps only the 440 Hz."""
    a, b = tone(440, rate, seconds, 0.4), tone(3000, rate, seconds, 0.4)
    return np.stack([a + b, a - b], axis=1)


def assert_mono_440(pcm: bytes, seconds: float) -> None:
    assert abs(len(samples(pcm)) - 16000 * seconds) <= 2
    assert peak_hz(pcm, 16000) == pytest.approx(440, abs=3)
    spectrum = np.abs(np.fft.rfft(samples(pcm).astype(float)))
    freqs = np.fft.rfftfreq(len(samples(pcm)), 1 / 16000)
    assert spectrum[np.abs(freqs - 3000) < 20].max() < spectrum.max() / 100  # the opposite-phase tone cancelled


@pytest.mark.parametrize("width", [1, 2, 3])
def test_integer_pcm_at_any_rate_and_channels_becomes_16k_mono(tmp_path: Path, width: int) -> None:
    path = write_wav(tmp_path / f"in-{width}.wav", stereo(44100, 0.5), 44100, width)
    assert_mono_440(read_wav_16k_mono(path), 0.5)


@needs_sox
@pytest.mark.parametrize("bits", [24, 32])
def test_extensible_wavs_written_by_sox(tmp_path: Path, bits: int) -> None:
    # sox writes WAVE_FORMAT_EXTENSIBLE for these, which Python 3.11's wave rejects.
    path = tmp_path / f"s{bits}.wav"
    sox = ["sox", "-n", "-b", str(bits), "-r", "48000", "-c", "2", str(path)]
    subprocess.run([*sox, "synth", "0.5", "sine", "440"], check=True)
    assert path.read_bytes()[20:22] == b"\xfe\xff"
    assert_mono_440(read_wav_16k_mono(path), 0.5)


def test_16k_mono_16bit_comes_back_unchanged(tmp_path: Path) -> None:
    x = tone(440, 16000, 0.3).reshape(-1, 1)
    path = write_wav(tmp_path / "same.wav", x, 16000, 2)
    assert read_wav_16k_mono(path) == pcm16(x.ravel())


def test_a_writer_that_died_before_patching_the_header(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "cut.wav", tone(440, 16000, 0.3).reshape(-1, 1), 16000, 2)
    data = bytearray(path.read_bytes())
    data[40:44] = b"\xff\xff\xff\xff"  # data size: "until the end"
    path.write_bytes(bytes(data[:-1]))  # and a cut-off last sample
    assert len(samples(read_wav_16k_mono(path))) == 16000 * 0.3 - 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b"hello, this is text\n", "not a WAV file"),
        (b"RIFF\x04\x00\x00\x00WAVE", "no fmt chunk"),
    ],
)
def test_bad_files_say_what_is_wrong_and_name_the_file(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.wav"
    path.write_bytes(content)
    with pytest.raises(WavError, match=message) as error:
        read_wav_16k_mono(path)
    assert str(path) in str(error.value)


@needs_sox
def test_float_wav_is_refused_with_a_conversion_hint(tmp_path: Path) -> None:
    path = tmp_path / "f.wav"
    sox = ["sox", "-n", "-e", "floating-point", "-b", "32", str(path)]
    subprocess.run([*sox, "synth", "0.1", "sine", "440"], check=True)
    with pytest.raises(WavError) as error:
        read_wav_16k_mono(path)
    message = str(error.value)
    assert str(path) in message and "32-bit float" in message and "sox" in message and "-b 16" in message


def test_missing_file_and_silent_file(tmp_path: Path) -> None:
    with pytest.raises(WavError, match="cannot read") as error:
        read_wav_16k_mono(tmp_path / "nope.wav")
    assert "nope.wav" in str(error.value)
    empty = write_wav(tmp_path / "none.wav", np.zeros((0, 1)), 16000, 2)
    with pytest.raises(WavError, match="no audio"):
        read_wav_16k_mono(empty)


def read_back(path: Path) -> tuple[int, int, int, bytes]:
    with wave.open(str(path)) as w:
        return w.getframerate(), w.getnchannels(), w.getsampwidth(), w.readframes(w.getnframes())


def test_recorder_writes_both_sides_from_two_threads(tmp_path: Path) -> None:
    you = pcm16(tone(300, 16000, 1.0))
    model = pcm16(tone(500, 24000, 1.5))
    rec = WavRecorder(tmp_path / "rec")
    assert not rec.input_path.exists() and not rec.output_path.exists()  # lazily created
    capture = threading.Thread(target=lambda: [rec.write_input(you[i : i + 640]) for i in range(0, len(you), 640)])
    capture.start()
    for i in range(0, len(model), 1920):
        rec.write_output(model[i : i + 1920])
    capture.join()
    rec.close()
    rec.write_input(you)  # after close: ignored, not an error
    assert rec.input_path.name.endswith("-you-16k.wav")
    assert rec.output_path.name.endswith("-model-24k.wav")
    assert read_back(rec.input_path) == (16000, 1, 2, you)
    assert read_back(rec.output_path) == (24000, 1, 2, model)


def test_recorder_headers_are_valid_before_close(tmp_path: Path) -> None:
    # What a crash would leave behind: every write is already readable.
    rec = WavRecorder(tmp_path)
    chunk = pcm16(tone(300, 16000, 0.02))
    rec.write_input(chunk)
    rec.write_input(chunk)
    assert read_back(rec.input_path) == (16000, 1, 2, chunk * 2)
    assert not rec.output_path.exists()  # nothing said by the model: no file
    rec.close()
    rec.close()


def test_recorder_never_overwrites_an_earlier_recording(tmp_path: Path) -> None:
    first = WavRecorder(tmp_path, stem="20250101-120000")
    first.write_input(bytes(640))
    first.close()
    second = WavRecorder(tmp_path, stem="20250101-120000")
    second.write_input(bytes(320))
    second.close()
    assert first.input_path != second.input_path
    assert read_back(first.input_path)[3] == bytes(640)
    assert read_back(second.input_path)[3] == bytes(320)


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_special_files_are_refused_before_reading(tmp_path: Path, kind: str) -> None:
    # /dev/zero would be read forever and a FIFO would wait for a writer: stat says no first
    if kind == "fifo":
        path = tmp_path / "pipe.wav"
        os.mkfifo(path)
        what = "a FIFO (named pipe)"
    elif kind == "device":
        path, what = Path("/dev/zero"), "a character device"
    else:
        path, what = tmp_path, "a folder"
    result: list[BaseException] = []
    thread = threading.Thread(target=lambda: result.append(pytest.raises(WavError, read_wav_16k_mono, path).value), daemon=True)
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), "read_wav_16k_mono blocked on a special file"
    assert str(result[0]) == f"{path}: is {what}, not a WAV file"
