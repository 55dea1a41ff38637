"""The event log: every message of the session, both ways, as Google's web console shows it.

The table is a small Line-API widget rather than a DataTable: DataTable measures
every cell as rows are added (0.5-1.5 s for 5000 rows here), which would freeze the
screen on each keystroke of the filter; this one formats only the rows on screen.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Collection
from datetime import datetime

from rich.segment import Segment
from textual import on
from textual.message import Message
from textual.widgets import Input

from ...core.eventlog import RAW_KINDS, EventLog, LogEntry
from ..actions import EVENT_LOG
from ..widgets.cursorlist import CursorList, fit
from .filteredlist import FilteredListScreen

ARROWS = {"out": "→", "in": "←", "info": "·"}  # out: client to server
POLL_SECONDS = 0.25

Filter = tuple[frozenset[str] | None, str]  # (kinds or None for all, text)


def human_size(size: int) -> str:
    if size == 0:
        return "–"  # control messages carry no payload; "0 B" reads like an error
    if size < 1000:
        return f"{size} B"
    if size < 999_950:
        return f"{size / 1000:.1f} kB"
    return f"{size / 1_000_000:.1f} MB"


def clock(wall: datetime) -> str:
    return wall.strftime("%H:%M:%S.") + f"{wall.microsecond // 1000:03d}"


def parse_filter(query: str, known_kinds: Collection[str]) -> Filter:
    """`kind:A,B` words pick kinds; the rest is text. Text that is exactly a known
    kind (any case) picks that kind instead of matching summaries."""
    by_fold = {kind.casefold(): kind for kind in known_kinds}
    kinds: set[str] = set()
    words: list[str] = []
    for word in query.split():
        if word.casefold().startswith("kind:"):
            kinds.update(by_fold.get(k.casefold(), k) for k in word[5:].split(",") if k)
        else:
            words.append(word)
    text = " ".join(words)
    if not kinds and text.casefold() in by_fold:
        return frozenset({by_fold[text.casefold()]}), ""
    return (frozenset(kinds) or None), text


def _fit_kind(kind: str, width: int) -> str:
    """Kinds differ at their end ("serverContent.outputTranscription"): cut the start."""
    if len(kind) > width:
        kind = "…" + kind[len(kind) - width + 1 :]
    return kind.ljust(width)


class EntryTable(CursorList, can_focus=False):
    """Log entries, one a line, with a row cursor; the screen's keys drive it so
    the filter keeps the focus."""

    COMPONENT_CLASSES = {
        "entry-table--header",
        "entry-table--cursor",
        "entry-table--time",
        "entry-table--out",
        "entry-table--in",
        "entry-table--info",
    }
    DEFAULT_CSS = """
    EntryTable {
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
    }
    EntryTable > .entry-table--header { text-style: bold; color: $text-muted; }
    EntryTable > .entry-table--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
    EntryTable > .entry-table--time { color: $text-muted; }
    EntryTable > .entry-table--out { color: $text-primary; }
    EntryTable > .entry-table--in { color: $text-success; }
    EntryTable > .entry-table--info { color: $text-muted; }
    """

    PARTS = "entry-table"
    TIME_WIDTH, SIZE_WIDTH, KIND_MIN, KIND_MAX = 12, 7, 4, 24

    class Highlighted(Message):
        def __init__(self, entry: LogEntry | None) -> None:
            super().__init__()
            self.entry = entry

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.entries: list[LogEntry] = []
        self._kind_width = self.KIND_MIN

    # -- content ---------------------------------------------------------------

    @property
    def following(self) -> bool:
        return self.cursor >= len(self.entries) - 1

    @property
    def last_seq(self) -> int:
        return self.entries[-1].seq if self.entries else 0

    def set_entries(self, entries: list[LogEntry]) -> None:
        """Replace the rows; the cursor stays on the same entry if it is still there."""
        follow = self.following
        old = self.entries[self.cursor].seq if 0 <= self.cursor < len(self.entries) else None
        self.entries = list(entries)
        self._kind_width = self.KIND_MIN
        self._widen(self.entries)
        if follow or old is None:
            self.cursor = len(self.entries) - 1
        else:
            at = bisect_left(self.entries, old, key=lambda e: e.seq)
            self.cursor = min(at, len(self.entries) - 1)
        self._refilled()

    def append(self, entries: list[LogEntry]) -> None:
        if not entries:
            return
        follow = self.following
        self.entries.extend(entries)
        self._widen(entries)
        if follow:
            self.cursor = len(self.entries) - 1
        self._refilled()

    def drop_before(self, seq: int) -> None:
        """Forget rows older than `seq` (the bounded log has dropped them)."""
        cut = bisect_left(self.entries, seq, key=lambda e: e.seq)
        if cut:
            del self.entries[:cut]
            self.cursor = max(self.cursor - cut, 0 if self.entries else -1)
            self._refilled()

    def _widen(self, entries: list[LogEntry]) -> None:
        for entry in entries:
            if len(entry.kind) > self._kind_width:
                self._kind_width = min(len(entry.kind), self.KIND_MAX)

    # -- cursor (the rest is CursorList's) --------------------------------------

    def _items(self) -> list[LogEntry]:
        return self.entries

    def _key(self, entry: LogEntry) -> int:
        return entry.seq

    def _highlighted_message(self, entry: LogEntry | None) -> Message:
        return self.Highlighted(entry)

    # -- drawing (the rest is CursorList's) ---------------------------------------

    def _header(self, width: int) -> list[Segment]:
        return [
            Segment("time".ljust(self.TIME_WIDTH) + "   "),
            Segment("kind".ljust(self._kind_width) + " "),
            Segment("size".rjust(self.SIZE_WIDTH) + " "),
            Segment("summary"),
        ]

    def _cells(self, entry: LogEntry, width: int) -> list[Segment]:
        style = self.get_component_rich_style
        fixed = self.TIME_WIDTH + 3 + self._kind_width + 1 + self.SIZE_WIDTH + 1
        summary = entry.summary.replace("\n", " ").replace("\r", " ").replace("\t", " ")
        return [
            Segment(clock(entry.wall) + " ", style("entry-table--time", partial=True)),
            Segment(ARROWS.get(entry.direction, "?"), style(f"entry-table--{entry.direction}", partial=True)),
            Segment(" " + _fit_kind(entry.kind, self._kind_width) + " "),
            Segment(human_size(entry.size).rjust(self.SIZE_WIDTH) + " "),
            Segment(fit(summary, width - fixed)),
        ]


class EventLogScreen(FilteredListScreen[None]):
    DEFAULT_CSS = """
    EventLogScreen #detail {
        height: auto;
        max-height: 4;
        &.-raw { max-height: 10; }  /* a message shown as sent (groundingMetadata): more of it */
    }
    """
    FILTER_PLACEHOLDER = "Filter: text, a kind, or kind:NAME"

    BINDINGS = EVENT_LOG.bindings()

    def __init__(self, log: EventLog, **kwargs) -> None:
        super().__init__(**kwargs)
        self.event_log = log
        self.query_text = ""
        self._version: int | None = None  # log.version last shown
        self._filter: Filter | None = None  # filter of the rows in the table
        self._counts = ""

    def make_list(self) -> EntryTable:
        return EntryTable(id="entries")

    @property
    def table(self) -> EntryTable:
        return self.query_one(EntryTable)

    def on_mount(self) -> None:
        self.sync()
        self.filter_box.focus()
        self.set_interval(POLL_SECONDS, self.poll)

    # -- keeping up with the log -----------------------------------------------

    def poll(self) -> bool:
        """The timer's tick: does nothing at all while the log is unchanged."""
        if self.event_log.version == self._version:
            return False
        self.sync()
        return True

    def sync(self) -> None:
        """Show the log under the current filter: new rows are appended unless the
        filter (or what it means, as kinds appear) changed."""
        self._version = self.event_log.version
        wanted = parse_filter(self.query_text, self.event_log.kinds())
        entries = self.event_log.entries(*wanted)
        table = self.table
        if wanted != self._filter or not entries:
            self._filter = wanted
            table.set_entries(entries)
        else:
            start = bisect_right(entries, table.last_seq, key=lambda e: e.seq)
            table.append(entries[start:])
            table.drop_before(entries[0].seq)
        self._show_counts(len(entries))

    def _show_counts(self, shown: int) -> None:
        kinds = ", ".join(self.event_log.kinds()) or "none yet"
        counts = f"{shown} of {len(self.event_log)} messages · kinds: {kinds}"
        if counts != self._counts:  # an unchanged line costs no repaint
            self._counts = counts
            self.set_counts(counts)

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self.sync()

    @on(EntryTable.Highlighted)
    def show_detail(self, event: EntryTable.Highlighted) -> None:
        entry = event.entry
        if entry is None:
            self.set_detail("")
            return
        arrow = ARROWS.get(entry.direction, "?")
        self.query_one("#detail").set_class(entry.kind in RAW_KINDS, "-raw")
        self.set_detail(f"#{entry.seq} {clock(entry.wall)} {arrow} {entry.kind} · {entry.size} B\n{entry.summary}")

    # -- actions ---------------------------------------------------------------

    def action_close(self) -> None:
        self.dismiss()

    def action_clear_filter(self) -> None:
        self.filter_box.value = ""
