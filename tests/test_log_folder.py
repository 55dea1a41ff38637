"""The log folder is private: made 0700, tightened when an older livetui left it 0755
(with the log itself), and a log written elsewhere never changes a folder it did not make."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from livetui.cli.logfile import open_log, state_dir


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_state_folder_is_made_0700(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    old = os.umask(0o022)
    try:
        with open_log(state_dir() / "livetui.log") as log:
            log.write(b"x\n")
    finally:
        os.umask(old)
    assert state_dir() == tmp_path / "state" / "livetui"
    assert mode(tmp_path / "state") == mode(state_dir()) == 0o700  # both made by it
    assert mode(state_dir() / "livetui.log") == 0o600


def test_a_loose_state_folder_and_log_of_ours_are_tightened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    state_dir().mkdir(parents=True)
    for path in (tmp_path / "state", state_dir()):
        path.chmod(0o755)
    (state_dir() / "livetui.log").write_text("old\n")
    (state_dir() / "livetui.log").chmod(0o644)
    with open_log(state_dir() / "livetui.log") as log:
        log.write(b"new\n")
    assert mode(state_dir()) == 0o700 and mode(state_dir() / "livetui.log") == 0o600
    assert (state_dir() / "livetui.log").read_text() == "old\nnew\n"
    assert mode(tmp_path / "state") == 0o755  # the XDG base is the user's


def test_a_log_elsewhere_leaves_an_existing_folder_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    elsewhere = tmp_path / "logs"
    elsewhere.mkdir(mode=0o755)
    elsewhere.chmod(0o755)
    with open_log(elsewhere / "sim.log"):
        pass
    assert mode(elsewhere) == 0o755
