"""Google's JavaScript SDK (@google/genai from npm, pinned in package-lock.json) holds a
typed and a spoken conversation with a `livetui-sim` process, configured only by the
three variables the simulator prints. The JS SDK asks for `//ws/...` (and puts the key
in the query): what "any program written for the Live API talks to the simulator" means.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from livetui.testing.simproc import SimProcess

from ..protocol.helpers import speech_pcm, write_wav

HERE = Path(__file__).resolve().parent
MODEL = "gemini-3.8-live"


def node_sdk() -> str:
    """`node`, with the pinned SDK installed into tests/js/node_modules (npm ci, on first use)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    assert node and npm, "node and npm come from scripts/install-system-deps.sh (Debian: nodejs, npm)"
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    assert int(version.lstrip("v").split(".")[0]) >= 20, f"@google/genai needs Node 20 or newer, not {version}"
    lock = json.loads((HERE / "package-lock.json").read_text())
    pinned = lock["packages"]["node_modules/@google/genai"]["version"]
    installed = HERE / "node_modules" / "@google" / "genai" / "package.json"
    if not installed.exists() or json.loads(installed.read_text())["version"] != pinned:
        done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"npm ci failed:\n{done.stderr[-2000:]}"
    return node


def test_the_javascript_sdk_holds_a_typed_and_a_spoken_conversation(tmp_path: Path) -> None:
    node = node_sdk()
    wav = tmp_path / "question.wav"
    write_wav(wav, speech_pcm("what is the weather", tail_ms=800), 16000)
    log = tmp_path / "frames.jsonl"
    with SimProcess("--log", str(log)) as sim:
        # Nothing but the three printed variables (and PATH to find node's helpers).
        env = {"PATH": os.environ["PATH"], **sim.exports}
        assert set(sim.exports) == {"GOOGLE_GEMINI_BASE_URL", "SSL_CERT_FILE", "GEMINI_API_KEY"}
        run = subprocess.run(
            [node, "--use-openssl-ca", str(HERE / "live_conversation.mjs"), MODEL, str(wav)],
            cwd=HERE, env=env, capture_output=True, text=True, timeout=120,
        )
    assert run.returncode == 0, run.stderr[-3000:]
    typed, spoken = (json.loads(line) for line in run.stdout.splitlines())

    assert typed["turn"] == "typed" and "Paris" in typed["transcript"]
    assert spoken["turn"] == "spoken" and spoken["heard"] == "what is the weather"
    assert "weather" in spoken["transcript"] or "sunny" in spoken["transcript"]
    for turn in (typed, spoken):
        assert turn["audioMime"] == "audio/pcm;rate=24000"
        assert turn["audioBytes"] > 24000 * 2 // 2, "at least half a second of spoken answer"

    records = [json.loads(line) for line in log.read_text().splitlines()]
    [connect] = [r["msg"]["connect"] for r in records if "connect" in r["msg"]]
    assert connect["path"].startswith("//ws/google.ai.generativelanguage."), "the JS SDK's double slash"
    assert sim.exports["GEMINI_API_KEY"] not in connect["path"], "the key in the query is never logged"
    setup = next(r["msg"]["setup"] for r in records if "setup" in r["msg"])
    assert setup["model"] == f"models/{MODEL}"
