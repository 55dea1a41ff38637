"""The chat history: user and model turns, Markdown streamed, quiet system lines."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Markdown, Static

from ...core.conversation import Turn


def _stamp(turn: Turn) -> str:
    return turn.started.strftime("%H:%M:%S")


class UserMessage(Static):
    """What the user typed or said."""

    def __init__(self, turn: Turn) -> None:
        super().__init__(classes="turn user")
        self.turn = turn
        self.refresh_text()

    def refresh_text(self) -> None:
        how = "said" if self.turn.modality == "AUDIO" else "typed"
        self.border_title = f"You {how} · {_stamp(self.turn)}"
        self.update(self.turn.text or "…")


class ModelMessage(Widget):
    """A model turn: its Markdown body is streamed, never re-rendered per token."""

    DEFAULT_CSS = "ModelMessage { height: auto; }"

    def __init__(self, turn: Turn) -> None:
        super().__init__(classes="turn model")
        self.turn = turn
        self._body = Markdown("", classes="body")
        self._stream = None
        self._title()

    def compose(self) -> ComposeResult:
        yield self._body

    def on_mount(self) -> None:
        self._stream = Markdown.get_stream(self._body)

    def _title(self) -> None:
        parts = [f"Gemini · {_stamp(self.turn)}", self.turn.modality]
        if self.turn.audio_seconds:
            parts.append(f"{self.turn.audio_seconds:.1f}s audio")
        if self.turn.interrupted:
            parts.append("interrupted")
        self.border_title = " · ".join(parts)
        self.set_class(self.turn.interrupted, "interrupted")

    async def append(self, delta: str) -> None:
        if delta and self._stream is not None:
            await self._stream.write(delta)
        self._title()

    async def finish(self) -> None:
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None
        if not self.turn.text and not self.turn.audio_seconds:
            await self._body.update("*(no answer)*")
        self._title()


class SystemLine(Static):
    """Dividers, notices and errors: quiet, one line each."""

    def __init__(self, turn: Turn) -> None:
        kind = turn.kind
        text = f"── {turn.text} ──" if kind == "divider" else f"{_stamp(turn)}  {turn.text}"
        super().__init__(text, classes=f"system {kind}", markup=False)
        self.turn = turn


class ChatView(VerticalScroll, can_focus=True):
    """Scrolls with the keyboard; pinned to the bottom while answers arrive unless
    the user scrolled up."""

    def on_mount(self) -> None:
        self.anchor()

    async def add_turn(self, turn: Turn) -> Widget:
        widget: Widget
        if turn.role == "user":
            widget = UserMessage(turn)
        elif turn.role == "model":
            widget = ModelMessage(turn)
        else:
            widget = SystemLine(turn)
        widget.id = f"turn-{turn.id}"
        await self.mount(widget)
        return widget

    def widget_for(self, turn: Turn) -> Widget | None:
        # Not query_one: its cache keeps what it found, so cleared turns (Markdown and
        # all) would stay in memory until hundreds of later lookups pushed them out.
        wanted = f"turn-{turn.id}"
        return next((widget for widget in reversed(self.children) if widget.id == wanted), None)
