"""Past conversations: list them, read one, continue one, export one.

The list is read in a thread (a folder of thousands of transcripts never stalls the
UI) and drawn by a small Line-API widget, like the event log's table, so filtering
re-draws only the rows on screen. The store reads tolerantly: a corrupt file is
listed for what can be read of it (or left out), never a crash.

Keys: on the list, Enter reads the highlighted conversation, c continues it, e
exports it, / (or any other letter) starts the filter; in the filter, typing
filters, Enter reads, Escape clears it. Escape closes.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from rich.cells import cell_len
from rich.segment import Segment
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import Footer, Input, Markdown, Static

from ...core.cost import conversation_cost
from ...core.prices import PriceTable
from ...core.store import ConversationInfo, StoreError, export_conversation, list_conversations
from ..actions import CONVERSATION, HISTORY
from ..widgets.cursorlist import CursorList, fit
from ..widgets.tokens import app_prices
from .export import ExportActions
from .filteredlist import FilteredListScreen

EMPTY = "No saved conversations yet"


@dataclass(frozen=True)
class HistoryChoice:
    """What the history screen was closed with: a conversation to continue."""

    kind: Literal["continue"]
    id: str
    path: Path | None = None  # the file, so the app need not look the id up again


# --- the list ----------------------------------------------------------------------


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment is not None else "?"


def matches(info: ConversationInfo, query: str) -> bool:
    """The filter: a substring of the title or the id, any case."""
    needle = query.strip().casefold()
    return not needle or needle in info.title.casefold() or needle in info.id.casefold()


class ConversationList(CursorList, can_focus=True):
    """Conversations, one a line, with a row cursor."""

    COMPONENT_CLASSES = {
        "conversation-list--header",
        "conversation-list--cursor",
        "conversation-list--muted",
    }
    DEFAULT_CSS = """
    ConversationList {
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
    }
    ConversationList > .conversation-list--header { text-style: bold; color: $text-muted; }
    ConversationList > .conversation-list--cursor { background: $block-cursor-blurred-background; }
    ConversationList:focus > .conversation-list--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
    ConversationList > .conversation-list--muted { color: $text-muted; }
    """

    PARTS = "conversation-list"
    WHEN_WIDTH, TURNS_WIDTH, MODEL_MIN, MODEL_MAX = 16, 5, 5, 18

    class Highlighted(Message):
        def __init__(self, info: ConversationInfo | None) -> None:
            super().__init__()
            self.info = info

    class Chosen(Message):
        """A click on the highlighted row: read it."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.rows: list[ConversationInfo] = []
        self.empty_text = "Loading conversations…"
        self._model_width = self.MODEL_MIN

    def _items(self) -> list[ConversationInfo]:
        return self.rows

    def _key(self, info: ConversationInfo) -> str:
        return info.id

    def _highlighted_message(self, info: ConversationInfo | None) -> Message:
        return self.Highlighted(info)

    def set_rows(self, rows: list[ConversationInfo], empty_text: str) -> None:
        """Replace the rows; the cursor stays on the same conversation while it is shown."""
        keep = self.current.id if self.current else None
        self.rows = list(rows)
        self.empty_text = empty_text
        models = [cell_len(info.model or "") for info in self.rows]
        self._model_width = max(self.MODEL_MIN, min(max(models, default=0), self.MODEL_MAX))
        ids = [info.id for info in self.rows]
        self.cursor = ids.index(keep) if keep in ids else (0 if self.rows else -1)
        self._refilled(to_top=True)

    def on_click(self, event: events.Click) -> None:
        index = round(self.scroll_y) + event.y - 1
        if not 0 <= index < len(self.rows):
            return
        if index == self.cursor:
            self.post_message(self.Chosen())
        else:
            self.move_to(index)

    def _empty_line(self, y: int, width: int) -> Strip | None:
        if self.rows:
            return None
        text = self.empty_text if y == 1 else ""
        return Strip([Segment(fit(" " + text, width), self.get_component_rich_style("conversation-list--muted"))])

    def _fixed(self) -> int:
        return 1 + self.WHEN_WIDTH + 1 + self.TURNS_WIDTH + 2 + self._model_width + 2

    def _header(self, width: int) -> list[Segment]:
        return [
            Segment(" " + "started".ljust(self.WHEN_WIDTH) + " "),
            Segment("turns".rjust(self.TURNS_WIDTH) + "  "),
            Segment("model".ljust(self._model_width) + "  "),
            Segment(fit("title", width - self._fixed())),
        ]

    def _cells(self, info: ConversationInfo, width: int) -> list[Segment]:
        muted = self.get_component_rich_style("conversation-list--muted", partial=True)
        title = info.title or "(nothing said yet)"
        return [
            Segment(" " + fit(_when(info.started or info.modified), self.WHEN_WIDTH) + " ", muted),
            Segment(str(info.turns).rjust(self.TURNS_WIDTH) + "  "),
            Segment(fit(info.model or "?", self._model_width) + "  ", muted),
            Segment(fit(title, width - self._fixed()), None if info.title else muted),
        ]


class HistoryScreen(ExportActions, FilteredListScreen["HistoryChoice | None"]):
    """The saved conversations, most recently used first."""

    DEFAULT_CSS = """
    HistoryScreen #detail {
        height: 2;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """
    FILTER_PLACEHOLDER = "/ to filter: words of the title or the id"
    SELECT_ON_FOCUS = False
    COUNTS = "Loading conversations…"

    BINDINGS = HISTORY.bindings()

    def __init__(self, directory: Path | None = None, *, current_id: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.directory = directory
        self.current_id = current_id  # the conversation the app is in: marked, not continued again
        self.conversations: list[ConversationInfo] = []
        self.loaded = False
        self.problem: str | None = None

    def make_list(self) -> ConversationList:
        return ConversationList(id="conversations")

    @property
    def table(self) -> ConversationList:
        return self.query_one(ConversationList)

    @property
    def query_text(self) -> str:
        return self.filter_box.value

    def on_mount(self) -> None:
        self.table.focus()
        self.load_list()

    @work(exclusive=True, group="history.list", exit_on_error=False)
    async def load_list(self) -> None:
        try:
            found = await asyncio.to_thread(list_conversations, self.directory)
        except (StoreError, OSError) as exc:
            found, self.problem = [], str(exc)
        self.conversations = found
        self.loaded = True
        self.show()

    def show(self) -> None:
        """The conversations that pass the filter, and a line saying how many."""
        query = self.query_text.strip()
        shown = [info for info in self.conversations if matches(info, query)]
        total = len(self.conversations)
        if self.problem:
            counts = self.problem
        elif not total:
            counts = EMPTY
        elif query:
            counts = f"{len(shown)} of {total} conversations match “{query}”"
        else:
            counts = f"{total} conversation{'s' if total != 1 else ''}, most recent first"
        self.set_counts(counts)
        empty = counts if not total else f"No conversation matches “{query}”"
        self.table.set_rows(shown, empty)

    @on(ConversationList.Highlighted)
    def show_detail(self, event: ConversationList.Highlighted) -> None:
        info = event.info
        if info is None:
            self.set_detail("")
            return
        here = " · the conversation you are in" if info.id == self.current_id else ""
        self.set_detail(f"{info.id} · last written {_when(info.modified)}{usage_detail(info, self.app)}{here}")

    # -- the filter ----------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def filter_changed(self) -> None:
        if self.loaded:
            self.show()

    @on(Input.Submitted, "#filter")
    def filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_open()

    def on_key(self, event: events.Key) -> None:
        """A letter typed on the list (one that is not a key of its own) starts the filter."""
        if self.focused is not self.table or not event.is_printable or not event.character:
            return
        if event.key in self.active_bindings:
            return
        event.stop()
        event.prevent_default()
        self.filter_box.focus()
        self.filter_box.insert_text_at_cursor(event.character)

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()  # c and e are letters in the filter, keys on the list

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("continue", "export") and isinstance(self.focused, Input):
            return None  # shown dimmed: the letter goes to the filter
        return True

    # -- actions -------------------------------------------------------------------

    def _selected(self) -> ConversationInfo | None:
        info = self.table.current
        if info is None:
            self.notify(EMPTY if not self.conversations else "No conversation is selected", severity="warning")
        return info

    def action_open(self) -> None:
        info = self._selected()
        if info is None:
            return

        def chosen(choice: str | None) -> None:
            if choice == "continue":
                self._continue(info)

        self.app.push_screen(ConversationView(info.id, info.path), chosen)

    @on(ConversationList.Chosen)
    def clicked(self) -> None:
        self.action_open()

    def action_continue(self) -> None:
        info = self._selected()
        if info is not None:
            self._continue(info)

    def _continue(self, info: ConversationInfo) -> None:
        if info.id == self.current_id:
            self.notify("That is the conversation you are in", severity="warning")
            return
        self.dismiss(HistoryChoice("continue", info.id, info.path))

    def action_export(self) -> None:
        info = self._selected()
        if info is not None:
            self._export(info.id, info.path)

    def action_filter(self) -> None:
        self.filter_box.focus()

    def action_close(self) -> None:
        box = self.filter_box
        if box.value:  # Escape clears the filter first, then closes
            box.value = ""
            self.table.focus()
            return
        if self.focused is box:
            self.table.focus()
            return
        self.dismiss(None)


# --- reading one -------------------------------------------------------------------


def _read(path: Path, prices: PriceTable | None = None) -> str:
    return export_conversation(path, fmt="md", prices=prices).text


class ConversationView(ExportActions, Screen[str | None]):
    """One saved conversation, read only, as its Markdown export. Dismisses with
    "continue" when c is pressed, else None."""

    DEFAULT_CSS = """
    ConversationView {
        layout: vertical;
    }
    ConversationView #about {
        height: 1;
        padding: 0 1;
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    ConversationView #pane {
        height: 1fr;
        padding: 0 1;
        scrollbar-size-vertical: 1;
    }
    ConversationView #text {
        margin: 0;
    }
    """

    BINDINGS = CONVERSATION.bindings()

    def __init__(self, conversation_id: str, path: Path, **kwargs) -> None:
        super().__init__(**kwargs)
        self.conversation_id = conversation_id
        self.path = path
        self.loaded = False
        self.problem: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(f"{self.conversation_id} · read only · Loading…", id="about", markup=False)
        with VerticalScroll(id="pane"):
            yield Markdown("", id="text")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#pane").focus()
        self.read()

    @work(exclusive=True, group="history.read", exit_on_error=False)
    async def read(self) -> None:
        about = self.query_one("#about", Static)
        try:
            text = await asyncio.to_thread(_read, self.path, app_prices(self.app))
        except StoreError as exc:
            self.problem = str(exc)
            about.update(f"{self.conversation_id} · cannot be read")
            self.notify(f"Cannot open: {exc}", severity="error", timeout=8)
            await self.query_one("#text", Markdown).update(f"**Cannot open this conversation:** {_plain(str(exc))}")
        else:
            about.update(f"{self.conversation_id} · read only · c continues it · e exports it")
            await self.query_one("#text", Markdown).update(text)
        self.loaded = True

    @property
    def source(self) -> str:
        return self.query_one("#text", Markdown).source

    def action_continue(self) -> None:
        if self.problem is not None:
            self.notify(f"Cannot continue: {self.problem}", severity="error")
            return
        self.dismiss("continue")

    def action_export(self) -> None:
        self._export(self.conversation_id, self.path)

    def action_close(self) -> None:
        self.dismiss(None)


def _plain(text: str) -> str:
    """Text shown inside Markdown, its own markup characters escaped."""
    return "".join("\\" + c if c in "\\`*_{}[]()#+-.!<>|~" else c for c in text)


def usage_detail(info: ConversationInfo, app: object) -> str:
    """" · 12,345 tokens · ~$0.0123" for the detail line ("" before any usage); the cost at
    the app's prices ([prices] on top of the shipped table)."""
    if not info.usage.turns:
        return ""
    cost = conversation_cost(info.usage_by_model, app_prices(app))
    return f" · {info.usage.total:,} tokens · {cost.text() if cost.known else 'cost unknown'}"
