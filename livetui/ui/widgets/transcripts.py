"""Live transcripts: what you said, what the model said, word by word."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static


def _update(line: Static, text: Text) -> None:
    """New text for a line, with a layout of the screen only when the line's height changes.
    A line grows a few words at a time, several times a second while an answer is spoken:
    each layout reflowed the whole screen, which was a third of the console's drawing work."""
    width, height = line.content_size
    line.update(text, layout=False)
    if not width or line.get_content_height(line.container_size, line.app.size, width) != height:
        line.refresh(layout=True)


class TranscriptPane(VerticalScroll):
    """One line per turn; the current turn is highlighted until the next starts."""

    DEFAULT_CSS = """
    TranscriptPane { height: 1fr; }
    TranscriptPane > Static { height: auto; }
    TranscriptPane > .current { text-style: bold; }
    TranscriptPane > .past { color: $text-muted; }
    TranscriptPane > .placeholder { color: $text-disabled; dock: top; }
    """

    def __init__(self, title: str, placeholder: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.border_title = title
        self._placeholder = placeholder
        self._lines: dict[int, Static] = {}
        self._current: int | None = None
        self._texts: dict[int, str] = {}

    def on_mount(self) -> None:
        self.anchor()
        self.mount(Static(self._placeholder, classes="placeholder"))

    def show(self, turn_id: int, text: str) -> None:
        line = self._lines.get(turn_id)
        if line is None:
            for placeholder in self.query(".placeholder"):
                placeholder.remove()
            if self._current is not None and self._current in self._lines:
                self._lines[self._current].set_classes("past")
            line = Static(classes="current")
            self._lines[turn_id] = line
            self.mount(line)
            self._current = turn_id
            # Bounded: a long session keeps its last lines here (the history has all).
            if len(self._lines) > 50:
                oldest = min(self._lines)
                self._lines.pop(oldest).remove()
        self._texts[turn_id] = text.strip()
        _update(line, Text("› " + text.strip()))

    def mark_unheard(self, turn_id: int, heard: float) -> None:
        """After a barge-in: the words the speaker never played are struck through."""
        line = self._lines.get(turn_id)
        if line is None:
            return
        text = self._texts.get(turn_id, "")
        cut = int(len(text) * max(0.0, min(1.0, heard)))
        while 0 < cut < len(text) and not text[cut - 1].isspace():
            cut -= 1  # don't split a word: a half-heard word counts as unheard
        marked = Text("› " + text[:cut])
        marked.append(text[cut:], style="dim strike")
        _update(line, marked)

    def clear(self) -> None:
        for line in self._lines.values():
            line.remove()
        self._lines.clear()
        self._current = None
        self.mount(Static(self._placeholder, classes="placeholder"))
