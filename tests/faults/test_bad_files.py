"""Files that are not what the console wants, given to the real command in a pty: each
refused with its reason, the terminal left as it was, nothing on disk changed.

Refused at start (before the app draws anything): the whole output is one line and the
exit status 2 (a setting) or 1 (a conversation). Refused while running (/wav): said on
screen, and the console keeps answering; ctrl+q then restores the terminal."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from livetui.testing.pty import Console
from livetui.ui.keymap import binding_ids

from .helpers import assert_terminal_restored, console_env, foreign_sequences, saved, wait_shown


def _refused(tmp_path: Path, args: list[str]) -> tuple[int, str]:
    """The console's exit status and everything it showed, run with `args` in a pty."""
    console = Console(args, console_env(tmp_path))
    try:
        status = console.wait(timeout=30)
    finally:
        if console.status is None:
            console.kill()
    shown = bytes(console.screen)
    # Never in application mode: no alternate screen, no mouse, no hidden cursor, no colour.
    assert b"\x1b" not in shown and foreign_sequences(shown) == [], shown
    return status, shown.decode()



def _state(path: Path) -> tuple[bytes, int, float]:
    info = path.stat()
    return path.read_bytes(), stat.S_IMODE(info.st_mode), info.st_mtime


def _nothing_written(tmp_path: Path) -> None:
    assert saved(tmp_path) == []
    assert not (tmp_path / "state" / "livetui").exists()  # not even a log: it never started


# --- --resume on a file livetui did not write --------------------------------------------


@pytest.mark.parametrize(
    ("content", "why"),
    [
        pytest.param(b"Shopping list\nmilk\neggs\n", "its first line is not JSON", id="text"),
        pytest.param(json.dumps({"name": "x", "version": 3}).encode() + b"\n", "its first line is not a livetui record", id="json"),
    ],
)
def test_resume_of_a_foreign_file_changes_nothing_and_says_why(tmp_path: Path, content: bytes, why: str) -> None:
    foreign = tmp_path / "notes.jsonl"
    foreign.write_bytes(content)
    foreign.chmod(0o644)
    os.utime(foreign, (1_000_000, 1_000_000))
    before = _state(foreign)
    status, shown = _refused(tmp_path, ["--resume", str(foreign)])
    assert (status, shown) == (1, f"livetui: {foreign} is not a livetui transcript ({why}); left it unchanged\r\n")
    assert _state(foreign) == before  # content, mode and time as they were
    _nothing_written(tmp_path)


# --- --system-instruction @FILE that is no text file ------------------------------------


def test_system_instruction_from_special_or_huge_files_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as f:
        f.truncate(3_000_000)  # sparse: 3 MB of nothing, made at once
    cases = [
        ("/dev/zero", "/dev/zero is a character device, not a text file"),  # it would never end
        (str(fifo), f"{fifo} is a FIFO (named pipe), not a text file"),  # it would wait for a writer
        (str(huge), f"{huge} is larger than 1 MB: not a system instruction"),
    ]
    for target, why in cases:
        status, shown = _refused(tmp_path, ["--system-instruction", f"@{target}"])
        assert (status, shown) == (2, f"livetui: --system-instruction: {why}\r\n"), target
    assert stat.S_ISFIFO(fifo.stat().st_mode) and huge.stat().st_size == 3_000_000
    _nothing_written(tmp_path)


# --- config files -------------------------------------------------------------------------


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config" / "livetui" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_config_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "settings"
    folder.mkdir()
    status, shown = _refused(tmp_path, ["--config", str(folder)])
    assert (status, shown) == (2, f"livetui: {folder}: is a folder, not a config file\r\n")
    default = tmp_path / "config" / "livetui" / "config.toml"
    default.mkdir(parents=True)  # the default path, found without any flag
    status, shown = _refused(tmp_path, [])
    assert (status, shown) == (2, f"livetui: {default}: is a folder, not a config file\r\n")
    _nothing_written(tmp_path)


def test_config_with_broken_toml_names_the_line(tmp_path: Path) -> None:
    path = _config(tmp_path, 'model = "m"\n[vad\nmode = "auto"\n')
    status, shown = _refused(tmp_path, [])
    assert status == 2
    assert shown.startswith(f"livetui: {path}, line 2: not valid TOML") and shown.count("\n") == 1, shown
    _nothing_written(tmp_path)


def test_keys_with_a_bad_key_name_or_an_unknown_action_are_refused(tmp_path: Path) -> None:
    path = _config(tmp_path, '[keys]\nhelp = "f1"\nquit = "ctrl+qq"\n')
    status, shown = _refused(tmp_path, [])
    assert (status, shown) == (2, f"livetui: {path}, line 3: keys.quit = 'ctrl+qq': 'ctrl+qq' is not a key name (like 'ctrl+o', 'f10', 'pageup', 'slash')\r\n")
    path = _config(tmp_path, '[keys]\nhelp = "f1"\nhistroy = "f11"\n')
    status, shown = _refused(tmp_path, [])
    assert status == 2
    assert shown == (
        f"livetui: {path}, line 3: [keys]: no action called 'histroy' (did you mean 'history'?) · "
        f"the actions are: {', '.join(binding_ids())}\r\n"
    )
    _nothing_written(tmp_path)


# --- /wav of something that is no sound file, in the running console ------------------------


def test_wav_of_special_files_is_refused_on_screen_and_the_console_keeps_answering(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    folder = tmp_path / "sounds"
    folder.mkdir()
    # 68 columns: the chat has the whole width (no sidebar), so a wrapped line reads whole
    # once the rows are joined.
    console = Console(["--no-mic", "--modality", "text"], console_env(tmp_path), size=(68, 24))  # no key: the built-in simulator
    try:
        console.expect(b"connected")
        for target, why in (("/dev/zero", "a character device"), (str(fifo), "a FIFO (named pipe)"), (str(folder), "a folder")):
            console.send(f"/wav {target}\r".encode())
            wait_shown(console, f"cannot send {target}: {target}: is {why}, not a WAV file")  # at once: a FIFO never blocks it
        console.mark()
        console.send(b"What is the capital of Portugal?\r")
        console.expect(b"Lisbon")
        status = console.quit(timeout=30)
    finally:
        if console.status is None:
            console.kill()
    assert status == 0
    shown = bytes(console.screen)
    assert_terminal_restored(shown)
    assert foreign_sequences(shown) == []
    assert stat.S_ISFIFO(fifo.stat().st_mode) and list(folder.iterdir()) == []
    (transcript,) = saved(tmp_path)
    records = [json.loads(line) for line in transcript.read_text().splitlines()]
    said = [r.get("text", "") for r in records if r.get("kind") in ("user", "model")]
    assert said[0] == "What is the capital of Portugal?" and "Lisbon" in said[-1], said  # partial records, then the whole answer
