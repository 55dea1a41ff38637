"""The input: Enter sends, ctrl+j adds a line, Up/Down walk earlier inputs."""

from __future__ import annotations

import asyncio

from textual import events
from textual.message import Message
from textual.widgets import TextArea

from ..actions import PROMPT


class PromptArea(TextArea):
    # Enter is not a priority binding: see ui/actions.py.
    BINDINGS = PROMPT.bindings()

    class Submitted(Message):
        """Whoever handles it calls `shown()` once the text is on its way to the
        screen (the app: once the turn is in the chat); the prompt clears then."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text
            self._shown = asyncio.Event()

        def shown(self) -> None:
            self._shown.set()

    SHOWN_WAIT = 0.25  # seconds the prompt waits for `shown()` before it clears anyway

    def __init__(self, **kwargs) -> None:
        super().__init__(soft_wrap=True, show_line_numbers=False, compact=True, highlight_cursor_line=False, **kwargs)
        self.cursor_blink = False  # an idle console writes nothing to the terminal
        self.past_inputs: list[str] = []
        self._walk: int | None = None  # index into history while walking it
        self._draft = ""
        self.refusal = ""  # set while typed text is not taken (ui.modes): said instead, the text kept

    async def action_submit(self) -> None:
        """Send the text; clear the prompt once the handler has shown it.

        The clearing waits so that the prompt and the new turn in the chat change
        in one frame: cleared first, the prompt took a frame of its own, and the
        turn waited for the next (Textual draws at most one frame per 1/60 s).
        Keys typed meanwhile wait in this widget's queue, in order, and another
        Enter cannot send the same text twice."""
        text = self.text.strip()
        if not text:
            return
        if self.refusal and not text.startswith("/"):  # commands (/wav) still work
            self.app.notify(self.refusal, severity="warning", timeout=8)
            return
        if not self.past_inputs or self.past_inputs[-1] != text:
            self.past_inputs.append(text)
        self._walk = None
        message = self.Submitted(text)
        self.app.post_message(message)  # not through this widget's queue: it is busy waiting here
        try:
            await asyncio.wait_for(message._shown.wait(), self.SHOWN_WAIT)
        except TimeoutError:
            pass  # nobody said so: clear anyway
        self.clear()

    def action_newline(self) -> None:
        self.insert("\n")

    async def _on_key(self, event: events.Key) -> None:
        row, _ = self.cursor_location
        if event.key == "enter":
            event.prevent_default()
            event.stop()
            await self.action_submit()
            return
        if event.key == "up" and row == 0 and self.past_inputs:
            event.prevent_default()
            event.stop()
            self._history_step(-1)
            return
        if event.key == "down" and row == self.document.line_count - 1 and self._walk is not None:
            event.prevent_default()
            event.stop()
            self._history_step(+1)
            return
        await super()._on_key(event)

    def _history_step(self, step: int) -> None:
        if self._walk is None:
            self._draft = self.text
            index = len(self.past_inputs) - 1 if step < 0 else None
        else:
            index = self._walk + step
            if index < 0:
                index = 0
            elif index >= len(self.past_inputs):
                index = None
        self._walk = index
        self.load_text(self._draft if index is None else self.past_inputs[index])
        self.move_cursor(self.document.end)
