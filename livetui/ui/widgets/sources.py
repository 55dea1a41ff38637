"""A grounded answer's sources, numbered under it: `[1] Title · domain`, one line each
(at 80 columns a long title is cut short, never wrapped).

The title carries its link (a Rich link style: OSC 8 where the terminal takes it, so a
click opens it). Titles, domains and links are the service's: made safe in core.decode
(text through safe_text, a link kept only when http(s) and free of control codes), and
ui.safescreen checks every frame's text and links once more on the way out.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from ...core.events import Source

MIN_TITLE = 12  # below this a title says too little: the domain goes instead


def source_line(number: int, source: Source, width: int) -> Text:
    """`[n] Title · domain` in `width` cells: the title cut (…) to keep the domain, the
    domain left out when even a short title would not fit beside it."""
    prefix = f"[{number}] "
    domain = f" · {source.domain}" if source.domain and source.domain != source.title else ""
    room = width - len(prefix) - len(domain)
    if domain and room < min(MIN_TITLE, len(source.title)):
        domain, room = "", width - len(prefix)
    title = source.title if len(source.title) <= room else source.title[: max(1, room - 1)] + "…"
    line = Text(prefix, style="dim", no_wrap=True, overflow="ellipsis")
    line.append(title, style=Style(link=source.uri, underline=True) if source.uri else Style())
    line.append(domain, style="dim")
    return line


def source_lines(sources: Sequence[Source], width: int) -> Text:
    return Text("\n", no_wrap=True).join(source_line(n, s, width) for n, s in enumerate(sources, 1))


class SourceList(Widget):
    """The sources of one answer, one line each; grows when more arrive."""

    DEFAULT_CSS = """
    SourceList { height: auto; margin: 1 0 0 0; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, sources: Sequence[Source]) -> None:
        super().__init__(classes="sources")
        self.shown = tuple(sources)

    def show(self, sources: Sequence[Source]) -> None:
        if tuple(sources) != self.shown:
            self.shown = tuple(sources)
            self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.shown)

    def render(self) -> Text:
        return source_lines(self.shown, max(1, self.content_size.width))
