"""The disk fills up, or turns read-only, while the user talks: said at once, nothing lost.

The real console runs in a pty against `livetui-sim --speed max` with its data home on a
tiny tmpfs of its own; the test fills it (a filler file), talks on, frees it, and reads the
transcript afterwards: every turn there, every line whole. Mounting needs root (these
machines run the tests as root); where it is refused, the same story runs in-process with
the failures injected at the system calls, so the feature is still checked, never skipped.
"""

from __future__ import annotations

import asyncio
import errno
import json
import os
import stat
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from livetui.core.settings import Settings
from livetui.core.store import TranscriptStore, load
from livetui.core.store.savequeue import RETRY_S
from livetui.testing.pty import Console
from livetui.testing.simproc import SimProcess

from .helpers import console_env, foreign_sequences, saved

# Pasted as one turn: more than a tmpfs page, so its record cannot slip into the space
# left at the end of the transcript's last page when the rest of the disk is full.
LONG = "Please repeat this after me: " + " ".join(f"word{n}" for n in range(700))
PASTE = b"\x1b[200~" + LONG.encode() + b"\x1b[201~"


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, check=False)


@contextmanager
def tiny_disk(folder: Path, size: str = "512k") -> Iterator[bool]:
    """`folder` as a tmpfs of `size`; yields False (and mounts nothing) where that is refused."""
    folder.mkdir(parents=True, exist_ok=True)
    if _run("mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder)).returncode != 0:
        yield False
        return
    try:
        yield True
    finally:
        if _run("umount", str(folder)).returncode != 0:
            _run("umount", "-l", str(folder))


def fill(folder: Path) -> Path:
    """Every free byte of `folder`'s disk taken by one file."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    return filler


def _records(path: Path, settle: float = 2.0) -> list[dict]:
    """Every line of the transcript, each of which must be a whole JSON record.

    While the disk is full the console retries its backlog (at each record and every
    few seconds): a retry writes what fits, meets ENOSPC and cuts the file back, so a
    reader can land between the two calls. A tail torn for longer than `settle`
    seconds is a torn line left behind."""
    deadline = time.monotonic() + settle
    while not (raw := path.read_bytes()).endswith(b"\n") and time.monotonic() < deadline:
        time.sleep(0.01)  # polling a file another process writes: there is no event to await
    assert raw.endswith(b"\n"), f"the transcript ends mid-line: {raw[-120:]!r}"
    return [json.loads(line) for line in raw.decode().splitlines() if line.strip()]


def _said(records: list[dict]) -> list[tuple[str, str]]:
    """(kind, text) of each user and model turn, the last record of each."""
    last: dict[tuple[str, int], str] = {}
    for r in records:
        if r["kind"] in ("user", "model"):
            last[(r["kind"], r["turn"])] = r["text"]
    return [(kind, text) for (kind, _), text in last.items()]


def _ask(console: Console, question: bytes, answer: bytes) -> None:
    console.mark()
    console.send(question)
    console.expect(question[-20:])
    console.send(b"\r")
    console.expect(answer)


def _fill_while_talking(console: Console, data: Path) -> Path:
    """One answered turn, then the disk filled and a long turn that no longer fits: the
    status bar says so while it lasts. Returns the filler, whose removal frees the disk."""
    console.expect(b"connected")
    _ask(console, b"What is the capital of Portugal?", b"Lisbon")
    filler = fill(data)
    console.mark()
    console.send(PASTE + b"\r")
    console.expect("⚠ not saving: disk full".encode())
    return filler


def test_a_full_disk_is_said_at_once_and_every_turn_is_caught_up(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with tiny_disk(data) as mounted:
        if not mounted:
            asyncio.run(_in_process(tmp_path))
            return
        with SimProcess("--speed", "max") as sim:
            console = Console(["--no-mic"], console_env(tmp_path, sim))
            try:
                filler = _fill_while_talking(console, data)
                console.expect(b"the disk is full")  # the chat line, naming the cause...
                console.expect(b"Export")  # ...and the way out (the line wraps at 80 columns)
                _ask(console, b"What is the capital of France?", b"Paris")
                _ask(console, b"What is the capital of Spain?", b"Madrid")
                [transcript] = saved(tmp_path)
                _records(transcript)  # while full: no torn line either
                console.mark()
                filler.unlink()
                console.expect(b"saving again", timeout=RETRY_S * 5)
                console.expect(b"records caught up")
                assert "⚠ not saving" not in console.text().splitlines()[0]  # the marker is gone
                _ask(console, b"What is the capital of Italy?", b"Rome")
                status = console.quit(timeout=30)
            finally:
                if console.status is None:
                    console.kill()
        records = _records(transcript)
    assert status == 0
    said = _said(records)
    users = [text for kind, text in said if kind == "user"]
    assert users == ["What is the capital of Portugal?", LONG, "What is the capital of France?", "What is the capital of Spain?", "What is the capital of Italy?"]
    answers = " ".join(text for kind, text in said if kind == "model")
    for city in ("Lisbon", "Paris", "Madrid", "Rome"):
        assert city in answers
    assert any(r["kind"] == "system" and "saving again" in r["text"] for r in records)  # the gap is in the record too
    tail = bytes(console.screen).split(b"\x1b[?1049l")[-1]
    assert b"could not be saved" not in tail  # all caught up: no note after the screen is gone
    assert b"Traceback" not in console.screen and foreign_sequences(bytes(console.screen)) == []


def test_a_read_only_disk_is_said_and_saving_resumes_when_it_is_writable(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with tiny_disk(data) as mounted:
        if not mounted:
            asyncio.run(_in_process(tmp_path, read_only=True))
            return
        with SimProcess("--speed", "max") as sim:
            console = Console(["--no-mic"], console_env(tmp_path, sim))
            try:
                filler = _fill_while_talking(console, data)
                # The store let go of its file when the write failed, so the remount is allowed.
                remount = _run("mount", "-o", "remount,ro", str(data))
                assert remount.returncode == 0, remount.stderr
                console.expect("⚠ not saving: disk read-only".encode(), timeout=RETRY_S * 5)
                console.expect(b"read-only)")  # the chat line: "...(the disk is read-only)", wrapped
                _ask(console, b"What is the capital of France?", b"Paris")
                console.mark()
                assert _run("mount", "-o", "remount,rw", str(data)).returncode == 0
                console.expect("⚠ not saving: disk full".encode(), timeout=RETRY_S * 5)  # writable, still full
                filler.unlink()
                console.expect(b"saving again", timeout=RETRY_S * 5)
                status = console.quit(timeout=30)
            finally:
                if console.status is None:
                    console.kill()
        [transcript] = saved(tmp_path)
        records = _records(transcript)
    assert status == 0
    users = [text for kind, text in _said(records) if kind == "user"]
    assert users == ["What is the capital of Portugal?", LONG, "What is the capital of France?"]
    assert "Paris" in " ".join(text for kind, text in _said(records) if kind == "model")


def test_quitting_while_the_disk_is_still_full_says_what_was_not_saved_and_where_it_is(tmp_path: Path) -> None:
    data = tmp_path / "data"
    home = tmp_path / "home"
    home.mkdir()
    with tiny_disk(data) as mounted:
        if not mounted:
            asyncio.run(_in_process(tmp_path, quit_full=True))
            return
        with SimProcess("--speed", "max") as sim:
            console = Console(["--no-mic"], {**console_env(tmp_path, sim), "HOME": str(home)})
            try:
                console.expect(b"connected")
                _ask(console, b"What is the capital of Portugal?", b"Lisbon")
                fill(data)
                console.send(PASTE + b"\r")
                console.expect("⚠ not saving: disk full".encode())
                _ask(console, b"What is the capital of France?", b"Paris")
                status = console.quit(timeout=30)
            finally:
                if console.status is None:
                    console.kill()
        [transcript] = saved(tmp_path)
    assert status == 0
    after = bytes(console.screen).split(b"\x1b[?1049l")[-1].decode("utf-8", "replace")
    assert "could not be saved" in after and "the disk is full" in after and "capital of France" in after
    copy = home / f"livetui-{transcript.stem}.jsonl"
    assert f"the whole conversation is in {copy}" in " ".join(after.split())
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    turns = [t.text for t in load(copy).turns if t.role == "user"]
    assert turns == ["What is the capital of Portugal?", LONG, "What is the capital of France?"]


def test_export_to_writes_the_unsaved_conversation_elsewhere(tmp_path: Path) -> None:
    asyncio.run(_in_process(tmp_path, export=True))


# --- in-process: the same story with the failures injected --------------------------------


async def _in_process(tmp_path: Path, *, read_only: bool = False, quit_full: bool = False, export: bool = False) -> None:
    """The app with the simulator, its transcript's writes failing as a full (or read-only)
    disk fails them: the screen says so, talking goes on, freeing the disk catches up."""
    from livetui.sim import SimOptions, Simulator
    from livetui.ui.app import LiveTuiApp
    from livetui.ui.screens.export import ExportPrompt
    from livetui.ui.widgets.chat import ModelMessage
    from livetui.ui.widgets.status import StatusBar
    from tests.ui.conftest import SimBackend
    from tests.ui.helpers import type_and_send, until

    store = TranscriptStore.create(tmp_path / "conversations", environ={})
    disk = _InjectedDisk(store.path)

    def finished(app: LiveTuiApp, n: int) -> bool:
        return len([m for m in app.query(ModelMessage) if not m.turn.open]) >= n

    def chat_says(app: LiveTuiApp, words: str) -> bool:
        return any(words in t.text for t in app.conversation.turns if t.role == "system")

    async with Simulator(SimOptions(speed=float("inf"))) as sim:
        app = LiveTuiApp(Settings(modality="TEXT"), SimBackend(sim), audio=False, store=store)
        with pytest.MonkeyPatch.context() as monkeypatch:
            disk.install(monkeypatch)
            async with app.run_test(size=(80, 24)) as pilot:
                status = app.query_one(StatusBar)
                await until(pilot, lambda: status.status.state == "connected", what="connected")
                await type_and_send(pilot, "What is the capital of Portugal?")
                await until(pilot, lambda: finished(app, 1), what="an answer")
                disk.error = errno.ENOSPC
                await type_and_send(pilot, "What is the capital of France?")
                await until(pilot, lambda: status.status.saving == "⚠ not saving: disk full", what="the marker")
                assert chat_says(app, "the disk is full") and chat_says(app, "Export to")
                await until(pilot, lambda: finished(app, 2), what="an answer while the disk is full")
                if read_only:
                    disk.error = errno.EROFS
                    await until(pilot, lambda: status.status.saving == "⚠ not saving: disk read-only", timeout=RETRY_S * 5)
                if export:
                    target = tmp_path / "elsewhere.md"
                    await app.run_action("export_to")
                    await until(pilot, lambda: isinstance(app.screen, ExportPrompt) and bool(app.screen.query("#path")), what="the export prompt")
                    app.screen.query_one("#path").value = str(target)
                    await pilot.press("enter")
                    await until(pilot, target.exists, what="the export")
                    text = target.read_text()
                    assert "capital of France" in text and "Paris" in text and "Lisbon" in text
                    assert stat.S_IMODE(target.stat().st_mode) == 0o600
                if not quit_full:
                    disk.error = None
                    await until(pilot, lambda: chat_says(app, "records caught up"), timeout=RETRY_S * 5, what="saving again")
                    assert status.status.saving == ""
        assert [t.text for t in load(store.path).turns if t.role == "user"] == (
            ["What is the capital of Portugal?"] if quit_full else ["What is the capital of Portugal?", "What is the capital of France?"]
        )
        if quit_full:
            assert [r.get("text") for r in store.unsaved() if r.kind == "user"] == ["What is the capital of France?"]


class _InjectedDisk:
    """os.write and os.open failing with `error` for one file only, as its disk would."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)
        self.error: int | None = None

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        real_write, real_open = os.write, os.open

        def write(fd: int, data: bytes) -> int:
            if self.error is not None and self._is_ours(fd):
                raise OSError(self.error, os.strerror(self.error))
            return real_write(fd, data)

        def open_(path, flags, *args, **kwargs):
            if self.error == errno.EROFS and str(path) == self.path and flags & os.O_WRONLY:
                raise OSError(self.error, os.strerror(self.error))
            return real_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(os, "write", write)
        monkeypatch.setattr(os, "open", open_)

    def _is_ours(self, fd: int) -> bool:
        try:
            return os.readlink(f"/proc/self/fd/{fd}") == self.path
        except OSError:
            return False
