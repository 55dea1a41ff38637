"""The console's own screen: Textual's, with one layout cost paid once instead of twice."""

from __future__ import annotations

from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget

from ..modes import ModeCommands, apply_labels
from ..textual_internals import (
    Compositor,
    ReflowResult,
    install_compositor,
    mark_full_map_fresh,
)
from ..widgets.chat import ModelMessage
from ..widgets.status import StatusBar


class OnceCompositor(Compositor):
    """Textual 8.2's compositor marks its full map stale on every scroll and never
    marks it fresh again when a full reflow rebuilds it. After each layout, the
    first widget whose size changed (any new turn) asked for its region and so
    arranged every widget of the screen a second time: half the layout time of a
    long chat. A full reflow *is* the full map; say so."""

    def reflow(self, parent: Widget, size: Size) -> ReflowResult:
        result = super().reflow(parent, size)
        mark_full_map_fresh(self)
        return result


class MainScreen(Screen):
    COMMANDS = {ModeCommands}  # the interpreter and dictation in the palette

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        install_compositor(self, OnceCompositor())

    def on_mount(self) -> None:
        self.call_after_refresh(apply_labels, self.app)  # the panes and the prompt as the mode names them

    def on_model_message_working(self, message: ModelMessage.Working) -> None:
        """Background reasoning: the status bar says so until the request is done."""
        for bar in self.query(StatusBar):  # none in a screen that has no status bar
            bar.set(work="still working…" if message.working else "")
