"""Recordings are what you said: the files 0600, the folders it makes 0700."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from livetui.core.audio.wavio import WavRecorder


def test_recordings_are_private_whatever_the_umask(tmp_path: Path) -> None:
    chosen = tmp_path / "mine"
    chosen.mkdir(mode=0o755)
    chosen.chmod(0o755)
    old = os.umask(0o022)
    try:
        recorder = WavRecorder(chosen / "livetui" / "recordings", stem="t")
        recorder.write_input(b"\x00\x00" * 160)
        recorder.write_output(b"\x00\x00" * 240)
        recorder.close()
    finally:
        os.umask(old)
    for path in (recorder.input_path, recorder.output_path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for folder in (chosen / "livetui", chosen / "livetui" / "recordings"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert stat.S_IMODE(chosen.stat().st_mode) == 0o755  # the user's folder stays as it was
