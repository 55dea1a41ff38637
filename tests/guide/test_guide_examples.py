"""Every complete program in Google's Live API guide, run unmodified against `livetui-sim`
with only the three environment variables it prints. Their audio files are made here.

The guide was written for 2025: its programs name `gemini-live-2.5-flash-preview`, shut
down on 2025-12-09, so the simulator runs with `--retired-models`, which serves it as it
behaved then. Without the switch they are refused as today's service refuses them."""

from __future__ import annotations

import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from livetui.testing.simproc import SimProcess, clean_env

from ..protocol.helpers import speech_pcm, write_wav

PROGRAMS = Path(__file__).parent / "programs"
QUESTION = "what is the weather"


@pytest.fixture(scope="module")
def sim():
    with SimProcess("--speed", "max", "--retired-models") as proc:
        yield proc


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    write_wav(tmp_path / "sample.wav", speech_pcm(QUESTION, rate=22050), 22050)
    (tmp_path / "16000.pcm").write_bytes(speech_pcm(QUESTION))
    (tmp_path / "sample.pcm").write_bytes(speech_pcm(QUESTION))
    return tmp_path


def run(program: str, sim: SimProcess, cwd: Path) -> str:
    result = subprocess.run(
        [sys.executable, str(PROGRAMS / f"{program}.py")],
        cwd=cwd,
        env=clean_env(**sim.exports),
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_establishing_a_connection(sim, workdir):
    assert run("connect", sim, workdir) == "Session started\n"


def test_sending_and_receiving_text(sim, workdir):
    out = run("text", sim, workdir)
    assert "simulator" in out and out.strip()


def test_incremental_content_updates(sim, workdir):
    assert "Berlin" in run("incremental", sim, workdir)


def test_audio_to_text(sim, workdir):
    out = run("audio_to_text", sim, workdir)
    assert "weather" in out.lower()


def test_text_to_audio(sim, workdir):
    run("text_to_audio", sim, workdir)
    with wave.open(str(workdir / "audio.wav")) as w:
        assert w.getframerate() == 24000
        frames = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    assert len(frames) / 24000 > 1.0
    assert np.abs(frames).max() > 3000, "speech, not silence"


def test_output_transcription(sim, workdir):
    out = run("output_transcription", sim, workdir)
    transcript = " ".join(line.removeprefix("Transcript: ") for line in out.splitlines() if line.startswith("Transcript: "))
    assert "simulator" in transcript
    assert "Model turn:" in out


def test_input_transcription(sim, workdir):
    out = run("input_transcription", sim, workdir)
    assert out.startswith("Transcript: ")
    assert "what is the weather" in out


def test_automatic_vad(sim, workdir):
    out = run("automatic_vad", sim, workdir)
    assert "weather" in out.lower()


def test_without_the_switch_the_guides_model_is_not_found(workdir):
    with SimProcess("--speed", "max") as today:
        result = subprocess.run(
            [sys.executable, str(PROGRAMS / "connect.py")], cwd=workdir, env=clean_env(**today.exports),
            capture_output=True, text=True, timeout=90,
        )
    assert result.returncode != 0 and "Session started" not in result.stdout
    assert "1008 None. models/gemini-live-2.5-flash-preview is not found for API version" in result.stderr


def test_every_program_is_covered():
    tested = {name.removeprefix("test_") for name in globals() if name.startswith("test_")}
    assert len(list(PROGRAMS.glob("*.py"))) == 8
    assert len(tested) >= 8
