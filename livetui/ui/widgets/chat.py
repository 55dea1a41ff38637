"""The chat history: user and model turns, Markdown streamed, quiet system lines."""

from __future__ import annotations

import time

from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Markdown, Static
from textual.widgets.markdown import MarkdownBlock

from ...core.conversation import Turn
from .reveal import Reveal
from .sources import SourceList
from .thoughts import Thoughts
from .toolcard import ToolCards

REVEAL_TICK = 1 / 12  # s: how often a streaming answer may grow on screen


def _stamp(turn: Turn) -> str:
    return turn.started.strftime("%H:%M:%S")


class UserMessage(Static):
    """What the user typed or said."""

    def __init__(self, turn: Turn) -> None:
        super().__init__(classes="turn user", markup=False)  # "[/]" typed or heard is text, not markup
        self.turn = turn
        self.refresh_text()

    def refresh_text(self) -> None:
        how = "said" if self.turn.modality == "AUDIO" else "typed"
        self.border_title = f"You {how} · {_stamp(self.turn)}"
        self.update(self.turn.text or "…")


class AnswerBody(Markdown):
    """An answer's Markdown. Once the answer is whole, its last block drops its
    bottom margin (class -last). A `:last-child` rule would say it in CSS, but an
    order rule makes Textual restyle every block of the answer, and all they hold,
    each time the stream adds one."""

    def __init__(self, markdown: str, whole: bool) -> None:
        super().__init__(markdown, classes="body")
        self.whole = whole

    def on_mount(self) -> None:  # after Markdown's own mount handler has built the blocks
        if self.whole:
            self.mark_last()

    def append(self, markdown: str) -> AwaitComplete:
        # A stream's last append can land after the answer ended: mark again then.
        appended = super().append(markdown)

        async def append_then_mark() -> None:
            await appended
            if self.whole:
                self.mark_last()

        return AwaitComplete(append_then_mark())

    def mark_last(self) -> None:
        blocks = [child for child in self.children if isinstance(child, MarkdownBlock)]
        for block in blocks[:-1]:
            block.remove_class("-last")  # (a no-op unless a later append moved the end)
        if blocks:
            blocks[-1].add_class("-last")


class ModelMessage(Widget):
    """A model turn: its Markdown body is streamed, never re-rendered per token.
    After the first part, text is drawn in word-sized steps (see reveal.py)."""

    DEFAULT_CSS = "ModelMessage { height: auto; }"

    class Working(Message):
        """The model works on this answer in the background (IN_PROGRESS), or no longer."""

        def __init__(self, working: bool) -> None:
            super().__init__()
            self.working = working

    def __init__(self, turn: Turn) -> None:
        super().__init__(classes="turn model")
        self.turn = turn
        self.thoughts: Thoughts | None = None
        self.sources: SourceList | None = None  # a grounded answer's sources, under it
        self._working = False
        # A finished turn (restored, or shown again from earlier) is drawn whole, once.
        self._body = AnswerBody("" if turn.open else _finished_text(turn), whole=not turn.open)
        self._stream = None
        self._reveal = Reveal(REVEAL_TICK)
        self._ticker = None
        self.tool_cards = ToolCards(turn.tools)  # the function calls of this answer, under it
        self._title()

    def compose(self) -> ComposeResult:
        yield self._body
        if self.turn.sources:
            self.sources = SourceList(self.turn.sources)
            yield self.sources
        yield self.tool_cards

    async def show_sources(self) -> None:
        """The answer's sources as they stand (Google Search grounding)."""
        if self.sources is None:
            if self.turn.sources:
                self.sources = SourceList(self.turn.sources)
                await self.mount(self.sources, after=self._body)
        else:
            self.sources.show(self.turn.sources)

    def on_mount(self) -> None:
        if self.turn.open:
            self._stream = Markdown.get_stream(self._body)
            self._title()  # an answer that begins while the model works says so at once

    def _title(self) -> None:
        parts = [f"Gemini · {_stamp(self.turn)}", self.turn.modality]
        if latency := self.turn.latency:  # quiet, after the time: the README's Latency section says what it is
            parts[0] += f" · {latency.label}" if latency.label else ""
            if (words := latency.describe()) != self.tooltip:
                self.tooltip = words or None
        if self.turn.working and self.turn.open:  # first: a narrow answer keeps it in view
            parts.insert(1, "still working…")
        if self.turn.audio_seconds:
            parts.append(f"{self.turn.audio_seconds:.1f}s audio")
        if self.turn.interrupted:
            parts.append("interrupted")
        title = " · ".join(parts)
        if title != self.border_title:  # setting it repaints the whole answer, even unchanged
            self.border_title = title
        self.set_class(self.turn.interrupted, "interrupted")
        working = self.turn.working and self.turn.open
        if working != self._working and self.is_attached:
            self._working = working
            self.post_message(self.Working(working))

    async def append(self, delta: str) -> None:
        if delta and self._stream is not None:
            if self._ticker is None:  # the first words go up at once
                self._reveal.add("", time.monotonic())
                self._ticker = self.set_interval(REVEAL_TICK, self._step)
                await self._stream.write(delta)
            else:
                self._reveal.add(delta, time.monotonic())
        if self.turn.thoughts:
            await self._show_thoughts()
        self._title()

    async def _show_thoughts(self) -> None:
        if self.thoughts is None:
            self.thoughts = Thoughts(self.turn.thoughts)
            await self.mount(self.thoughts, before=self._body)  # reasoning comes before the answer
        else:
            self.thoughts.show(self.turn.thoughts)

    async def _step(self) -> None:
        piece = self._reveal.step(time.monotonic())
        if piece and self._stream is not None:
            await self._stream.write(piece)

    async def finish(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()
        if self._stream is not None:
            rest = self._reveal.rest()
            if rest:
                await self._stream.write(rest)
            await self._stream.stop()
            self._stream = None
        if not self.turn.text and not self.turn.audio_seconds:
            await self._body.update(_finished_text(self.turn))
        self._body.whole = True  # an append still under way marks again when it lands
        self._body.mark_last()
        self._title()


def _finished_text(turn: Turn) -> str:
    return turn.text if turn.text or turn.audio_seconds else "*(no answer)*"


class SystemLine(Static):
    """Dividers, notices and errors: quiet, one line each."""

    def __init__(self, turn: Turn) -> None:
        kind = turn.kind
        text = f"── {turn.text} ──" if kind == "divider" else f"{_stamp(turn)}  {turn.text}"
        super().__init__(text, classes=f"system {kind}", markup=False)
        self.turn = turn


class ChatView(VerticalScroll, can_focus=True):
    """Scrolls with the keyboard; pinned to the bottom while answers arrive unless
    the user scrolled up.

    Only the latest `keep` turns are widgets: every widget costs memory and a share
    of each layout, so a long conversation would slow the whole console down. Older
    turns are dropped from the screen (the conversation and the transcript keep
    them) and come back a page at a time with `show_earlier` (PageUp at the top)."""

    keep = 20
    page = 20

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.hidden: list[Turn] = []  # dropped from the screen, oldest first

    def on_mount(self) -> None:
        self.anchor()

    async def add_turn(self, turn: Turn) -> Widget:
        widget = _widget_for_turn(turn)
        await self.mount(widget)
        # After the frame that shows it: the oldest go off screen, above the view, so
        # removing them need not slow the new turn's appearance.
        self.call_after_refresh(self._trim)
        return widget

    def hide(self, turns: list[Turn]) -> None:
        """Turns never drawn (the start of a long restored conversation)."""
        self.hidden += turns
        self._notice()

    async def show_earlier(self) -> bool:
        """The previous page of dropped turns, above the first shown; False if none."""
        if not self.hidden:
            return False
        batch, self.hidden = self.hidden[-self.page :], self.hidden[: -self.page]
        first = next(iter(self._turn_widgets()), None)
        await self.mount_all([_widget_for_turn(t) for t in batch], before=first)
        self._notice()
        if first is not None:  # stay where the reader was: the new page is above
            self.call_after_refresh(self.scroll_to_widget, first, animate=False, top=True)
        return True

    async def clear(self) -> None:
        self.hidden = []
        await self.remove_children()

    async def _trim(self) -> None:
        turns = self._turn_widgets()
        extra = len(turns) - self.keep
        if extra <= 0 or self._anchor_released:
            return  # (while the reader is scrolled up, nothing moves under them)
        self.hidden += [w.turn for w in turns[:extra]]  # type: ignore[attr-defined]
        await self.remove_children(turns[:extra])
        self._notice()

    def _turn_widgets(self) -> list[Widget]:
        return [w for w in self.children if w.id is not None and w.id.startswith("turn-")]

    def _notice(self) -> None:
        notice = next((w for w in self.children if w.id == "earlier"), None)
        if not self.hidden:
            if notice is not None:
                notice.remove()
            return
        text = f"{len(self.hidden)} earlier turns · PageUp at the top shows more · F10 has the whole conversation"
        if isinstance(notice, Static):
            notice.update(text)
        else:
            first = self.children[0] if self.children else None
            self.mount(Static(text, id="earlier", classes="system info", markup=False), before=first)

    def widget_for(self, turn: Turn) -> Widget | None:
        # Not query_one: its cache keeps what it found, so cleared turns (Markdown and
        # all) would stay in memory until hundreds of later lookups pushed them out.
        wanted = f"turn-{turn.id}"
        return next((widget for widget in reversed(self.children) if widget.id == wanted), None)


def _widget_for_turn(turn: Turn) -> Widget:
    widget: Widget
    if turn.role == "user":
        widget = UserMessage(turn)
    elif turn.role == "model":
        widget = ModelMessage(turn)
    else:
        widget = SystemLine(turn)
    widget.id = f"turn-{turn.id}"
    return widget
