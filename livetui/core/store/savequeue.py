"""Writing a transcript's lines when the disk may fail, and catching up when it comes back.

A disk that fills up, turns read-only or reports an I/O error while the user talks
must not lose the conversation, nor tear a line of the file:

- each line is written whole or not at all: the file's end is remembered before each
  write and cut back to it when the write fails part-way (ENOSPC often lets some bytes
  land); if even the cut fails, the next line starts with a newline, so the torn bytes
  stay a line of their own, which readers skip;
- lines that could not be written wait in a `Backlog`, in order, and are written (the
  file reopened: a read-only remount refuses it until it is writable again) at each
  new line and at each `retry` (the app calls it every RETRY_S);
- the listener hears `SavingStopped` at once and `SavingResumed` when it caught up.

Pure Python, one thread (the app's event loop); knows nothing of records beyond their
kind and turn (store.records owns the format).
"""

from __future__ import annotations

import errno
import os
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

RETRY_S = 2.0  # how often the app retries while not saving
LIMIT_BYTES = 16 * 1024 * 1024  # the backlog's bound: hours of talk; the oldest go first past it
EXPORT_HINT = "ctrl+p › “Export to…” saves a copy elsewhere"

# errno -> (the cause in words, the status bar's short form)
_CAUSES = {
    errno.ENOSPC: ("the disk is full", "disk full"),
    errno.EDQUOT: ("the disk quota is used up", "quota full"),
    errno.EROFS: ("the disk is read-only", "disk read-only"),
    errno.EIO: ("the disk reported an input/output error", "disk I/O error"),
    errno.EFBIG: ("the file is too large", "file too large"),
    errno.EACCES: ("permission denied", "no permission"),
    errno.EPERM: ("permission denied", "no permission"),
}


def cause(exc: OSError | None) -> tuple[str, str]:
    """(the cause in words, a short form) of a failed write."""
    if exc is None:
        return "no usable file name", "no file"
    if exc.errno in _CAUSES:
        return _CAUSES[exc.errno]
    words = (exc.strerror or str(exc) or type(exc).__name__).lower()
    return words, words


# --- news for the screen -------------------------------------------------------------


@dataclass(frozen=True)
class SavingStopped:
    """Writing failed: the conversation is kept in memory (and retried, if `retrying`)."""

    what: str  # "cannot write /path/x.jsonl"
    cause: str  # "the disk is full"
    short: str  # "disk full"
    retrying: bool = True

    @property
    def line(self) -> str:
        """One line for the chat (and the start-up problem)."""
        if not self.retrying:  # no file to write (nor anything kept to export): the conversation is on screen only
            return f"transcript not saved: {self.what} ({self.cause}); the conversation goes on in memory only"
        return f"transcript not saved: {self.what} ({self.cause}) · kept in memory, retrying · {EXPORT_HINT}"

    @property
    def marker(self) -> str:
        """The status bar's marker while it lasts."""
        return f"⚠ not saving: {self.short}"


@dataclass(frozen=True)
class SavingResumed:
    """The file is writable again and every waiting line is in it."""

    path: Path
    caught_up: int  # records written from the backlog
    lost: int = 0  # older records dropped from a backlog past LIMIT_BYTES

    @property
    def line(self) -> str:
        line = f"saving again: {self.caught_up} record{'s' if self.caught_up != 1 else ''} caught up"  # the path was in the failure's line
        if self.lost:
            line += f"; {self.lost} older ones did not fit in memory ({EXPORT_HINT})"
        return line


SaveNews = SavingStopped | SavingResumed


# --- the backlog ----------------------------------------------------------------------


@dataclass(eq=False)
class Pending:
    """One line waiting to be written."""

    data: bytes  # the whole line, its newline included
    kind: str
    turn: int | None = None
    partial: bool = False
    dropped: bool = False  # superseded while waiting

    @property
    def key(self) -> tuple[str, int] | None:
        return (self.kind, self.turn) if self.kind in ("user", "model") and self.turn is not None else None


class Backlog:
    """Lines waiting, in order. Per turn it keeps the first record (the turn's place and
    start time) and the latest (the whole text so far): the partial records between
    them say nothing the latest does not, so they go."""

    def __init__(self, limit: int = LIMIT_BYTES) -> None:
        self.limit = limit
        self.size = 0  # bytes of the lines kept
        self.lost = 0  # lines dropped past the limit, since last asked
        self._items: deque[Pending] = deque()
        self._count = 0
        self._first: dict[tuple[str, int], Pending] = {}
        self._latest: dict[tuple[str, int], Pending] = {}

    def __len__(self) -> int:
        return self._count

    def add(self, item: Pending) -> None:
        if item.kind == "start":  # turn ids restart with each session
            self._first.clear()
            self._latest.clear()
        key = item.key
        if key is not None:
            before = self._latest.get(key)
            if before is not None and before.partial and before is not self._first.get(key):
                self._drop(before)
            self._first.setdefault(key, item)
            self._latest[key] = item
        self._items.append(item)
        self._count += 1
        self.size += len(item.data)
        while self.size > self.limit and self._count > 1:
            self._drop(self.peek())  # type: ignore[arg-type]
            self.lost += 1

    def peek(self) -> Pending | None:
        while self._items and self._items[0].dropped:
            self._items.popleft()
        return self._items[0] if self._items else None

    def pop(self) -> Pending:
        item = self._items.popleft()
        self._count -= 1
        self.size -= len(item.data)
        return item

    def items(self) -> list[Pending]:
        return [item for item in self._items if not item.dropped]

    def _drop(self, item: Pending) -> None:
        item.dropped = True
        self._count -= 1
        self.size -= len(item.data)


# --- the file --------------------------------------------------------------------------


class LineWriter:
    """Appends whole lines to one file; reopens it (with `reopen`) after a failure."""

    def __init__(self, path: Path, fd: int | None, reopen: Callable[[], int] | None = None) -> None:
        self.path = path
        self.fd = fd
        self.reopen = reopen
        self.isolate = False  # the file may end mid-line: start the next line on a fresh one

    @property
    def usable(self) -> bool:
        return self.fd is not None or self.reopen is not None

    def open(self) -> int:
        if self.fd is None:
            if self.reopen is None:
                raise OSError(errno.EBADF, "the transcript is closed")
            self.fd = self.reopen()
            self.isolate = self.isolate or ends_mid_line(self.path)
        return self.fd

    def write(self, data: bytes) -> None:
        """All of `data` or, on OSError, none of it (as far as the disk lets us)."""
        fd = self.open()
        if self.isolate:
            data = b"\n" + data
        start = os.lseek(fd, 0, os.SEEK_END)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        except OSError:
            self._cut(fd, start)
            raise
        self.isolate = False

    def sync(self) -> None:
        os.fsync(self.open())

    def close(self) -> None:
        fd, self.fd = self.fd, None
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass

    def _cut(self, fd: int, start: int) -> None:
        """Take back the bytes of a line that landed only in part."""
        try:
            if os.fstat(fd).st_size > start:
                os.ftruncate(fd, start)
        except OSError:
            self.isolate = True


def ends_mid_line(path: Path) -> bool:
    """Whether the file's last line lacks its newline (a crash or a full disk tore it)."""
    try:
        with path.open("rb") as f:
            end = f.seek(0, os.SEEK_END)
            if end == 0:
                return False
            f.seek(end - 1)
            return f.read(1) != b"\n"
    except FileNotFoundError:
        return False
    except OSError:
        return True  # unknown: a spare newline costs nothing (blank lines are skipped)


# --- the queue ------------------------------------------------------------------------


class SaveQueue:
    """A `LineWriter` with a `Backlog`: `put` writes a line now or keeps it for later."""

    def __init__(
        self,
        path: Path,
        fd: int | None,
        *,
        reopen: Callable[[], int] | None = None,
        stopped: SavingStopped | None = None,
        limit: int = LIMIT_BYTES,
    ) -> None:
        self.path = path
        self.writer = LineWriter(path, fd, reopen)
        self.backlog = Backlog(limit)
        self.stopped = stopped  # set while not saving
        self.listener: Callable[[SaveNews], None] | None = None
        self.wrote_turn = False  # a user or model record reached the file
        self.closed = False

    @property
    def accepting(self) -> bool:
        """Lines put now are written or kept (not once closed, nor when there is no file to try)."""
        return not self.closed and self.writer.usable

    def put(self, item: Pending) -> bool:
        """True: on disk now. False: kept for later (or, when not `accepting`, dropped)."""
        if not self.accepting:
            return False
        if self.stopped is None and not self.backlog:
            try:
                self.writer.write(item.data)
            except OSError as exc:
                self.backlog.add(item)
                self._stop(f"cannot write {self.path}", exc)
                return False
            self._wrote(item)
            return True
        self.backlog.add(item)
        return self._catch_up(fresh=1)

    def retry(self) -> bool:
        """Write what waits; True when nothing does (saving normally)."""
        if self.stopped is None and not self.backlog:
            return True
        return self.accepting and self._catch_up()

    def sync(self) -> bool:
        """fsync (a checkpoint); while not saving, a retry."""
        if not self.accepting:
            return False
        if self.stopped is not None or self.backlog:
            return self._catch_up()
        try:
            self.writer.sync()
        except OSError as exc:
            self._stop(f"cannot save {self.path}", exc)
            return False
        return True

    def close(self) -> None:
        """A last try, then the file closed; what still waits stays in `backlog`."""
        if self.accepting:
            self.sync()
        self.writer.close()
        self.closed = True

    def _catch_up(self, fresh: int = 0) -> bool:
        written = 0
        while (item := self.backlog.peek()) is not None:
            try:
                self.writer.write(item.data)
            except OSError as exc:
                self._stop(f"cannot write {self.path}", exc)
                return False
            self.backlog.pop()
            self._wrote(item)
            written += 1
        if self.stopped is not None:
            try:
                self.writer.sync()  # the caught-up lines include finished turns: make them last
            except OSError as exc:
                self._stop(f"cannot save {self.path}", exc)
                return False
            self.stopped = None
            lost, self.backlog.lost = self.backlog.lost, 0
            self._tell(SavingResumed(self.path, max(0, written - fresh), lost))
        return True

    def _wrote(self, item: Pending) -> None:
        if item.key is not None:
            self.wrote_turn = True

    def _stop(self, what: str, exc: OSError) -> None:
        # Closed, so a read-only remount can go ahead, and a retry reopens what is there then.
        self.writer.close()
        words, short = cause(exc)
        before = self.stopped
        self.stopped = SavingStopped(what, words, short, retrying=self.writer.reopen is not None)
        if before is None or before.cause != words:
            self._tell(self.stopped)

    def _tell(self, news: SaveNews) -> None:
        if self.listener is not None:
            self.listener(news)
