"""The sound device goes away mid-conversation (a USB headset pulled, a Bluetooth one out
of range): the real console, on real PortAudio through a private PulseAudio, says which
device was lost and that typing still works, answers typed turns, quits clean, and the
transcript holds every turn.

tests/audio covers the pieces (a stream whose sound server vanishes reports it, in
test_devices.py); this is the whole console in a pty. Its own daemon, not the audio
tests' shared one: this test removes the devices."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from livetui.testing.pty import Console
from livetui.testing.pulse import AudioRigError, PulseDaemon, _missing_tools

from .helpers import assert_terminal_restored, console_env, foreign_sequences, saved, wait_shown

pytestmark = pytest.mark.audio


@pytest.fixture
def daemon() -> Iterator[PulseDaemon]:
    if missing := _missing_tools():
        pytest.fail(f"the virtual audio devices need {', '.join(missing)}: run `make test` (it installs them)", pytrace=False)
    root = Path(tempfile.mkdtemp(prefix="lt-loss-"))  # short: a unix socket path must fit in 108 bytes
    try:
        try:
            daemon = PulseDaemon(root).start()
        except AudioRigError as e:
            pytest.fail(str(e), pytrace=False)
        yield daemon
        daemon.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _streams(daemon: PulseDaemon) -> tuple[int, int]:
    """The console's playback and capture streams on the daemon (the loopbacks are not clients)."""
    playing = daemon.pactl("list", "short", "sink-inputs").count("protocol-native")
    hearing = daemon.pactl("list", "short", "source-outputs").count("protocol-native")
    return playing, hearing


def _unplug(daemon: PulseDaemon) -> None:
    """Every sink and source goes, as when the only sound card does: PulseAudio has nowhere
    to move the streams, so it ends them (with one sink left it would move them there)."""
    for line in daemon.pactl("list", "short", "modules").splitlines():
        if any(f"{kind}_name={name}" in line for kind in ("sink", "source") for name in ("spk", "micfeed", "quiet")):
            daemon.pactl("unload-module", line.split()[0])


def test_the_sound_device_vanishing_mid_conversation_leaves_typing_working(tmp_path: Path, daemon: PulseDaemon) -> None:
    # Audio answers, the mic live; 68 columns: the chat has the whole width (no sidebar), so
    # a wrapped line reads whole once the rows are joined.
    console = Console([], console_env(tmp_path, **daemon.client_env), size=(68, 24))
    try:
        console.expect(b"connected")
        console.send(b"What is the capital of Portugal?\r")
        console.expect(b"Lisbon")
        deadline = time.monotonic() + 15
        while _streams(daemon) != (1, 1):  # the console plays and hears through this daemon
            assert time.monotonic() < deadline, f"the console's streams never showed: {_streams(daemon)}"
            console.read_once(0.1)

        _unplug(daemon)
        wait_shown(console, "typed turns still work")
        lost = "".join(console.text().split())
        # Which of the two PortAudio finds dead first is a race; either is named.
        assert "audiodevicelost(speaker:" in lost or "audiodevicelost(microphone:" in lost, console.text()
        wait_shown(console, "text still works", timeout=15)  # the retry found nothing to open
        assert _streams(daemon) == (0, 0)

        console.send(b"What is the capital of France?\r")
        wait_shown(console, "The capital of France is Paris.")
        status = console.quit(timeout=30)
    finally:
        if console.status is None:
            console.kill()
    assert status == 0
    shown = bytes(console.screen)
    assert_terminal_restored(shown)
    assert foreign_sequences(shown) == [] and b"ALSA" not in shown and b"PortAudio" not in shown
    (transcript,) = saved(tmp_path)
    records = [json.loads(line) for line in transcript.read_text().splitlines()]
    typed = [r["text"] for r in records if r.get("kind") == "user"]
    answered = " ".join(r.get("text", "") for r in records if r.get("kind") == "model")
    assert typed[0] == "What is the capital of Portugal?" and "What is the capital of France?" in typed
    assert "Lisbon" in answered and "Paris" in answered
