"""The API key never lands in a file, a log or on the screen.

The real `livetui` command runs in a pseudo-terminal against `livetui-sim`, with a
distinctive key and private XDG folders; afterwards every byte it drew and every
file it wrote is searched for the key.
"""

from __future__ import annotations

from pathlib import Path

from livetui.testing.pty import Console
from livetui.testing.simproc import SimProcess, clean_env

KEY = "AIzaSy-livetui-secret-canary-7f3a9c"


def test_the_key_is_nowhere(tmp_path: Path):
    homes = {name: tmp_path / name for name in ("config", "data", "state", "cache")}
    for folder in homes.values():
        folder.mkdir()
    with SimProcess("--speed", "max") as sim:
        env = clean_env(
            GOOGLE_GEMINI_BASE_URL=sim.exports["GOOGLE_GEMINI_BASE_URL"],
            SSL_CERT_FILE=sim.exports["SSL_CERT_FILE"],
            GEMINI_API_KEY=KEY,
            XDG_CONFIG_HOME=str(homes["config"]),
            XDG_DATA_HOME=str(homes["data"]),
            XDG_STATE_HOME=str(homes["state"]),
            XDG_CACHE_HOME=str(homes["cache"]),
            TERM="xterm-256color",
        )
        # Spoken answers, as today's default model gives them; their transcript is on screen.
        console = Console(["--modality", "audio"], env)
        try:
            console.expect(b"connected")
            console.send(b"What is the capital of France?")
            console.expect(b"capital of France?")
            console.send(b"\r")
            console.expect(b"Paris")
            console.send(b"\x05")  # ctrl+e: the event log, where setup is shown
            console.expect(b"setupComplete")
            console.send(b"\x1b")
            status = console.quit()
        finally:
            if console.status is None:
                console.kill()
    screen = console.screen
    assert status == 0
    assert b"Traceback" not in screen
    assert KEY.encode() not in screen
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "livetui.log" for p in written), "the log was written where the XDG state dir says"
    for path in written:
        assert KEY.encode() not in path.read_bytes(), f"the key is in {path}"
