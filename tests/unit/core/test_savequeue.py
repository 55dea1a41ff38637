"""A disk that fails while the user talks: no torn line, nothing lost, the user told.

The failures are injected at the system calls (os.write, os.ftruncate, os.open) on a
real file, as a full or read-only disk produces them; tests/faults/test_disk_full.py
does the same with a real tiny tmpfs.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livetui.core.store import Record, TranscriptStore, in_memory, load
from livetui.core.store.rescue import unsaved_note
from livetui.core.store.savequeue import Backlog, Pending, SavingResumed, SavingStopped

CID = "20261125-093000-ab12"
REAL_WRITE = os.write


class Disk:
    """os.write as a disk with `room` bytes left (None: plenty): a write that does not
    fit lands in part, as ENOSPC lets it, and the next one fails."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, room: int | None = None, error: int = errno.ENOSPC) -> None:
        self.room = room
        self.error = error
        self.calls = 0
        monkeypatch.setattr(os, "write", self.write)

    def write(self, fd: int, data: bytes) -> int:
        self.calls += 1
        if self.room is None:
            return REAL_WRITE(fd, data)
        if self.room == 0:
            raise OSError(self.error, os.strerror(self.error))
        landed = REAL_WRITE(fd, bytes(data[: self.room]))
        self.room -= landed
        return landed


def new_store(folder: Path) -> tuple[TranscriptStore, list]:
    store = TranscriptStore.create(folder, conversation_id=CID, environ={})
    news: list = []
    store.listen(news.append)
    return store, news


def every_line_parses(path: Path) -> list[dict]:
    raw = path.read_bytes()
    assert raw.endswith(b"\n") or not raw, f"the file ends mid-line: {raw[-80:]!r}"
    return [json.loads(line) for line in raw.decode().splitlines() if line.strip()]


def test_a_write_cut_short_by_a_full_disk_leaves_no_torn_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store, news = new_store(tmp_path)
    assert store.write(Record.user(1, "first question"))
    disk = Disk(monkeypatch, room=10)  # the next line gets 10 bytes in, then ENOSPC
    assert not store.write(Record.model(1, "an answer that does not fit"))
    assert [r["text"] for r in every_line_parses(store.path)] == ["first question"]
    assert len(news) == 1 and isinstance(news[0], SavingStopped)
    assert news[0].cause == "the disk is full" and news[0].marker == "⚠ not saving: disk full"
    assert str(store.path) in news[0].line and "Export to" in news[0].line
    # Talking goes on: kept, in order, and the user is not told again for the same cause.
    assert not store.write(Record.user(2, "second question"))
    assert not store.write(Record.model(2, "second answer"))
    assert len(news) == 1
    disk.room = None  # space freed
    assert store.retry()
    assert news[1:] == [SavingResumed(store.path, 3)]
    assert news[1].line == "saving again: 3 records caught up"
    assert store.write(Record.user(3, "third"))
    store.close()
    texts = [r["text"] for r in every_line_parses(store.path)]
    assert texts == ["first question", "an answer that does not fit", "second question", "second answer", "third"]


def test_when_the_cut_fails_too_the_torn_bytes_stay_a_line_of_their_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store, _ = new_store(tmp_path)
    assert store.write(Record.user(1, "before"))
    disk = Disk(monkeypatch, room=7)
    monkeypatch.setattr(os, "ftruncate", lambda fd, size: (_ for _ in ()).throw(OSError(errno.EIO, "Input/output error")))
    assert not store.write(Record.model(1, "torn"))
    assert not store.path.read_bytes().endswith(b"\n")  # 7 bytes of it landed and stayed
    disk.room = None
    assert store.retry()
    store.close()
    loaded = load(store.path)
    assert [t.text for t in loaded.turns] == ["before", "torn"]
    assert loaded.skipped == 1  # the torn bytes: one line, skipped, nothing glued to them


def test_a_read_only_disk_is_said_and_the_file_reopened_when_writable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store, news = new_store(tmp_path)
    assert store.write(Record.user(1, "hello"))
    disk = Disk(monkeypatch, room=0)
    assert not store.write(Record.model(1, "hi"))
    disk.room = None
    real_open = os.open

    def read_only(path, flags, *args, **kwargs):
        if str(path) == str(store.path) and flags & (os.O_WRONLY | os.O_RDWR):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)  # remounted read-only: the file will not reopen
    assert not store.retry()
    assert [type(n) for n in news] == [SavingStopped, SavingStopped]  # the cause changed: said again
    assert news[1].cause == "the disk is read-only" and news[1].marker == "⚠ not saving: disk read-only"
    assert not store.write(Record.user(2, "still talking"))
    monkeypatch.setattr(os, "open", real_open)  # writable again
    assert store.retry()
    assert news[-1] == SavingResumed(store.path, 2)
    store.close()
    assert [t.text for t in load(store.path).turns] == ["hello", "hi", "still talking"]


@pytest.mark.parametrize(
    ("code", "words", "short"),
    [
        (errno.EDQUOT, "the disk quota is used up", "quota full"),
        (errno.EIO, "the disk reported an input/output error", "disk I/O error"),
        (errno.EFBIG, "the file is too large", "file too large"),
    ],
)
def test_each_cause_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, words: str, short: str) -> None:
    store, news = new_store(tmp_path)
    Disk(monkeypatch, room=0, error=code)
    assert not store.write(Record.user(1, "x"))
    assert news[0].cause == words and news[0].short == short
    assert words in (store.problem or "")


def test_each_new_record_retries_so_catching_up_needs_no_timer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store, news = new_store(tmp_path)
    disk = Disk(monkeypatch, room=0)
    assert not store.write(Record.user(1, "lost?"))
    disk.room = None
    assert store.write(Record.model(1, "no"))  # in the file at once, after the one that waited
    assert news[-1] == SavingResumed(store.path, 1)  # the fresh record is not counted as caught up
    store.close()
    assert [t.text for t in load(store.path).turns] == ["lost?", "no"]


def test_the_backlog_keeps_a_turns_first_and_latest_record_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store, _ = new_store(tmp_path)
    disk = Disk(monkeypatch, room=0)
    store.write(Record.model(1, "Once", partial=True))
    store.write(Record.user(2, "wait", partial=True))  # a barge-in while the answer streams
    for text in ("Once upon", "Once upon a", "Once upon a time"):
        store.write(Record.model(1, text, partial=True))
    store.write(Record.model(1, "Once upon a time.", interrupted=True))
    store.write(Record.user(2, "wait, stop"))
    assert store.waiting == 4  # model: first + final; user: first + final
    disk.room = None
    assert store.retry()
    store.close()
    loaded = load(store.path)
    assert [(t.role, t.text) for t in loaded.turns] == [("model", "Once upon a time."), ("user", "wait, stop")]  # order kept


def test_turn_ids_of_a_new_session_never_supersede_the_old_ones() -> None:
    backlog = Backlog()
    old = Pending(b"old\n", "model", 1, partial=True)
    old_latest = Pending(b"old2\n", "model", 1, partial=True)
    new = Pending(b"new\n", "model", 1, partial=True)
    for item in (old, Pending(b"x\n", "model", 1, partial=True), old_latest, Pending(b"s\n", "start"), new):
        backlog.add(item)
    assert [i.data for i in backlog.items()] == [b"old\n", b"old2\n", b"s\n", b"new\n"]


def test_the_backlog_is_bounded_and_says_how_much_it_let_go(tmp_path: Path) -> None:
    backlog = Backlog(limit=100)
    for _ in range(10):
        backlog.add(Pending(b"y" * 30 + b"\n", "system"))
    assert backlog.size <= 100 and len(backlog) == 3 and backlog.lost == 7
    line = SavingResumed(tmp_path, 3, lost=7).line
    assert "7 older ones" in line and "Export to" in line


def test_a_store_that_could_not_even_start_creates_its_file_when_it_can(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("a file where the folder should be")
    folder = tmp_path / "data" / "conversations"
    store = TranscriptStore.create(folder, conversation_id=CID, environ={})
    assert store.failed and store.stopped is not None and store.stopped.retrying
    news: list = []
    store.listen(news.append)
    store.write(Record.start("m", "TEXT"))
    store.write(Record.user(1, "hello"))
    assert not store.retry()
    (tmp_path / "data").unlink()
    assert store.retry()
    assert news == [SavingResumed(store.path, 2)]
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600 and stat.S_IMODE(folder.stat().st_mode) == 0o700
    store.close()
    assert [r["kind"] for r in every_line_parses(store.path)] == ["start", "user"]


def test_someone_elses_file_is_never_retried(tmp_path: Path) -> None:
    (tmp_path / f"{CID}.jsonl").write_text("theirs\n")
    store = TranscriptStore.create(tmp_path, conversation_id=CID, environ={})
    assert store.failed and not store.stopped.retrying
    assert not store.write(Record.user(1, "x")) and store.waiting == 0
    assert not store.retry()
    store.close()
    assert (tmp_path / f"{CID}.jsonl").read_text() == "theirs\n"


def test_in_memory_reads_the_file_then_what_waits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store, _ = new_store(tmp_path)
    store.write(Record.start("m", "TEXT"))
    store.write(Record.user(1, "on disk"))
    Disk(monkeypatch, room=0)
    store.write(Record.model(1, "in memory"))
    loaded = in_memory(*store.snapshot())
    assert [t.text for t in loaded.turns] == ["on disk", "in memory"]
    assert loaded.settings.model == "m"


def test_quitting_while_the_disk_is_full_writes_a_copy_elsewhere_and_says_where(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store, _ = new_store(tmp_path / "full")
    store.write(Record.user(1, "What is the capital of Peru?"))
    Disk(monkeypatch, room=0)
    store.write(Record.model(1, "Lima."))
    store.write(Record.user(2, "And of Chile?"))
    store.close()
    monkeypatch.undo()
    assert [r.get("text") for r in store.unsaved()] == ["Lima.", "And of Chile?"]
    elsewhere = tmp_path / "home"
    elsewhere.mkdir()
    note = unsaved_note(store, folders=[tmp_path / "gone", elsewhere])
    assert note is not None
    copy = elsewhere / f"livetui-{CID}.jsonl"
    assert str(store.path) in note and "the disk is full" in note and "“Lima.”" in note and "“And of Chile?”" in note
    assert f"livetui --resume {copy}" in note
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert [t.text for t in load(copy).turns] == ["What is the capital of Peru?", "Lima.", "And of Chile?"]


def test_with_nowhere_to_write_a_copy_the_note_carries_the_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store, _ = new_store(tmp_path)
    Disk(monkeypatch, room=0)
    store.write(Record.user(1, "remember \x1b]0;owned\x07 this"))
    store.close()
    note = unsaved_note(store, folders=[tmp_path / "gone"])
    assert note is not None and "You: remember" in note and "this" in note
    assert "\x1b" not in note  # the words are shown, never obeyed


def test_nothing_to_say_when_everything_was_saved(tmp_path: Path) -> None:
    store, _ = new_store(tmp_path)
    store.write(Record.user(1, "x"))
    store.close()
    assert unsaved_note(store) is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=st.lists(st.tuples(st.one_of(st.none(), st.integers(0, 120)), st.booleans()), min_size=1, max_size=25))
def test_whatever_the_disk_does_every_line_is_whole_and_nothing_is_lost(tmp_path_factory: pytest.TempPathFactory, plan: list) -> None:
    """Each step: the room left on the disk (None: plenty), and whether the turn streams
    first (a partial record). Then space returns: every final record is in the file, in
    order, and every line parses."""
    folder = tmp_path_factory.mktemp("disk")
    with pytest.MonkeyPatch.context() as monkeypatch:
        store, _ = new_store(folder)
        disk = Disk(monkeypatch, room=None)
        for n, (room, streams) in enumerate(plan, start=1):
            disk.room = room
            if streams:
                store.write(Record.model(n, f"answer {n} so", partial=True))
            store.write(Record.model(n, f"answer {n} " + "é" * n))
        disk.room = None
        assert store.retry()
        store.close()
    lines = every_line_parses(store.path)
    finals = [r["text"] for r in lines if not r["partial"]]
    assert finals == [f"answer {n} " + "é" * n for n in range(1, len(plan) + 1)]
