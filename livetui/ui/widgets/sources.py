"""A grounded answer's sources, numbered under it: `[1] Title · domain`, one line each.

The title carries its link (a Rich link style: OSC 8 where the terminal takes it, so a
click opens it). Titles, domains and links are the service's: made safe in core.decode
(text through safe_text, a link kept only when http(s) and free of control codes), and
ui.safescreen checks every frame's text and links once more on the way out.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from ...core.events import Source

TITLE_CHARS = 56  # a source is one line: at 80 columns its number, title and domain fit


def source_lines(sources: Sequence[Source]) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    for number, source in enumerate(sources, 1):
        if number > 1:
            text.append("\n")
        text.append(f"[{number}] ", style="dim")
        title = source.title if len(source.title) <= TITLE_CHARS else source.title[: TITLE_CHARS - 1] + "…"
        text.append(title, style=Style(link=source.uri, underline=True) if source.uri else Style())
        if source.domain and source.domain != source.title:
            text.append(f" · {source.domain}", style="dim")
    return text


class SourceList(Static):
    """The sources of one answer; grows when more arrive."""

    DEFAULT_CSS = """
    SourceList { height: auto; margin: 1 0 0 0; color: $text-muted; }
    """

    def __init__(self, sources: Sequence[Source]) -> None:
        super().__init__(source_lines(sources), classes="sources", markup=False)
        self.shown = tuple(sources)

    def show(self, sources: Sequence[Source]) -> None:
        if tuple(sources) != self.shown:
            self.shown = tuple(sources)
            self.update(source_lines(sources))
