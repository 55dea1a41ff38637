"""Function calls on screen (core/tools/desk.py decides, this shows): each call's card
under its answer, the dialog for a call the person answers, and F3 to reopen it."""

from __future__ import annotations

from typing import Any

from textual.app import App

from ..core.events import ToolAsk
from ..core.sanitize import safe_text
from ..core.session import SessionController
from .screens.toolanswer import ToolAnswerScreen, ToolReply
from .widgets.chat import ChatView, ModelMessage


class FunctionCalls(App[Any]):
    """Mixed into the app (ui/app.py)."""

    session: SessionController

    async def _show_tool_card(self, chat: ChatView, turn: Any, card: Any) -> None:
        widget = chat.widget_for(turn)
        if isinstance(widget, ModelMessage):
            await widget.tool_cards.show(card)
        if card.done:  # answered elsewhere, cancelled, or its session left: its dialog goes
            for screen in self.screen_stack:
                if isinstance(screen, ToolAnswerScreen) and screen.call_id == card.call_id:
                    screen.dismiss(None)
                    if card.state == "cancelled":
                        self.notify(f"The model cancelled its call of {safe_text(card.name)}.", severity="warning")

    def _ask_tool(self, ask: ToolAsk) -> None:
        """The dialog for a call the person answers; its answer goes to the desk."""
        if any(isinstance(s, ToolAnswerScreen) and s.call_id == ask.card.call_id for s in self.screen_stack):
            return

        async def answered(reply: ToolReply | None) -> None:
            if reply is not None:
                await self.session.answer_call(reply.call_id, reply.response, reply.scheduling)

        self.push_screen(ToolAnswerScreen(ask), answered)

    def action_answer_call(self) -> None:
        waiting = self.session.tools.waiting()
        if not waiting:
            self.notify("No function call is waiting for an answer.")
            return
        self._ask_tool(self.session.tools.ask(waiting[0]))
