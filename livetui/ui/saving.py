"""The transcript's health on screen, and exporting the conversation from memory.

While the store cannot write (core.savequeue), the user is told at once in the chat,
the status bar keeps a marker ("⚠ not saving: disk full") until it can again, the
store is retried every RETRY_S, and "Export to…" writes the whole conversation
(the file plus what memory holds) wherever the user says.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual.app import App
from textual.css.query import NoMatches

from ..core.savequeue import RETRY_S, SaveNews, SavingResumed, SavingStopped
from ..core.store import (
    StoreError,
    export_jsonl,
    export_markdown,
    in_memory,
    write_export,
)
from .screens.history import (
    FORMAT_NAMES,
    ExportPrompt,
    default_export_path,
    export_format,
    export_problem,
)
from .widgets.status import StatusBar

Say = Callable[[str, str], Awaitable[None]]  # (a chat system line, its level)


class SavingWatch:
    """Routes one store's news to the chat and the status bar, and retries it."""

    def __init__(self, app: App, say: Say) -> None:
        self.app = app
        self.say = say
        self.store: Any = None
        self._timer: Any = None

    def attach(self, store: Any) -> None:
        """Watch `store` (core.store.TranscriptStore) from now on; a failed one is retried
        (its problem was said at start)."""
        if self.store is not None and self.store is not store:
            self.store.listen(None)
        self.store = store
        if store is None:
            return
        store.listen(self._heard)
        self._mark(store.stopped)

    def _heard(self, news: SaveNews) -> None:
        # Called inside a write, itself inside a render: shown right after, not re-entered.
        self.app.call_later(self._show, news)

    async def _show(self, news: SaveNews) -> None:
        if not self.app.is_running:
            return
        if isinstance(news, SavingStopped):
            await self.say(news.line, "error")
            self._mark(news)
        elif isinstance(news, SavingResumed):
            self._mark(self.store.stopped if self.store is not None else None)
            await self.say(news.line, "info")

    def _mark(self, stopped: SavingStopped | None) -> None:
        """The status bar's marker, and the retry timer, while not saving."""
        try:
            self.app.query_one(StatusBar).set(saving=stopped.marker if stopped is not None else "")
        except NoMatches:  # quitting: the bar is gone
            pass
        if stopped is not None and stopped.retrying and self._timer is None:
            self._timer = self.app.set_interval(RETRY_S, self.retry)
        elif (stopped is None or not stopped.retrying) and self._timer is not None:
            self._timer.stop()
            self._timer = None

    def retry(self) -> None:
        if self.store is not None:
            self.store.retry()

    # -- export ----------------------------------------------------------------------

    def export_to(self) -> None:
        """Ask where, then write the conversation there (format by the extension)."""
        store = self.store
        if store is None:
            self.app.notify("This conversation is not being saved: nothing to export", severity="warning")
            return

        def chosen(target: Path | None) -> None:
            if target is not None:
                self.export(target)

        self.app.push_screen(ExportPrompt(store.id, default_export_path(store.id)), chosen)

    def export(self, target: Path | None) -> None:
        """The conversation as it stands, the part not yet saved included, off the UI's loop."""
        store = self.store
        if store is None or target is None:
            self.app.notify("This conversation is not being saved: nothing to export", severity="warning")
            return
        snapshot = store.snapshot()  # here, on the loop: a catch-up cannot slip between file and memory
        self.app.run_worker(self._export(snapshot, target), group="export", exit_on_error=False)

    async def _export(self, snapshot: tuple[Path, int, list[str]], target: Path) -> None:
        try:
            name = await asyncio.to_thread(export_snapshot, snapshot, target)
        except (StoreError, OSError, ValueError) as exc:
            self.app.notify(export_problem(target, exc), severity="error", timeout=8)
            return
        message = f"Saved {name} to {target}"
        voice = getattr(getattr(self.app, "session", None), "voice", None)  # the session controller's
        recorder = voice.recorder if voice is not None else None
        if recorder is not None:
            message += f" · recording so far: {recorder.input_path}, {recorder.output_path}"
        self.app.notify(message, timeout=10)


def export_snapshot(snapshot: tuple[Path, int, list[str]], target: Path) -> str:
    """Write a store's snapshot to `target` (0600) in the format its extension names;
    returns that format's name. Blocking: call it in a thread."""
    fmt = export_format(target)
    if fmt is None:
        raise ValueError(f"{target.name}: end the name in .md (Markdown) or .jsonl (JSONL)")
    loaded = in_memory(*snapshot)
    write_export(target, export_markdown(loaded) if fmt == "md" else export_jsonl(loaded))
    return FORMAT_NAMES[fmt]
