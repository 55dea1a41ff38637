"""Reading transcripts back, tolerantly: a torn or edited line is skipped, never a crash.

`load` reads one conversation (readers keep the last record per turn id, so a turn's
final record supersedes its partial ones), `in_memory` one that a failed store holds
partly in memory, `load_to_resume` one to continue (refusing files livetui did not
write), and `list_conversations` the folder, most recently written first.
Text read back from disk is data, shown not obeyed: it goes through safe_text.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from ..events import Source, Usage
from ..files import special_file
from ..latency import AnswerLatency
from ..sanitize import safe_link, safe_text
from ..usage import UsageTotals
from .paths import StoreError, conversation_files, conversations_dir, resolve
from .records import ConversationInfo, LoadedConversation, Record, StoredCall, StoredSettings, StoredTurn

TITLE_CHARS = 60
_HEAD_BYTES = 64 * 1024  # a first record (start, or a system line) is a few hundred bytes


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
    by_model: dict[str | None, UsageTotals] = {}
    started: datetime | None = None
    calls: dict[tuple[int, int], dict[str, StoredCall]] = {}  # (session, answer's turn id) -> its calls by id
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
            case "tool":
                _stored_call(record, session, calls)
            case "usage":
                usage = usage.add(_usage(record))
                by_model[settings.model] = by_model.get(settings.model, UsageTotals()).add(_usage(record))
            case "handle":
                value = record.get("handle")
                if isinstance(value, str) and value:
                    handle = value
    turns = _with_calls(turns, slots, calls)
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
        usage_by_model=by_model,
    )


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
    for path in conversation_files(folder):
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
                usage=loaded.usage_total,
                usage_by_model=loaded.usage_by_model,
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
        latency=AnswerLatency.from_record(record.get("latency")),
        sources=_sources(record.get("sources")),
    )


def _stored_call(record: Record, session: int, calls: dict[tuple[int, int], dict[str, StoredCall]]) -> None:
    """A function call's record: the last one of a call wins, and keeps when the call came."""
    call_id, turn = record.get("call"), record.turn
    if not isinstance(call_id, str) or turn is None:
        return
    args, response, took = record.get("args"), record.get("response"), record.get("took_s")
    held = calls.setdefault((session, turn), {})
    before = held.get(call_id)
    held[call_id] = StoredCall(
        call_id=safe_text(call_id),
        name=safe_text(_str_or(record.get("name"), "")),
        args=args if isinstance(args, dict) else {},
        state=_str_or(record.get("state"), "running"),
        behavior=_str_or(record.get("behavior"), ""),
        scheduling=_str_or(record.get("scheduling"), ""),
        response=response if isinstance(response, dict) else None,
        note=_str_or(record.get("note"), ""),
        took_s=_seconds(took) if took is not None else None,
        at=before.at if before is not None and before.at is not None else record.time,
    )


def _with_calls(turns: list[StoredTurn], slots: dict[tuple[int, str, int], int],
                calls: dict[tuple[int, int], dict[str, StoredCall]]) -> list[StoredTurn]:
    """Each answer with its function calls; calls whose answer was never written get one of their own."""
    for (session, turn_id), held in calls.items():
        index = slots.get((session, "model", turn_id))
        if index is None:
            turns.append(StoredTurn("model", "", partial=True, at=next(iter(held.values())).at, tools=tuple(held.values())))
        else:
            turns[index] = replace(turns[index], tools=tuple(held.values()))
    return turns


def _sources(value: Any) -> tuple[Source, ...]:
    """A model record's grounding sources, read as data: text made safe, unsafe links dropped."""
    if not isinstance(value, list):
        return ()
    sources = []
    for item in value:
        if not isinstance(item, dict):
            continue
        title = " ".join(_str_or(item.get("title"), "").split())
        uri = safe_link(item.get("uri")) if isinstance(item.get("uri"), str) else ""
        if title or uri:
            sources.append(Source(title=title or uri, uri=uri, domain=" ".join(_str_or(item.get("domain"), "").split())))
    return tuple(sources)


def _usage(record: Record) -> Usage:
    return Usage(
        prompt=_count(record.get("prompt")),
        response=_count(record.get("response")),
        total=_count(record.get("total")),
        prompt_by_modality=_counts(record.get("prompt_by_modality")),
        response_by_modality=_counts(record.get("response_by_modality")),
        thoughts=_count(record.get("thoughts")),
        tool_use_prompt=_count(record.get("tool_use_prompt")),
        cached=_count(record.get("cached")),
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

