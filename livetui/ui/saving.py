"""The transcript's health on screen, and exporting the conversation from memory.

While the store cannot write (core.store.savequeue), the user is told at once in the chat,
the status bar keeps a marker ("⚠ not saving: disk full") until it can again, the
store is retried every RETRY_S, and "Export to…" writes the whole conversation
(the file plus what memory holds) wherever the user says.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual.app import App
from textual.css.query import NoMatches

from ..core.store import RETRY_S, SaveNews, SavingResumed, SavingStopped, Snapshot, default_export_path
from .screens.export import ExportPrompt, export_in_background
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

    async def _export(self, snapshot: Snapshot, target: Path) -> None:
        voice = getattr(getattr(self.app, "session", None), "voice", None)  # the session controller's
        recorder = voice.recorder if voice is not None else None
        more = f" · recording so far: {recorder.input_path}, {recorder.output_path}" if recorder is not None else ""
        await export_in_background(self.app, snapshot, target, more, timeout=10)
