"""A filter line, a count line, a list with a row cursor and a detail line: the shape of
the event log (ctrl+e) and the history (F10). Subclasses give the list (`make_list`),
fill it as the filter changes and say what the detail line shows; the cursor keys
(the screen's, so the filter can keep the focus) are here."""

from __future__ import annotations

from typing import TypeVar

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from ..widgets.cursorlist import CursorList

ResultType = TypeVar("ResultType")


class FilteredListScreen(Screen[ResultType]):
    DEFAULT_CSS = """
    FilteredListScreen {
        layout: vertical;
    }
    FilteredListScreen #filter {
        margin: 0 1;
    }
    FilteredListScreen #counts, FilteredListScreen #detail {
        padding: 0 1;
        color: $text-muted;
    }
    FilteredListScreen #counts {
        height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    FilteredListScreen CursorList {
        height: 1fr;
    }
    FilteredListScreen #detail {
        border-top: solid $foreground 25%;
    }
    """

    FILTER_PLACEHOLDER = ""
    SELECT_ON_FOCUS = True  # the filter's text selected when it gets the focus back
    COUNTS = ""  # the count line until the list is first filled

    def make_list(self) -> CursorList:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        box = Input(placeholder=self.FILTER_PLACEHOLDER, compact=True, select_on_focus=self.SELECT_ON_FOCUS, id="filter")
        box.cursor_blink = False  # an idle screen writes nothing
        yield box
        yield Static(self.COUNTS, id="counts", markup=False)
        yield self.make_list()
        yield Static("", id="detail", markup=False)
        yield Footer(compact=True)

    @property
    def filter_box(self) -> Input:
        return self.query_one("#filter", Input)

    @property
    def table(self) -> CursorList:
        return self.query_one(CursorList)

    def set_counts(self, text: str) -> None:
        self.query_one("#counts", Static).update(text)

    def set_detail(self, text: str) -> None:
        self.query_one("#detail", Static).update(text)

    # -- the cursor --------------------------------------------------------------

    def action_move(self, step: int) -> None:
        self.table.move_to(self.table.cursor + step)

    def action_page(self, step: int) -> None:
        self.table.move_to(self.table.cursor + step * self.table.page)

    def action_first(self) -> None:
        self.table.move_to(0)

    def action_last(self) -> None:
        self.table.move_to_end()
