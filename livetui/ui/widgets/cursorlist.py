"""A list drawn one line a row (the Line API), with a row cursor under the header.

The event log and the history screen both show thousands of rows; formatting only
the visible ones keeps filtering instant where a DataTable measures every cell.
Both are a `screens.filteredlist.FilteredListScreen` around one of these.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip


def fit(text: str, width: int) -> str:
    """Cut to `width` cells with an ellipsis, padded to exactly `width`."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


class CursorList(ScrollView):
    """Subclasses say what the rows are (`_items`), what identifies one (`_key`),
    which message announces a newly highlighted row (`_highlighted_message`), and how
    the header and a row are drawn (`_header`, `_cells`). PARTS names their component
    classes: PARTS--header and PARTS--cursor style the header and the cursor's row."""

    PARTS = "cursor-list"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cursor = -1
        self._highlighted: object = None  # key last announced

    def _items(self) -> Sequence[Any]:
        raise NotImplementedError

    def _key(self, item: Any) -> object:
        raise NotImplementedError

    def _highlighted_message(self, item: Any | None) -> Message:
        raise NotImplementedError

    def _header(self, width: int) -> list[Segment]:
        raise NotImplementedError

    def _cells(self, item: Any, width: int) -> list[Segment]:
        raise NotImplementedError

    def _empty_line(self, y: int, width: int) -> Strip | None:
        """A line to show instead of the header and rows (None: draw them)."""
        return None

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        instead = self._empty_line(y, width)
        if instead is not None:
            return instead
        style = self.get_component_rich_style
        if y == 0:
            return Strip(self._header(width)).adjust_cell_length(width).apply_style(style(f"{self.PARTS}--header"))
        items = self._items()
        index = round(self.scroll_y) + y - 1
        if not 0 <= index < len(items):
            return Strip.blank(width)
        line = Strip(self._cells(items[index], width)).adjust_cell_length(width)
        if index == self.cursor:
            line = line.apply_style(style(f"{self.PARTS}--cursor"))
        return line

    def _refilled(self, *, to_top: bool = False) -> None:
        """The rows changed: size, scroll, cursor and the highlighted row follow."""
        self.virtual_size = Size(0, len(self._items()) + 1)  # +1: the header line
        if to_top:
            self.scroll_to(y=0, animate=False, immediate=True)
        self._show_cursor()
        self.refresh()
        self._announce()

    @property
    def current(self) -> Any | None:
        items = self._items()
        return items[self.cursor] if 0 <= self.cursor < len(items) else None

    @property
    def page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def move_to(self, index: int) -> None:
        items = self._items()
        if not items:
            return
        index = max(0, min(index, len(items) - 1))
        if index != self.cursor:
            self.cursor = index
            self._show_cursor()
            self.refresh()
            self._announce()

    def move_to_end(self) -> None:
        self.move_to(len(self._items()) - 1)

    def _show_cursor(self) -> None:
        rows = self.scrollable_content_region.height - 1  # -1: the header line
        if rows <= 0 or self.cursor < 0:
            return
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + rows:
            self.scroll_to(y=self.cursor - rows + 1, animate=False, immediate=True)

    def on_resize(self) -> None:
        self._show_cursor()

    def _announce(self) -> None:
        item = self.current
        key = self._key(item) if item is not None else None
        if key != self._highlighted:
            self._highlighted = key
            self.post_message(self._highlighted_message(item))
