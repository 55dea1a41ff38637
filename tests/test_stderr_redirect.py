"""`livetui 2>err.log`: the console draws on the terminal, not into the file.

The real command in a pty (livetui.testing.pty) with fd 2 sent to a file, as a shell does."""

from __future__ import annotations

from pathlib import Path

import pytest

from livetui.testing.pty import Console
from livetui.testing.simproc import clean_env


def env_for(tmp_path: Path) -> dict[str, str]:
    return clean_env(XDG_DATA_HOME=str(tmp_path / "data"), XDG_STATE_HOME=str(tmp_path / "state"),
                     XDG_CONFIG_HOME=str(tmp_path / "config"), TERM="xterm-256color")


def talk_and_quit(console: Console) -> None:
    try:
        console.expect(b"connected")
        console.send(b"What is the capital of Portugal?\r")
        console.expect(b"Lisbon")
        assert console.quit(timeout=30) == 0
    finally:
        if console.status is None:
            console.kill()


@pytest.mark.parametrize("redirect", [(2,), (1, 2)], ids=["2>err.log", ">out.log 2>err.log"])
def test_redirected_stderr_keeps_the_console_on_the_terminal(tmp_path: Path, redirect: tuple[int, ...]) -> None:
    """stderr to a file: drawn on stdout's terminal; stdout to a file too: on the controlling terminal."""
    files = {fd: tmp_path / f"fd{fd}.log" for fd in redirect}
    console = Console(["--no-mic"], env_for(tmp_path), redirect=files)
    talk_and_quit(console)
    assert "Lisbon" in console.text() or b"Lisbon" in console.screen
    for path in files.values():
        written = path.read_bytes()
        assert b"\x1b" not in written and b"Lisbon" not in written, written[:200]  # no screen output in the file
    log = (tmp_path / "state" / "livetui" / "livetui.log").read_text()
    assert "--- livetui started" in log  # while it ran, fd 2 was the log, as ever
