"""Exporting a conversation from inside the console: where to (a prompt), and the export
itself off the UI's loop, its outcome one notification.

Used by the history screen (its list and its view: a saved file) and by the palette's
"Export as …" / "Export to…" (the conversation in progress: its store's snapshot, so
records kept in memory while the disk is full are exported too). The export itself is
core.store's `export_conversation`, as for `livetui export`.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual import on
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ...core.store import Source, StoreError, default_export_path, export_conversation, export_format
from ..actions import EXPORT_PROMPT
from ..widgets.tokens import app_prices


def export_problem(target: Path, exc: Exception) -> str:
    """One line for a failed export."""
    if isinstance(exc, OSError):
        return f"Export failed: cannot write {target} ({exc.strerror or exc})"
    return f"Export failed: {exc}"


async def export_in_background(app: App, source: Source, target: Path, more: str = "", timeout: float = 8) -> None:
    """Export `source` to `target` in a thread (format by the extension); say how it went.
    `more`: words added to the success notification."""
    replaced = target.exists()
    try:
        exported = await asyncio.to_thread(export_conversation, source, target, prices=app_prices(app))  # [prices] too
    except (StoreError, OSError, ValueError) as exc:
        app.notify(export_problem(target, exc), severity="error", timeout=8)
        return
    message = f"Saved {exported.name} to {target}" + (" (replaced the old file)" if replaced else "") + more
    app.notify(message, timeout=timeout)


class ExportPrompt(ModalScreen[Path | None]):
    """Where to save an export: Enter saves (format by the extension), Escape cancels."""

    DEFAULT_CSS = """
    ExportPrompt {
        align: center middle;
    }
    ExportPrompt > #dialog {
        width: 72;
        max-width: 100%;
        height: auto;
        border: round $primary;
        border-title-align: center;
        background: $surface;
        padding: 0 1;
    }
    ExportPrompt #hint {
        color: $text-muted;
    }
    ExportPrompt #error {
        color: $text-error;
        display: none;
    }
    """

    BINDINGS = EXPORT_PROMPT.bindings()

    def __init__(self, conversation_id: str, default: Path | None = None) -> None:
        super().__init__()
        self.conversation_id = conversation_id
        self.default = default or default_export_path(conversation_id)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = f"Export {escape(self.conversation_id)}"  # a file name: not markup
            path = Input(str(self.default), id="path", select_on_focus=False)
            path.cursor_blink = False  # an idle screen writes nothing
            yield path
            yield Static("", id="error", markup=False)
            yield Static(".md: Markdown · .jsonl: JSONL · Enter saves · Escape cancels", id="hint")

    def on_mount(self) -> None:
        path = self.query_one("#path", Input)
        path.focus()
        path.cursor_position = len(path.value)

    @on(Input.Submitted, "#path")
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        problem = None
        target = Path(text).expanduser() if text else None
        if target is None:
            problem = "Give a file name"
        elif export_format(target) is None:
            problem = "End the name in .md (Markdown) or .jsonl (JSONL)"
        elif target.is_dir():
            problem = f"{target} is a folder: give a file name"
        elif not target.parent.is_dir():
            problem = f"No such folder: {target.parent}"
        if problem is not None:
            error = self.query_one("#error", Static)
            error.update(problem)
            error.display = True
            return
        self.dismiss(target)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ExportActions:
    """e on the history list or in its view: ask where, then write the export off the UI's loop."""

    def _export(self, conversation_id: str, source: Path) -> None:
        app = self.app  # type: ignore[attr-defined]
        # The app's worker: the export finishes even if this screen is closed meanwhile.

        def chosen(target: Path | None) -> None:
            if target is not None:
                app.run_worker(export_in_background(app, source, target), group="history.export", exit_on_error=False)

        app.push_screen(ExportPrompt(conversation_id), chosen)
