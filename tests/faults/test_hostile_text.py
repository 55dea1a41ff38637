"""Arbitrary text from every way in, through the real console in a pseudo-terminal: nothing
but the console's own control sequences ever reaches the terminal.

Each example (hypothesis: strings biased toward C0/C1 controls, ESC sequences, bidi
overrides and markup) goes in as the model's answer (livetui-sim --script), as a saved
transcript that the console continues (--resume) and lists in its history screen (F10),
and as a paste. The console must draw it all with stand-ins, exit 0 and leave the
terminal as it found it; `livetui export` of the transcript prints no raw control code
as Markdown and keeps the exact text as JSONL.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from livetui.testing.pty import Console
from livetui.testing.simproc import SimProcess

from .helpers import console_env, foreign_sequences
from .hostile import hostile_text

END = "ZQXENDOFANSWERZQX"  # drawn once the answer is on screen
CONVERSATION = "20260102-030405-beef"
RESTORED = (b"\x1b[?1049l", b"\x1b[?25h", b"\x1b[?2004l", b"\x1b[?1000l")  # what the terminal must be told on the way out


def toml_string(text: str) -> str:
    """A TOML basic string holding `text` exactly: anything but printable ASCII escaped."""
    return '"' + "".join(c if " " <= c <= "~" and c not in '"\\' else f"\\U{ord(c):08X}" for c in text) + '"'


def transcript_lines(texts: list[str]) -> list[str]:
    """A valid livetui transcript (core/store.py) whose every text is one of `texts`."""
    at = "2026-01-02T03:04:05+00:00"
    # (No model: the console would continue with it, and the service would refuse it.)
    records = [{"kind": "start", "modality": "TEXT", "service": texts[-1], "version": "0"}]
    for turn, text in enumerate(texts, 1):
        records.append({"kind": "user" if turn % 2 else "model", "turn": turn, "text": text, "modality": "TEXT", "partial": False})
    records.append({"kind": "system", "text": " ".join(texts), "level": "error"})
    return [json.dumps({"v": 1, "t": at, **record}, ensure_ascii=False) for record in records]


def left_clean(drawn: bytes) -> bool:
    """After the last time the console entered the alternate screen, it left it and gave
    back the cursor, bracketed paste and mouse."""
    tail = drawn[drawn.rfind(b"\x1b[?1049h") :]
    return all(sequence in tail for sequence in RESTORED)


# No shrinking: each example is a console run of a few seconds; a failure is reported as found.
@settings(max_examples=5, deadline=None, phases=(Phase.explicit, Phase.reuse, Phase.generate), suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(hostile_text, min_size=8, max_size=10))
def test_no_control_code_from_outside_reaches_the_terminal(texts: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        script = home / "answers.toml"
        answer = "\n\n".join(texts) + f"\n\n{END}"
        script.write_text(f"[[reply]]\ntext = {toml_string(answer)}\nrepeat = true\n", encoding="utf-8")
        env = console_env(home)
        saved = home / "data" / "livetui" / "conversations"
        saved.mkdir(parents=True)
        path = saved / f"{CONVERSATION}.jsonl"
        path.write_text("".join(line + "\n" for line in transcript_lines(texts)), encoding="utf-8")
        with SimProcess("--speed", "max", "--script", str(script)) as sim:
            console = Console(["--resume", CONVERSATION, "--modality", "text"], console_env(home, sim), size=(120, 40))
            try:
                console.expect(b"connected")
                console.send(b"\x1b[200~" + " ".join(texts).encode() + b"\x1b[201~ go\r")  # pasted, then sent
                console.expect(END.encode())
                console.mark()
                console.send(b"\x1b[21~")  # F10: the history screen lists the transcript
                console.expect(b"most recent first")
                console.send(b"\x1b")
                status = console.quit(timeout=20)
            finally:
                if console.status is None:
                    console.kill()
        drawn = bytes(console.screen)
        assert status == 0
        assert foreign_sequences(drawn) == []
        assert left_clean(drawn)

        def export(fmt: str) -> str:
            run = subprocess.run([sys.executable, "-m", "livetui", "export", CONVERSATION, "--format", fmt],
                                 env=env, capture_output=True, timeout=60)
            assert run.returncode == 0, run.stderr
            return run.stdout.decode("utf-8")

        markdown = export("md")
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", markdown)
        records = [json.loads(line) for line in export("jsonl").splitlines()]
        said = [r["text"] for r in records if r["kind"] in ("user", "model")]
        assert said[: len(texts)] == texts  # the exact text, as JSON escapes it
