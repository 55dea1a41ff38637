"""`livetui-sim` as a command: its three lines, its log, its exit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from livetui.testing.simproc import SimProcess, clean_env

HELLO = """
import asyncio
from google import genai
async def main():
    client = genai.Client()
    config = {"response_modalities": ["AUDIO"], "output_audio_transcription": {}}
    async with client.aio.live.connect(model="gemini-3.8-live", config=config) as s:
        await s.send_client_content(turns={"role": "user", "parts": [{"text": "What is the capital of France?"}]})
        async for r in s.receive():
            if r.server_content and r.server_content.output_transcription:
                print(r.server_content.output_transcription.text, end="")
asyncio.run(main())
"""
# A program written for the 2025 API: a model shut down on 2025-12-09, TEXT answers.
HELLO_2025 = """
import asyncio
from google import genai
async def main():
    client = genai.Client()
    async with client.aio.live.connect(model="gemini-live-2.5-flash-preview", config={"response_modalities": ["TEXT"]}) as s:
        await s.send_client_content(turns={"role": "user", "parts": [{"text": "What is the capital of France?"}]})
        async for r in s.receive():
            if r.text: print(r.text, end="")
asyncio.run(main())
"""


def test_prints_three_exports_then_serves_until_ctrl_c(tmp_path: Path):
    log = tmp_path / "frames.jsonl"
    ca = tmp_path / "ca.pem"
    sim = SimProcess("--log", str(log), "--ca-file", str(ca), "--speed", "max")
    try:
        assert [line.split("=")[0] for line in sim.lines] == [
            "export GOOGLE_GEMINI_BASE_URL",
            "export SSL_CERT_FILE",
            "export GEMINI_API_KEY",
        ]
        assert sim.exports["GOOGLE_GEMINI_BASE_URL"].startswith("https://127.0.0.1:")
        assert sim.exports["SSL_CERT_FILE"] == str(ca) and "BEGIN CERTIFICATE" in ca.read_text()
        result = subprocess.run([sys.executable, "-c", HELLO], env=clean_env(**sim.exports), capture_output=True, text=True, timeout=60)
        assert "Paris" in result.stdout, result.stderr
    finally:
        code, err = sim.stop()
    assert code == 0
    assert "Traceback" not in err
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert {r["dir"] for r in records} == {"in", "out"}
    assert all(isinstance(r["t"], float) and isinstance(r["conn"], int) for r in records)
    assert "GenerativeService.BidiGenerateContent" in records[0]["msg"]["connect"]["path"]  # the endpoint, no query
    assert records[1]["msg"]["setup"]["model"] == "models/gemini-3.8-live"


def test_retired_models_are_served_only_with_the_switch():
    help_text = subprocess.run([sys.executable, "-m", "livetui.sim.cli", "--help"], capture_output=True, text=True, env=clean_env()).stdout
    assert "--retired-models" in help_text
    with SimProcess("--speed", "max") as sim:
        today = subprocess.run([sys.executable, "-c", HELLO_2025], env=clean_env(**sim.exports), capture_output=True, text=True, timeout=60)
    assert today.returncode != 0 and "Paris" not in today.stdout
    assert "1008 None. models/gemini-live-2.5-flash-preview is not found for API version v1, or is not supported" in today.stderr
    with SimProcess("--speed", "max", "--retired-models") as sim:
        then = subprocess.run([sys.executable, "-c", HELLO_2025], env=clean_env(**sim.exports), capture_output=True, text=True, timeout=60)
    assert then.returncode == 0 and "Paris" in then.stdout, then.stderr


def test_audio_payloads_are_logged_as_byte_lengths(tmp_path: Path):
    log = tmp_path / "frames.jsonl"
    with SimProcess("--log", str(log), "--speed", "max", "--chunk-ms", "20") as sim:
        subprocess.run([sys.executable, "-c", HELLO], env=clean_env(**sim.exports), check=True, timeout=60, capture_output=True)
    audio = [json.loads(l)["msg"]["serverContent"]["modelTurn"]["parts"][0]["inlineData"]["data"]
             for l in log.read_text().splitlines() if '"inlineData"' in l]
    assert audio and set(audio[:-1]) == {960}, "20 ms of 24 kHz PCM16, as a byte count"


def test_sigterm_exits_zero_and_bad_options_are_explained():
    sim = SimProcess()
    sim.proc.terminate()
    assert sim.proc.wait(timeout=10) == 0
    bad = subprocess.run([sys.executable, "-m", "livetui.sim.cli", "--chunk-ms", "5"], capture_output=True, text=True, env=clean_env())
    assert bad.returncode == 2 and "between 20 and 200" in bad.stderr and "Traceback" not in bad.stderr
    missing = subprocess.run([sys.executable, "-m", "livetui.sim.cli", "--script", "/nonexistent.toml"], capture_output=True, text=True, env=clean_env())
    assert missing.returncode == 2 and "no such file" in missing.stderr
