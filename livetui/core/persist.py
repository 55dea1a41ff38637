"""The transcript on disk, written from what happens: conversation changes become
records (core.store), as do the session's own news (a start, a handle, a switch).

This is the one writer of the store: the UI draws changes, the session controller
(core/session.py) hands the same changes here. Writing never raises (core.savequeue
keeps what a full disk refuses); a console without a store writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .conversation import Change, SourcesChanged, ToolCardChanged, Turn, TurnAdded, TurnEnded, TurnText, UsageChanged
from .store import Record, TranscriptStore


class Transcript:
    def __init__(self, store: TranscriptStore | None = None) -> None:
        self.store = store  # None: nothing is saved (e.g. --no-save, or tests)

    @property
    def id(self) -> str | None:
        return self.store.id if self.store is not None else None

    @property
    def path(self) -> Path | None:
        return self.store.path if self.store is not None else None

    @property
    def problem(self) -> str | None:
        """Why the transcript could not be opened for writing, in words; None when it can."""
        store = self.store
        return store.problem if store is not None and store.failed else None

    def begin(self, model: str, modality: str, service: str) -> None:
        """Where this session's turns begin in the file."""
        if self.store is not None:
            self.store.write(Record.start(model, modality, service))

    def write(self, changes: Iterable[Change]) -> None:
        """Into the transcript as it happens: partial turns while they stream, the
        final record and an fsync when they end."""
        store = self.store
        if store is None:
            return
        for change in changes:
            match change:
                case TurnAdded(turn=turn) | TurnText(turn=turn):
                    store.write_turn(turn, partial=turn.open)
                case TurnEnded(turn=turn):
                    store.write_turn(turn)
                    store.checkpoint()
                case UsageChanged(totals=totals) if totals.last is not None:
                    store.write(Record.usage(totals.last))
                case ToolCardChanged(turn=turn, card=card):
                    store.write(Record.tool(turn.id, card))
                case SourcesChanged(turn=turn):
                    # Sources may come after the answer's final record: a later final one supersedes it.
                    store.write_turn(turn, partial=turn.open, force=True)

    def handle(self, handle: str) -> None:
        """A resumable handle: `--resume` continues the service's session with the latest."""
        if self.store is not None:
            self.store.write(Record.handle(handle, True))

    def switch(self, modality: str, model: str) -> None:
        if self.store is not None:
            self.store.write(Record.switch(modality=modality, model=model))

    def close(self, unfinished: Iterable[Turn | None] = ()) -> None:
        """On quitting: an answer cut short keeps its last words. What the disk still
        refused is the CLI's to rescue and report (core.store.rescue), after the screen is gone."""
        if self.store is not None:
            self.store.close(unfinished=unfinished)

    def continue_in(self, path: Path) -> str | None:
        """Leave this transcript (closed as it stands) for a saved one, appended to from
        now on; the note to show when the disk still refused some of this one (a copy
        went elsewhere)."""
        from .store import unsaved_note

        note = None
        if self.store is not None:
            self.store.close()
            note = unsaved_note(self.store)
        self.store = TranscriptStore.resume(path)
        return note

    def is_file(self, path: Any) -> bool:
        return self.store is not None and self.store.path == path
