"""The last word on a transcript that could not be saved: never lost in silence.

When the console quits while records still wait in memory (the disk still full or
read-only), the whole conversation goes to a file elsewhere (the home folder, else
the temporary folder) and one note, printed after the screen is gone, says which
turns are missing from the transcript and where the copy is; if no copy can be
written anywhere, the note carries the missing turns' words themselves.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from ..sanitize import safe_text
from .export import export_conversation, write_export
from .records import Record

QUOTE_CHARS = 50


class _Store(Protocol):
    id: str
    path: Path

    def unsaved(self) -> list[Record]: ...
    def snapshot(self) -> tuple[Path, int, list[str]]: ...
    @property
    def stopped(self) -> object | None: ...


def rescue_folders() -> list[Path]:
    return [Path.home(), Path(tempfile.gettempdir())]


def rescue(store: _Store, folders: Sequence[Path] | None = None) -> Path | None:
    """The whole conversation (the file and what memory holds) as JSONL, 0600, in the
    first folder that takes it; None if none does."""
    text = export_conversation(store.snapshot(), fmt="jsonl").text  # read once, whichever folder takes it
    for folder in rescue_folders() if folders is None else folders:
        target = folder / f"livetui-{store.id}.jsonl"
        if target.resolve() == store.path.resolve():
            continue
        try:
            write_export(target, text)
        except OSError:
            continue
        return target
    return None


def unsaved_note(store: _Store | None, folders: Sequence[Path] | None = None) -> str | None:
    """None when everything said is in the transcript; else the note for stderr (after
    writing the rescue copy)."""
    if store is None:
        return None
    missing = store.unsaved()
    turns = [r for r in missing if r.kind in ("user", "model") and isinstance(r.get("text"), str)]
    if not turns:
        return None  # start, usage or connection lines only: nothing the user said or heard
    why = getattr(store.stopped, "cause", None)
    head = f"livetui: {len(missing)} record{'s' if len(missing) != 1 else ''} could not be saved to {store.path}"
    head += f" ({why})" if why else ""
    latest = _latest_per_turn(missing)
    head += f"; missing there: {_quotes(latest)}"
    copy = rescue(store, folders)
    if copy is not None:
        return f"{head}\nlivetui: the whole conversation is in {copy} (livetui --resume {copy} continues it)"
    words = "\n".join(f"  {'You' if r.kind == 'user' else 'Gemini'}: {_words(r)}" for r in latest)
    return f"{head}\nlivetui: no copy could be written elsewhere either; the missing turns:\n{words}"


def _latest_per_turn(records: list[Record]) -> list[Record]:
    """Per turn its last record, in the order the turns began (ids restart at each start)."""
    latest: dict[tuple[int, str, int | None], Record] = {}
    session = 0
    for record in records:
        if record.kind == "start":
            session += 1
        elif record.kind in ("user", "model") and isinstance(record.get("text"), str):
            latest[(session, record.kind, record.turn)] = record
    return list(latest.values())


def _words(record: Record) -> str:
    return " ".join(safe_text(record.get("text")).split())  # the model's words: shown, never obeyed


def _quotes(records: list[Record]) -> str:
    shown = []
    for record in records[:4]:
        text = _words(record)
        text = text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1] + "…"
        shown.append(f"{'you' if record.kind == 'user' else 'Gemini'}: “{text}”")
    more = len(records) - len(shown)
    return ", ".join(shown) + (f" and {more} more turn{'s' if more != 1 else ''}" if more > 0 else "")
