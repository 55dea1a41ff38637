"""`/wav` in the app against the simulator: its progress in the status bar, with the key
that stops it (as remapped), and that key stopping it with a line saying where."""

from __future__ import annotations

import re
import wave
from pathlib import Path

import numpy as np

from livetui.core.settings import Settings
from livetui.ui.app import LiveTuiApp
from livetui.ui.widgets.chat import SystemLine
from livetui.ui.widgets.status import StatusBar

from .conftest import frames
from .helpers import type_and_send, until


def tone_wav(path: Path, seconds: float) -> Path:
    x = np.sin(np.arange(int(8000 * seconds)) * 2 * np.pi * 440 / 8000) * 8000
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(x.astype("<i2").tobytes())
    return path


def system_lines(app: LiveTuiApp) -> list[str]:
    return [str(line.turn.text) for line in app.query(SystemLine)]


async def test_progress_shows_the_stop_key_and_the_key_stops_it(backend, tmp_path: Path) -> None:
    path = tone_wav(tmp_path / "tone.wav", 90)
    app = LiveTuiApp(Settings(modality="TEXT", keys={"cut_in": "f12"}), backend, audio=False)
    async with app.run_test(size=(80, 24)) as pilot:
        bar = app.query_one(StatusBar)
        await until(pilot, lambda: bar.status.state == "connected", what="connected")
        await type_and_send(pilot, f"/wav {path}")
        await until(pilot, lambda: re.fullmatch(r"sending tone\.wav 0:0[1-9] / 1:30", bar.status.sending) is not None,
                    what="a second sent, out of a minute and a half")
        assert f"│ {bar.status.sending} f12 stops │" in str(bar.render())
        await pilot.press("escape")  # remapped away: it no longer stops the file...
        shown = bar.status.sending
        await until(pilot, lambda: bar.status.sending not in ("", shown), what="the next second sent")
        assert bar.status.sending.startswith("sending tone.wav")  # ...which goes on
        await pilot.press("f12")
        await until(pilot, lambda: any(line.startswith("stopped sending tone.wav at 0:0") for line in system_lines(app)),
                    what="the stop said")
        assert bar.status.sending == "" and app.session.voice is not None and app.session.voice.file is None
        assert "sending" not in str(bar.render())
        await until(pilot, lambda: stream_ends(backend) == 1, what="the turn closed")


def stream_ends(backend) -> int:
    """How many audioStreamEnd the console sent (the frame's keys come in either case)."""
    sent = [f["msg"][key] for key in ("realtimeInput", "realtime_input") for f in frames(backend, "in", key)]
    return sum(bool(m.get("audioStreamEnd") or m.get("audio_stream_end")) for m in sent)
