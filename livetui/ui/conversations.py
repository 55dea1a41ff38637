"""Conversations on screen: the first session (fresh or a saved one continued), the
history screen (F10) and its "continue", and export. What is saved and how a saved
conversation carries on is core's (core/persist.py, core/session.py)."""

from __future__ import annotations

import asyncio
from typing import Any

from textual.app import App

from ..core.conversation import TurnAdded
from ..core.events import TurnComplete
from ..core.session import SessionController
from .saving import SavingWatch
from .widgets.chat import ChatView


class Conversations(App[Any]):
    """Mixed into the app (ui/app.py): where its conversations come from and go."""

    session: SessionController
    saving: SavingWatch
    _restore: Any

    async def action_clear(self) -> None:
        raise NotImplementedError  # the app's

    async def _begin(self) -> None:
        """The first session: fresh, or continuing a saved conversation — by its
        handle while the service still holds it, else by replaying it as context."""
        await self._open(self._restore)

    async def _open(self, saved: Any) -> None:
        """Say if the transcript cannot be written; mark where this session's turns
        begin; show a saved conversation (core.store.LoadedConversation) again, not
        written again, then a session that continues it."""
        transcript = self.session.transcript
        if problem := transcript.problem:
            await self.session.say(problem, "error")
        self.saving.attach(transcript.store)  # says at once when saving stops, retries, says when it resumes
        changes = self.session.begin(saved)
        if saved is None:
            self.session.start([])
            return
        # Only the latest turns become widgets; the rest wait for PageUp (see ChatView).
        chat = self.query_one(ChatView)
        added = [c.turn for c in changes if isinstance(c, TurnAdded)]
        head = {t.id for t in added[: max(0, len(added) - chat.keep)]}
        chat.hide([t for t in added if t.id in head])
        await self.session.show([c for c in changes if getattr(c, "turn", None) is None or c.turn.id not in head], persist=False)
        await self.session.say(f"continuing conversation {saved.id}", "divider")
        self.session.continue_saved(saved)

    def action_history(self) -> None:
        from .screens.history import ConversationView, HistoryChoice, HistoryScreen

        if any(isinstance(screen, (HistoryScreen, ConversationView)) for screen in self.screen_stack):
            return
        transcript = self.session.transcript
        folder = transcript.path.parent if transcript.path is not None else None  # where this conversation is saved

        def chosen(choice: HistoryChoice | None) -> None:
            if choice is not None and choice.kind == "continue":
                self.call_later(self._continue_saved, choice)

        self.push_screen(HistoryScreen(folder, current_id=transcript.id), chosen)

    async def _continue_saved(self, choice: Any) -> None:
        """Leave this conversation (saved as it stands) for a saved one: its turns
        on screen, its file appended to, and a session that carries it on."""
        from ..core.store import StoreError, load

        try:
            saved = await asyncio.to_thread(load, choice.path if choice.path is not None else choice.id)
        except StoreError as exc:
            self.notify(f"Cannot continue: {exc}", severity="error", timeout=8)
            return
        if self.session.transcript.is_file(saved.path):
            self.notify("That is the conversation you are in", severity="warning")
            return
        await self.session.show(self.session.conversation.apply(TurnComplete()))  # an answer in progress ends here
        if note := self.session.transcript.continue_in(saved.path):  # the disk still refused it: a copy went elsewhere
            self.notify(note, severity="error", timeout=20)
        await self.action_clear()
        await self._open(saved)

    def action_export(self, fmt: str = "md") -> None:
        """This conversation to ~/livetui-<id>.md (or .jsonl), the part not yet saved included."""
        from ..core.store import default_export_path

        conversation = self.session.transcript.id
        self.saving.export(default_export_path(conversation, fmt) if conversation is not None else None)

    def action_export_to(self) -> None:
        self.saving.export_to()
