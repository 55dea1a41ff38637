"""An answer's thoughts: dim, collapsed to one line, opened with Enter or a click.

Thoughts are the model's reasoning (thought parts), never its answer: they are shown
apart from it and never spoken. Their text is data from the service, drawn as plain
text (no markup, no control codes).
"""

from __future__ import annotations

from textual.widgets import Collapsible, Static

from ...core.sanitize import safe_text


def plain(text: str) -> str:
    """The text as cells can show it: the one rule for outside text (control codes shown
    as visible stand-ins, lines stay lines, joiners and marks kept)."""
    return safe_text(text)


def title_for(text: str) -> str:
    words = len(text.split())
    return f"thoughts ({words} word{'' if words == 1 else 's'})"


class Thoughts(Collapsible):
    DEFAULT_CSS = """
    Thoughts { color: $text-muted; text-style: italic; background: transparent; border: none; padding: 0; margin: 0 0 1 0; }
    Thoughts > CollapsibleTitle { color: $text-muted; padding: 0; width: 1fr; }  /* not its text: a longer count needs no new layout */
    Thoughts > Contents { padding: 0 0 0 2; }
    """

    def __init__(self, text: str) -> None:
        self._text = Static(plain(text), markup=False, classes="thought-text")
        super().__init__(
            self._text, title=title_for(text), collapsed=True, collapsed_symbol="▸", expanded_symbol="▾", classes="thoughts"
        )
        self.shown = text

    def show(self, text: str) -> None:
        if text != self.shown:
            self.shown = text
            self._text.update(plain(text))
            self.title = title_for(text)
