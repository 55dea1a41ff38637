"""An ephemeral token (`auth_tokens/...`) in place of the API key: the real console
asks for v1alpha, so the SDK takes the Constrained endpoint, and the conversation works."""

from __future__ import annotations

import json
from pathlib import Path

from livetui.testing.pty import Console
from livetui.testing.simproc import SimProcess, clean_env

TOKEN = "auth_tokens/ephemeral-test-token-0001"


def test_an_ephemeral_token_connects_through_the_constrained_endpoint(tmp_path: Path) -> None:
    log = tmp_path / "frames.jsonl"
    with SimProcess("--log", str(log)) as sim:
        env = clean_env(
            GOOGLE_GEMINI_BASE_URL=sim.exports["GOOGLE_GEMINI_BASE_URL"],
            SSL_CERT_FILE=sim.exports["SSL_CERT_FILE"],
            GEMINI_API_KEY=TOKEN,
            XDG_DATA_HOME=str(tmp_path / "data"),
            XDG_STATE_HOME=str(tmp_path / "state"),
            XDG_CONFIG_HOME=str(tmp_path / "config"),
            TERM="xterm-256color",
        )
        # Spoken answers, as today's default model gives them; their transcript is on screen.
        console = Console(["--no-mic", "--modality", "audio"], env)
        try:
            console.expect(b"connected")
            console.send(b"What is the capital of Peru?")
            console.expect(b"Peru?")
            console.send(b"\r")
            console.expect(b"Lima")
            assert console.quit(timeout=20) == 0
        finally:
            if console.status is None:
                console.kill()
    [connect] = [r["msg"]["connect"] for r in map(json.loads, log.read_text().splitlines()) if "connect" in r["msg"]]
    assert connect["path"].endswith("generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained")
    assert TOKEN.encode() not in console.screen
