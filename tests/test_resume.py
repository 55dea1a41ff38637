"""kill -9 in the middle of a conversation, then `livetui --resume` brings it back."""

from __future__ import annotations

import re
import time
from pathlib import Path

from livetui.testing.pty import Console
from livetui.testing.simproc import clean_env


def test_kill_9_then_resume(tmp_path: Path):
    env = clean_env(
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        TERM="xterm-256color",
    )
    first = Console(["--no-mic"], env)  # no key: the built-in simulator
    try:
        first.expect(b"connected")
        first.send(b"What is the capital of Portugal?")
        first.expect(b"Portugal?")
        first.send(b"\r")
        first.expect(b"Lisbon")
        # ...and its end: the token pane shows the answer's usage. (While an answer
        # streams, it is written at most every half second; at its end, whole.)
        deadline = time.monotonic() + 30
        while not re.search(r"last\s+\d+", first.text()):
            assert time.monotonic() < deadline, "the answer never ended on screen"
            first.read_once(0.1)
    finally:
        first.kill()  # no goodbye: the transcript must already hold the turn
    saved = list((tmp_path / "data" / "livetui" / "conversations").glob("*.jsonl"))
    assert len(saved) == 1 and b"Lisbon" in saved[0].read_bytes()

    second = Console(["--resume", "--no-mic"], env)
    try:
        second.expect(b"continuing conversation")
        second.expect(b"connected")
        second.mark()
        second.send(b"What did I ask you before?")
        second.expect(b"before?")
        second.send(b"\r")
        second.expect(b"You asked")  # only the new answer says this: the new session knows the old conversation
        assert second.quit() == 0
    finally:
        if second.status is None:
            second.kill()
    assert b"Traceback" not in first.screen + second.screen
