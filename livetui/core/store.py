"""The transcript: one append-only JSONL file per conversation, in the XDG data folder.

Each line is a `Record`: {"v": 1, "t": "<ISO-8601 with offset>", "kind": ..., ...fields}.
A line is written (one `os.write`, so a kill tears at most the last line) as soon
as something happens, and the file is fsynced at each turn end (`checkpoint`).
An answer still streaming is written as a record marked partial; the turn's final
record supersedes it, because readers keep the last record per turn id.

Writing never raises into the UI: when the disk is full, read-only or the folder
unusable, the store says why in `problem` (and tells its listener at once), keeps the
records that could not be written, and writes them, in order, when it can again
(core.savequeue); no line is ever torn.
The store never receives an API key, and still scrubs any it finds (defence in depth).
"""

from __future__ import annotations

import difflib
import json
import math
import os
import re
import secrets
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, Self

import platformdirs

from .. import __version__
from .carryover import PastTurn
from .conversation import Turn
from .events import Usage
from .files import special_file
from .private import make_private_dirs, write_private
from .sanitize import escape_in_json, safe_text
from .savequeue import Pending, SaveNews, SaveQueue, SavingStopped, cause
from .usage import UsageTotals

APP_NAME = "livetui"
VERSION = 1  # the "v" of every line
KEY_VARS = ("GEMINI_API_KEY", "GOOGLE_API_KEY")  # as livetui.backend (core may not import it)
MIN_SECRET_CHARS = 9  # shorter values would scrub ordinary words
PARTIAL_EVERY_S = 0.5  # an answer in progress is rewritten at most this often
TITLE_CHARS = 60

_RESERVED = ("v", "t", "kind")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
TurnKind = Literal["user", "model"]


class StoreError(Exception):
    """A conversation that cannot be found or read; str() is one line for the user."""


# --- where ---------------------------------------------------------------------------


def conversations_dir(environ: Mapping[str, str] | None = None) -> Path:
    """platformdirs' user data folder + conversations (honours XDG_DATA_HOME).

    With `environ`, XDG_DATA_HOME is read from it rather than from os.environ, by
    the rule platformdirs applies on Linux and the BSDs.
    """
    if environ is not None and os.name == "posix" and sys.platform != "darwin":
        xdg = environ.get("XDG_DATA_HOME", "").strip()
        base = Path(xdg) if xdg else Path.home() / ".local" / "share"
        return base / APP_NAME / "conversations"
    return platformdirs.user_data_path(APP_NAME) / "conversations"


def new_conversation_id(now: datetime) -> str:
    """Sortable by start time; the random tail keeps two starts in one second apart."""
    return f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


# --- secrets ---------------------------------------------------------------------------


def scrub_secrets(text: str, environ: Mapping[str, str] | None = None) -> str:
    """`text` with the values of GEMINI_API_KEY / GOOGLE_API_KEY replaced by '***'.

    Also their JSON-escaped spelling, since records are scrubbed once serialised.
    """
    for secret in _secrets(os.environ if environ is None else environ):
        text = text.replace(secret, "***")
    return text


def _secrets(environ: Mapping[str, str]) -> list[str]:
    values = {environ.get(name, "").strip() for name in KEY_VARS}
    found = {v for v in values if len(v) >= MIN_SECRET_CHARS}
    found |= {json.dumps(v, ensure_ascii=False)[1:-1] for v in found}
    return sorted(found, key=len, reverse=True)  # a longer key containing a shorter one goes first


# --- records ---------------------------------------------------------------------------


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def _now() -> datetime:
    return datetime.now().astimezone()  # wall time with its offset: readable, and unambiguous


@dataclass(frozen=True)
class Record:
    """One line of a transcript. `t` is None until the store stamps it."""

    kind: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    t: str | None = None

    def __post_init__(self) -> None:
        clash = sorted(set(self.fields) & set(_RESERVED))
        if clash:
            raise ValueError(f"record fields may not be named {', '.join(clash)}")
        object.__setattr__(self, "fields", MappingProxyType(dict(self.fields)))

    def get(self, name: str, default: Any = None) -> Any:
        return self.fields.get(name, default)

    @property
    def time(self) -> datetime | None:
        try:
            return datetime.fromisoformat(self.t) if isinstance(self.t, str) else None
        except ValueError:
            return None

    @property
    def turn(self) -> int | None:
        turn = self.fields.get("turn")
        return turn if isinstance(turn, int) and not isinstance(turn, bool) else None

    @property
    def partial(self) -> bool:
        return self.fields.get("partial") is True

    def to_line(self) -> str:
        """The JSON line, without its newline."""
        data = {"v": VERSION, "t": self.t, "kind": self.kind, **self.fields}
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)

    @classmethod
    def from_line(cls, line: str) -> Record | None:
        """The record on a line, or None for a line that is not one (torn, edited, empty)."""
        try:
            data = json.loads(line)
        except (ValueError, RecursionError):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("kind"), str):
            return None
        t = data.get("t")
        fields = {k: v for k, v in data.items() if k not in _RESERVED}
        return cls(data["kind"], fields, t if isinstance(t, str) else None)

    # -- one constructor per kind ----------------------------------------------------

    @classmethod
    def start(cls, model: str, modality: str, service: str | None = None) -> Record:
        return cls("start", {"model": model, "modality": modality, "service": service, "version": __version__})

    @classmethod
    def user(cls, turn: int, text: str, modality: str = "TEXT", *, partial: bool = False) -> Record:
        return cls("user", {"turn": turn, "text": text, "modality": modality, "partial": partial})

    @classmethod
    def model(
        cls,
        turn: int,
        text: str,
        modality: str = "TEXT",
        *,
        audio_seconds: float = 0.0,
        interrupted: bool = False,
        partial: bool = False,
    ) -> Record:
        fields = {"turn": turn, "text": text, "modality": modality, "audio_seconds": round(audio_seconds, 3)}
        return cls("model", {**fields, "interrupted": interrupted, "partial": partial})

    @classmethod
    def system(cls, text: str, level: str = "info") -> Record:
        return cls("system", {"text": text, "level": level})

    @classmethod
    def usage(cls, usage: Usage) -> Record:
        fields: dict[str, Any] = {"prompt": usage.prompt, "response": usage.response, "total": usage.total}
        fields["prompt_by_modality"] = dict(usage.prompt_by_modality)
        fields["response_by_modality"] = dict(usage.response_by_modality)
        return cls("usage", fields)

    @classmethod
    def handle(cls, handle: str | None, resumable: bool = True) -> Record:
        return cls("handle", {"handle": handle, "resumable": resumable})

    @classmethod
    def switch(cls, **settings: Any) -> Record:
        """A settings change mid-conversation, e.g. switch(modality="AUDIO")."""
        return cls("switch", settings)

    @classmethod
    def from_turn(cls, turn: Turn, *, partial: bool = False) -> Record:
        """The record of a conversation turn, as it stands."""
        if turn.role == "system":
            return cls.system(turn.text, turn.kind)
        if turn.role == "user":
            return cls.user(turn.id, turn.text, turn.modality, partial=partial)
        return cls.model(
            turn.id,
            turn.text,
            turn.modality,
            audio_seconds=turn.audio_seconds,
            interrupted=turn.interrupted,
            partial=partial,
        )


# --- writing ---------------------------------------------------------------------------


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


def _ends_mid_line(path: Path) -> bool:
    with path.open("rb") as existing:
        if existing.seek(0, os.SEEK_END) == 0:
            return False
        existing.seek(-1, os.SEEK_END)
        return existing.read(1) != b"\n"


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
        clock: Callable[[], datetime] = _now,
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
        self._secrets = _secrets(os.environ if environ is None else environ)
        self._partial_at: dict[tuple[str, int], float] = {}
        self._finished: set[tuple[str, int]] = set()

    # -- opening ---------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        directory: Path | str | None = None,
        *,
        conversation_id: str | None = None,
        clock: Callable[[], datetime] = _now,
        environ: Mapping[str, str] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> TranscriptStore:
        """A new conversation file (0600, folders 0700); a failed store if that cannot be."""
        folder = Path(directory) if directory is not None else conversations_dir(environ)
        options = {"clock": clock, "environ": environ, "monotonic": monotonic}
        if conversation_id is not None and not _ID.fullmatch(conversation_id):
            raise ValueError(f"not a usable conversation id: {conversation_id!r}")
        try:
            make_private_dirs(folder, ours=folder.parent if directory is None else None)  # livetui's own data folder
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
        clock: Callable[[], datetime] = _now,
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
            torn = _ends_mid_line(path)  # a crash tore the last line: start a fresh one
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
            record = replace(record, t=_stamp(self._clock()))
        line = record.to_line()
        for secret in self._secrets:
            line = line.replace(secret, "***")
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
        still cannot be written stay in `unsaved()` (see core.savequeue.unsaved_note)."""
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


# --- reading ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredTurn:
    """A turn as read back: the last record written for it."""

    role: Literal["user", "model", "system"]
    text: str
    modality: str = "TEXT"
    interrupted: bool = False
    partial: bool = False  # the console stopped before the turn ended
    audio_seconds: float = 0.0
    level: str = "info"  # system lines: info, divider or error
    at: datetime | None = None  # when the turn began (its first record)


@dataclass(frozen=True)
class StoredSettings:
    model: str | None = None
    modality: str | None = None
    service: str | None = None


@dataclass(frozen=True)
class LoadedConversation:
    id: str
    path: Path
    lines: tuple[str, ...]  # every readable line, as written
    turns: tuple[StoredTurn, ...]
    handle: str | None  # the latest session resumption handle
    settings: StoredSettings  # as the last start or switch record left them
    usage_total: UsageTotals
    started: datetime | None
    skipped: int = 0  # lines that were not records (a torn last line, say)

    def past_turns(self) -> list[PastTurn]:
        """The context to replay into a new session (see core.carryover)."""
        return [PastTurn(t.role, t.text) for t in self.turns if t.role != "system" and t.text.strip()]


@dataclass(frozen=True)
class ConversationInfo:
    id: str
    path: Path
    started: datetime | None
    modified: datetime
    title: str  # the first thing the user said, on one line ("" if nothing yet)
    turns: int  # user and model turns
    model: str | None


def resolve(id_or_path: str | Path, directory: Path | str | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """The file of a conversation: a path, an id, or a unique beginning of an id."""
    text = str(id_or_path).strip()
    if isinstance(id_or_path, Path) or os.sep in text or text.endswith(".jsonl"):
        path = Path(text).expanduser()
        if path.is_file():
            return path
        try:
            kind = special_file(path)
        except OSError:
            raise StoreError(f"no such conversation file: {path}") from None
        raise StoreError(f"{path} is {kind}, not a conversation file")
    if not text:
        raise StoreError("no conversation id given")
    folder = Path(directory) if directory is not None else conversations_dir(environ)
    ids = sorted(p.stem for p in _files(folder))
    if text in ids:
        return folder / f"{text}.jsonl"
    matches = [i for i in ids if i.startswith(text)]
    if len(matches) == 1:
        return folder / f"{matches[0]}.jsonl"
    if matches:
        shown = ", ".join(matches[:5]) + (", …" if len(matches) > 5 else "")
        raise StoreError(f"{text!r} matches {len(matches)} conversations ({shown}): give more of the id")
    if not ids:
        raise StoreError(f"no conversation {text!r}: none saved yet in {folder}")
    closest = difflib.get_close_matches(text, ids, n=3, cutoff=0.3) or ids[::-1][:3]
    raise StoreError(f"no conversation {text!r} in {folder}; closest: {', '.join(closest)}")


def _files(folder: Path) -> list[Path]:
    try:
        return [p for p in folder.iterdir() if p.suffix == ".jsonl" and p.is_file()]
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise StoreError(f"cannot read {folder}: {exc.strerror or exc}") from None


def read_records(path: Path, size: int | None = None) -> tuple[list[str], list[Record], int]:
    """(lines, records, skipped): every line that holds a record, and how many did not
    (of the first `size` bytes, when given)."""
    try:
        with path.open("rb") as f:
            data = f.read() if size is None else f.read(size)
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from None
    return _parse(data)


def _parse(data: bytes) -> tuple[list[str], list[Record], int]:
    lines, records, skipped = [], [], 0
    for raw in data.split(b"\n"):
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8").strip()
        except UnicodeDecodeError:
            record = None
        else:
            record = Record.from_line(line)
        if record is None:
            skipped += 1
            continue
        lines.append(line)
        records.append(record)
    return lines, records, skipped


def load(id_or_path: str | Path, directory: Path | str | None = None, environ: Mapping[str, str] | None = None) -> LoadedConversation:
    """A saved conversation, read tolerantly: lines that are not records are skipped."""
    path = resolve(id_or_path, directory, environ)
    return _assemble(path, *read_records(path))


def in_memory(path: Path, size: int, kept: list[str]) -> LoadedConversation:
    """The whole conversation of a store that could not write it all (`store.snapshot()`):
    the first `size` bytes of its file, then the records kept in memory. Blocking."""
    try:
        lines, records, skipped = read_records(path, size) if size else ([], [], 0)
    except StoreError:  # the file is unreadable too (an I/O error): what memory holds
        lines, records, skipped = [], [], 0
    more_lines, more_records, more_skipped = _parse("\n".join(kept).encode("utf-8", "replace"))
    return _assemble(path, lines + more_lines, records + more_records, skipped + more_skipped)


def _assemble(path: Path, lines: list[str], records: list[Record], skipped: int) -> LoadedConversation:
    turns: list[StoredTurn] = []
    slots: dict[tuple[int, str, int], int] = {}  # (session, kind, turn id) -> index in turns
    session = 0
    settings = StoredSettings()
    handle: str | None = None
    usage = UsageTotals()
    started: datetime | None = None
    for record in records:
        if started is None:
            started = record.time
        match record.kind:
            case "start" | "switch":
                if record.kind == "start":
                    session += 1  # turn ids restart with each session
                settings = StoredSettings(
                    model=_str_or(record.get("model"), settings.model),
                    modality=_str_or(record.get("modality"), settings.modality),
                    service=_str_or(record.get("service"), settings.service),
                )
            case "user" | "model":
                turn = _stored_turn(record)
                key = (session, record.kind, record.turn)
                if record.turn is None:
                    turns.append(turn)
                elif key in slots:  # a later record of the same turn supersedes the earlier
                    index = slots[key]
                    turns[index] = replace(turn, at=turns[index].at or turn.at)
                else:
                    slots[key] = len(turns)
                    turns.append(turn)
            case "system":
                level = _str_or(record.get("level"), "info")
                turns.append(StoredTurn("system", safe_text(_str_or(record.get("text"), "")), level=level, at=record.time))
            case "usage":
                usage = usage.add(_usage(record))
            case "handle":
                value = record.get("handle")
                if isinstance(value, str) and value:
                    handle = value
    return LoadedConversation(
        id=path.stem,
        path=path,
        lines=tuple(lines),
        turns=tuple(turns),
        handle=handle,
        settings=settings,
        usage_total=usage,
        started=started,
        skipped=skipped,
    )


_HEAD_BYTES = 64 * 1024  # a first record (start, or a system line) is a few hundred bytes


def load_to_resume(id_or_path: str | Path, directory: Path | str | None = None, environ: Mapping[str, str] | None = None) -> LoadedConversation:
    """A saved conversation to continue, refused (StoreError, the file untouched) when it
    is not a livetui transcript: appending to someone else's file would corrupt it."""
    path = resolve(id_or_path, directory, environ)
    if (why := not_a_transcript(path)) is not None:
        raise StoreError(f"{path} is not a livetui transcript ({why}); left it unchanged")
    return load(path, directory, environ)


def not_a_transcript(path: Path) -> str | None:
    """Why the file is not one livetui wrote, judged by its first line (every line of a
    transcript carries "v", "t" and "kind") without reading the rest; None when it is one."""
    try:
        if (kind := special_file(path)) is not None:
            return f"it is {kind}"
        with path.open("rb") as f:
            head = f.read(_HEAD_BYTES)
    except OSError as exc:
        return f"cannot read it: {exc.strerror or exc}"
    if not head.strip():
        return "it is empty"
    first = head.lstrip().split(b"\n", 1)[0]
    try:
        data = json.loads(first.decode("utf-8"))
    except (ValueError, RecursionError):
        return "its first line is not JSON" if b"\n" in head or len(head) < _HEAD_BYTES else "its first line is too long"
    if not (isinstance(data, dict) and isinstance(data.get("v"), int) and isinstance(data.get("kind"), str) and "t" in data):
        return "its first line is not a livetui record"
    return None


def list_conversations(directory: Path | str | None = None, environ: Mapping[str, str] | None = None) -> list[ConversationInfo]:
    """The saved conversations, the most recently written first; unreadable files left out."""
    folder = Path(directory) if directory is not None else conversations_dir(environ)
    infos = []
    for path in _files(folder):
        try:
            loaded = load(path)
            modified = datetime.fromtimestamp(path.stat().st_mtime).astimezone()
        except (StoreError, OSError):
            continue
        spoken = [t for t in loaded.turns if t.role != "system"]
        title = next((t.text for t in spoken if t.role == "user" and t.text.strip()), "")
        infos.append(
            ConversationInfo(
                id=loaded.id,
                path=path,
                started=loaded.started,
                modified=modified,
                title=_one_line(title, TITLE_CHARS),
                turns=len(spoken),
                model=loaded.settings.model,
            )
        )
    infos.sort(key=lambda info: (info.modified, info.id), reverse=True)
    return infos


def _stored_turn(record: Record) -> StoredTurn:
    role: Literal["user", "model"] = "user" if record.kind == "user" else "model"
    return StoredTurn(
        role=role,
        text=safe_text(_str_or(record.get("text"), "")),  # read back from disk: data, shown not obeyed
        modality=_str_or(record.get("modality"), "TEXT"),
        interrupted=record.get("interrupted") is True,
        partial=record.partial,
        audio_seconds=_seconds(record.get("audio_seconds")),
        at=record.time,
    )


def _usage(record: Record) -> Usage:
    return Usage(
        prompt=_count(record.get("prompt")),
        response=_count(record.get("response")),
        total=_count(record.get("total")),
        prompt_by_modality=_counts(record.get("prompt_by_modality")),
        response_by_modality=_counts(record.get("response_by_modality")),
    )


def _str_or(value: Any, default: Any) -> Any:
    return safe_text(value) if isinstance(value, str) else default  # read back from disk: data


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _counts(value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        return {}
    return {str(k): _count(v) for k, v in value.items()}


def _seconds(value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0:
        return float(value)
    return 0.0


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(safe_text(text).split())  # joiners and marks kept: 👩‍👩‍👧 stays one emoji
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# --- export ----------------------------------------------------------------------------


def export_jsonl(loaded: LoadedConversation, environ: Mapping[str, str] | None = None) -> str:
    """The file as written, without the lines that are not records; control codes that
    JSON leaves raw (DEL, C1, bidi) as \\u escapes: the same text, safe to print."""
    return "".join(escape_in_json(scrub_secrets(line, environ)) + "\n" for line in loaded.lines)


def export_markdown(loaded: LoadedConversation, environ: Mapping[str, str] | None = None) -> str:
    out = [f"# Conversation {loaded.id}", ""]
    about = [f"Started {_when(loaded.started)}"] if loaded.started else []
    about += [v for v in (loaded.settings.model, loaded.settings.service) if v]  # modality: per turn, below
    if about:
        out += ["*" + _escape(" · ".join(about)) + "*", ""]
    for turn in loaded.turns:
        out += _markdown_turn(turn)
    out += ["---", "", _usage_line(loaded.usage_total), ""]
    text = "\n".join(out).encode("utf-8", "replace").decode()  # no lone surrogates: it must print
    # A file on disk may hold raw control codes (an older version, an edit): Markdown is
    # read in a terminal, so they are shown, not obeyed. JSONL keeps them, JSON-escaped.
    return scrub_secrets(safe_text(text), environ)


def _markdown_turn(turn: StoredTurn) -> list[str]:
    if turn.role == "system":
        text = _escape(" ".join(turn.text.split()))
        line = {"divider": f"*— {text} —*", "error": f"*Error: {text}*"}.get(turn.level, f"*{text}*")
        return [line, ""]
    notes = [f"{turn.at:%H:%M:%S}"] if turn.at else []
    if turn.role == "user":
        name, empty = "You", "*(spoken, no transcript)*"
        notes += ["spoken"] if turn.modality == "AUDIO" else []
    else:
        name, empty = "Gemini", "*(audio, no transcript)*" if turn.modality == "AUDIO" else "*(no text)*"
        notes += [f"audio {turn.audio_seconds:.1f} s"] if turn.audio_seconds else []
        notes += ["interrupted"] if turn.interrupted else []
    notes += ["partial"] if turn.partial else []
    heading = f"**{name}**" + (f" ({', '.join(notes)}):" if notes else ":")
    return [heading, "", turn.text.strip() or empty, ""]


def _usage_line(usage: UsageTotals) -> str:
    if not usage.turns:
        return "*No token usage recorded.*"
    line = f"Tokens: {usage.prompt:,} in, {usage.response:,} out, {usage.total:,} total over {usage.turns} turn"
    line += "s" if usage.turns != 1 else ""
    details = [
        f"{label} " + ", ".join(f"{name} {count:,}" for name, count in sorted(counts.items()))
        for label, counts in (("in:", usage.prompt_by_modality), ("out:", usage.response_by_modality))
        if counts
    ]
    return line + (f" ({'; '.join(details)})" if details else "") + "."


def _when(moment: datetime) -> str:
    offset = moment.strftime("%z")
    return f"{moment:%Y-%m-%d %H:%M:%S}" + (f" {offset[:3]}:{offset[3:]}" if offset else "")


def _escape(text: str) -> str:
    """Text inside *italics*: its own markup must not end them."""
    return re.sub(r"([\\*_`])", r"\\\1", text)


def write_export(path: Path, text: str) -> None:
    """Write an export for the user: 0600 whether or not it existed (it holds the
    conversation), whole or not at all. Raises OSError."""
    write_private(path, text.encode("utf-8"))
