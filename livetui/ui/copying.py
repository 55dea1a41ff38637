"""Copy to the clipboard of the user's own terminal (OSC 52, core/clipboard.py): the last
answer, one of its code blocks, or the whole conversation as the export's Markdown."""

from __future__ import annotations

import asyncio
import os
from typing import Any

from textual.app import App

from ..core.clipboard import copied_notice, fits, too_big_notice
from ..core.conversation import Conversation, Turn
from ..core.sanitize import safe_text
from ..core.store import StoreError, export_conversation
from .codeblocks import CodeBlock, code_blocks
from .widgets.tokens import app_prices


class Copying(App[Any]):
    """Mixed into the app (ui/app.py)."""

    session: Any  # core.session.SessionController

    @property
    def conversation(self) -> Conversation:
        raise NotImplementedError  # the app's

    def copy_out(self, what: str, text: str) -> None:
        """`text` to the terminal's clipboard, and what the person should know about it."""
        # The model's text was made safe where it came in (core/decode.py); again here, so a
        # paste of it can never carry an escape sequence (an early end of a bracketed paste).
        text = safe_text(text)
        if not fits(text):
            self.notify(too_big_notice(what, text), severity="warning", timeout=10)
            return
        self.copy_to_clipboard(text)  # Textual writes OSC 52 straight to the terminal (not a frame)
        words, warn = copied_notice(what, text, os.environ)
        self.notify(words, severity="warning" if warn else "information", timeout=8)

    def _last_answer(self) -> Turn | None:
        return next((t for t in reversed(self.conversation.turns) if t.role == "model" and t.text.strip()), None)

    def action_copy_answer(self) -> None:
        turn = self._last_answer()
        if turn is None:
            self.notify("No answer with text to copy yet.")
            return
        self.copy_out("the last answer" + (" so far" if turn.open else ""), turn.text)

    def action_copy_code(self) -> None:
        turn = self._last_answer()
        blocks = code_blocks(turn.text) if turn is not None else []
        if not blocks:
            self.notify("The last answer has no code block.")
            return
        if len(blocks) == 1:
            self._copy_block(blocks, 0)
            return
        from .screens.codepick import CodePickScreen

        def chosen(index: int | None) -> None:
            if index is not None:
                self._copy_block(blocks, index)

        self.push_screen(CodePickScreen(blocks), chosen)

    def _copy_block(self, blocks: list[CodeBlock], index: int) -> None:
        what = "the code block" if len(blocks) == 1 else f"code block {index + 1} of {len(blocks)}"
        self.copy_out(what, blocks[index].code)

    def action_copy_conversation(self) -> None:
        """The conversation as `Export as Markdown` writes it (the part not yet saved included)."""
        store = self.session.transcript.store
        if store is None:
            self.notify("This conversation is not being saved: nothing to copy as Markdown", severity="warning")
            return
        snapshot = store.snapshot()  # on the loop, as the export takes it
        self.run_worker(self._copy_conversation(snapshot), group="copy", exit_on_error=False)

    async def _copy_conversation(self, snapshot: Any) -> None:
        try:
            exported = await asyncio.to_thread(export_conversation, snapshot, fmt="md", prices=app_prices(self))
        except (StoreError, OSError, ValueError) as exc:
            self.notify(f"Cannot copy the conversation: {exc}", severity="error", timeout=8)
            return
        self.copy_out("the conversation as Markdown", exported.text)
