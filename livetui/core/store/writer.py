"""Writing a transcript: one append-only JSONL file per conversation, private (0600).

A line is written (one `os.write`, so a kill tears at most the last line) as soon
as something happens, and the file is fsynced at each turn end (`checkpoint`).
An answer still streaming is written as a record marked partial, at most every
PARTIAL_EVERY_S; the turn's final record supersedes it.

Writing never raises into the UI: when the disk is full, read-only or the folder
unusable, the store says why in `problem` (and tells its listener at once), keeps the
records that could not be written, and writes them, in order, when it can again
(store.savequeue); no line is ever torn.
The store never receives an API key, and still scrubs any it finds (defence in depth).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, Self

from ..conversation import Turn
from ..private import make_private_dirs
from ..secrets import record_secrets, scrub_secrets
from .paths import ID_PATTERN, StoreError, conversations_dir, data_dir_chosen, new_conversation_id, resolve
from .records import Record, TurnKind, now, stamp
from .savequeue import Pending, SaveNews, SaveQueue, SavingStopped, cause, ends_mid_line

PARTIAL_EVERY_S = 0.5  # an answer in progress is rewritten at most this often


def _open_private(path: Path, *, exclusive: bool) -> int:
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | (os.O_EXCL if exclusive else 0)
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        os.fchmod(fd, 0o600)  # the umask may have taken the owner's write bit
    except OSError:
        os.close(fd)
        raise
    return fd


def _fsync_dir(directory: Path) -> None:
    """Best effort: the new file's name survives a crash too."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _reopener(path: Path) -> Callable[[], int]:
    """How a failed store tries its file again: the folders made if gone, the file
    appended to (created if need be)."""

    def reopen() -> int:
        make_private_dirs(path.parent)
        return _open_private(path, exclusive=False)

    return reopen


class TranscriptStore:
    """Appends the records of one conversation to its file. Use `create` or `resume`.

    Not thread-safe: call it from one thread (the app's event loop).
    """

    def __init__(
        self,
        conversation_id: str,
        path: Path,
        fd: int | None,
        *,
        problem: SavingStopped | None = None,
        retry: bool = True,
        created: bool = False,
        clock: Callable[[], datetime] = now,
        environ: Mapping[str, str] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.id = conversation_id
        self.path = path
        # `retry`: the path is this conversation's own file, so a failed store may (re)open it.
        self._queue = SaveQueue(path, fd, reopen=_reopener(path) if retry else None, stopped=problem)
        self._created = created
        self._clock = clock
        self._monotonic = monotonic
        self._secrets = record_secrets(environ)
        self._partial_at: dict[tuple[str, int], float] = {}
        self._finished: set[tuple[str, int]] = set()

    # -- opening ---------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        directory: Path | str | None = None,
        *,
        conversation_id: str | None = None,
        clock: Callable[[], datetime] = now,
        environ: Mapping[str, str] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> TranscriptStore:
        """A new conversation file (0600, folders 0700); a failed store if that cannot be."""
        folder = Path(directory) if directory is not None else conversations_dir(environ)
        options = {"clock": clock, "environ": environ, "monotonic": monotonic}
        if conversation_id is not None and not ID_PATTERN.fullmatch(conversation_id):
            raise ValueError(f"not a usable conversation id: {conversation_id!r}")
        try:
            make_private_dirs(folder, ours=_ours(folder, directory, environ))
        except OSError as exc:
            cid = conversation_id or new_conversation_id(clock())
            problem = _problem(f"cannot create the folder {folder}", exc)
            return cls(cid, folder / f"{cid}.jsonl", None, problem=problem, created=True, **options)
        for _ in range(20):  # ids collide only within one second: a few tries are plenty
            cid = conversation_id or new_conversation_id(clock())
            path = folder / f"{cid}.jsonl"
            try:
                fd = _open_private(path, exclusive=True)
            except FileExistsError as exc:
                if conversation_id is None:
                    continue
                # Someone else's file: never to be appended to, so no retrying either.
                return cls(cid, path, None, problem=_problem(f"cannot create {path}", exc, False), retry=False, **options)
            except OSError as exc:
                return cls(cid, path, None, problem=_problem(f"cannot create {path}", exc), created=True, **options)
            _fsync_dir(folder)
            return cls(cid, path, fd, created=True, **options)
        problem = _problem(f"cannot create a new file in {folder}", None, False)
        return cls(cid, path, None, problem=problem, retry=False, **options)

    @classmethod
    def resume(
        cls,
        id_or_path: str | Path,
        directory: Path | str | None = None,
        *,
        clock: Callable[[], datetime] = now,
        environ: Mapping[str, str] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> TranscriptStore:
        """Append to a saved conversation (to continue it); a failed store if that cannot be.

        Write a `start` record first: turn ids restart with the new session, and
        readers tell the sessions' turns apart by the `start` records between them.
        """
        options = {"clock": clock, "environ": environ, "monotonic": monotonic}
        try:
            path = resolve(id_or_path, directory, environ)
        except StoreError as exc:
            problem = SavingStopped(str(exc), "no such conversation", "no file", retrying=False)
            return cls(str(id_or_path), Path(str(id_or_path)), None, problem=problem, retry=False, **options)
        try:
            torn = ends_mid_line(path)  # a crash tore the last line: start a fresh one
            fd = _open_private(path, exclusive=False)
        except OSError as exc:
            return cls(path.stem, path, None, problem=_problem(f"cannot open {path}", exc), **options)
        store = cls(path.stem, path, fd, **options)
        store._queue.writer.isolate = torn
        return store

    # -- state -----------------------------------------------------------------------

    @property
    def problem(self) -> str | None:
        """One line for the user while records are not being saved; None when they are."""
        stopped = self._queue.stopped
        return stopped.line if stopped is not None else None

    @property
    def failed(self) -> bool:
        return self._queue.stopped is not None

    @property
    def stopped(self) -> SavingStopped | None:
        return self._queue.stopped

    def listen(self, listener: Callable[[SaveNews], None] | None) -> None:
        """`listener` hears at once when saving stops (or its cause changes) and when it resumes."""
        self._queue.listener = listener

    @property
    def waiting(self) -> int:
        """Records kept in memory, not yet in the file."""
        return len(self._queue.backlog)

    # -- writing ---------------------------------------------------------------------

    def append(self, kind: str, **fields: Any) -> bool:
        """Write one record now (no fsync); False if it is not in the file (yet)."""
        return self.write(Record(kind, fields))

    def write(self, record: Record) -> bool:
        """True: in the file. False: kept to be written when the disk lets us (see
        `failed`), or dropped by a store closed or without a file."""
        if not self._queue.accepting:
            return False
        if record.t is None:
            record = replace(record, t=stamp(self._clock()))
        line = record.to_line()
        line = scrub_secrets(line, secrets=self._secrets)
        # A lone surrogate (JSON from the wire may carry one) becomes its \uXXXX escape:
        # it only occurs inside JSON strings, so the line stays valid JSON and reads back the same.
        data = (line + "\n").encode("utf-8", "backslashreplace")
        key = _turn_key(record)
        if key is not None and not record.partial:  # final: no later partial may supersede it
            self._finished.add(key)
            self._partial_at.pop(key, None)
        return self._queue.put(Pending(data, record.kind, record.turn, record.partial))

    def retry(self) -> bool:
        """Write the records kept in memory, if the disk lets us now; True when none wait."""
        return self._queue.retry()

    def partial(self, turn_id: int, kind: TurnKind, text: str, *, force: bool = False, **fields: Any) -> bool:
        """The turn as it stands, marked partial, so a crash loses at most the last moments.

        Written at most every PARTIAL_EVERY_S per turn (each record holds the whole
        text so far) unless `force`; never after the turn's final record.
        """
        key = (kind, turn_id)
        if key in self._finished or not self._queue.accepting:
            return False
        now = self._monotonic()
        last = self._partial_at.get(key)
        if not force and last is not None and now - last < PARTIAL_EVERY_S:
            return False
        self._partial_at[key] = now  # in the file or kept: either way, the next one waits
        return self.write(Record(kind, {"turn": turn_id, "text": text, **fields, "partial": True}))

    def write_turn(self, turn: Turn, *, partial: bool = False, force: bool = False) -> bool:
        """A conversation turn: final (at TurnEnded) or partial (throttled, while it streams, unless `force`)."""
        record = Record.from_turn(turn, partial=partial)
        if partial and turn.role in ("user", "model"):
            fields = {k: v for k, v in record.fields.items() if k not in ("turn", "text", "partial")}
            return self.partial(turn.id, turn.role, turn.text, force=force, **fields)  # type: ignore[arg-type]
        return self.write(record)

    def checkpoint(self) -> bool:
        """fsync: what was written survives a crash or power loss. Call at each turn end.
        While records wait, a retry."""
        return self._queue.sync()

    def close(self, unfinished: Iterable[Turn | None] = ()) -> None:
        """Checkpoint and close; a file this store created that holds no turn is removed.

        `unfinished`: the turns still streaming, written as they stand now (past the
        partial throttle), so quitting mid-answer keeps its last words. Records that
        still cannot be written stay in `unsaved()` (see core.store.rescue.unsaved_note)."""
        if self._queue.closed:
            return
        for turn in unfinished:
            if turn is not None and turn.open and turn.text:
                self.write_turn(turn, partial=True, force=True)
        self._queue.close()
        if self._created and not self._queue.wrote_turn and not any(item.key for item in self._queue.backlog.items()):
            try:
                self.path.unlink()
            except OSError:
                pass

    def unsaved(self) -> list[Record]:
        """The records kept in memory that are not in the file."""
        records = (Record.from_line(item.data.decode("utf-8", "replace")) for item in self._queue.backlog.items())
        return [r for r in records if r is not None]

    def snapshot(self) -> tuple[Path, int, list[str]]:
        """(file, its size now, the lines kept in memory): what `in_memory` reads, off the
        loop, as the whole conversation, without racing a catch-up that writes meanwhile."""
        try:
            size = self.path.stat().st_size
        except OSError:
            size = 0
        lines = [item.data.decode("utf-8", "replace") for item in self._queue.backlog.items()]
        return self.path, size, lines

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _problem(what: str, exc: OSError | None, retrying: bool = True) -> SavingStopped:
    words, short = cause(exc)
    return SavingStopped(what, words, short, retrying=retrying)


def _turn_key(record: Record) -> tuple[str, int] | None:
    turn = record.turn
    return (record.kind, turn) if record.kind in ("user", "model") and turn is not None else None


def _ours(folder: Path, directory: Path | str | None, environ: Mapping[str, str] | None) -> Path | None:
    """The folders livetui owns by name, tightened to 0700 if looser: its own data folder,
    or only `conversations` inside a data folder the user chose (never the choice itself)."""
    if directory is not None:
        return None
    return folder if data_dir_chosen(environ) else folder.parent
