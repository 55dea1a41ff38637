"""The dialog for a call the person answers: the call and its arguments, a result box
(JSON or plain text, checked before it goes), Send or Refuse, and for a NON_BLOCKING
call when the model should take the result (INTERRUPT, WHEN_IDLE, SILENT).

Escape closes it without answering: the card keeps waiting and F3 opens it again.
The call's name and arguments are the model's: shown as plain text, never markup.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, RadioButton, RadioSet, Static, TextArea

from ...core.events import ToolAsk
from ...core.sanitize import safe_text, screen_text
from ...core.tools.typed import typed_result
from ..actions import TOOL_ANSWER
from ..keymap import first_key

SCHEDULING_WORDS = {
    "WHEN_IDLE": "when idle: after what it is saying",
    "INTERRUPT": "interrupt: at once, cutting in",
    "SILENT": "silent: taken in, nothing said",
}


@dataclass(frozen=True)
class ToolReply:
    """What the dialog decided: a result ({"output": ...}) or None for a refusal."""

    call_id: str
    response: dict[str, Any] | None
    scheduling: str | None = None


class ToolAnswerScreen(ModalScreen[ToolReply | None]):
    """Dismisses with a ToolReply, or None (later: the call keeps waiting)."""

    DEFAULT_CSS = """
    ToolAnswerScreen { align: center middle; }
    ToolAnswerScreen > #dialog {
        width: 80;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    ToolAnswerScreen #title { text-style: bold; }
    ToolAnswerScreen #about { color: $text-muted; max-height: 3; }
    ToolAnswerScreen #args { height: auto; max-height: 8; border: none; }
    ToolAnswerScreen #result { height: 5; }
    ToolAnswerScreen #problem { color: $text-error; height: auto; }
    ToolAnswerScreen #problem.-empty { display: none; }
    ToolAnswerScreen RadioSet { height: auto; width: 100%; border: none; padding: 0; }
    ToolAnswerScreen #buttons { height: auto; align-horizontal: right; }
    ToolAnswerScreen #buttons Button { margin-left: 1; }
    """

    BINDINGS = TOOL_ANSWER.bindings()

    def __init__(self, ask: ToolAsk) -> None:
        super().__init__()
        self.ask = ask

    @property
    def call_id(self) -> str:
        return self.ask.card.call_id

    def compose(self) -> ComposeResult:
        card = self.ask.card
        with VerticalScroll(id="dialog"):  # a small terminal scrolls it; its keys work anywhere
            yield Static(f"The model calls {screen_text(card.name)}", id="title", markup=False)
            if self.ask.description:
                yield Static(safe_text(self.ask.description), id="about", markup=False)
            with VerticalScroll(id="args"):
                yield Static(safe_text(json.dumps(dict(card.args), ensure_ascii=False, indent=2, default=str)), markup=False)
            yield Static("Result (JSON, or plain text sent as {\"output\": text}):", markup=False)
            yield TextArea("", id="result", soft_wrap=True, show_line_numbers=False)
            yield Static("", id="problem", classes="-empty", markup=False)
            if self.ask.schedulings:
                yield Static("When the model should take it:", markup=False)
                with RadioSet(id="scheduling"):
                    for index, name in enumerate(self.ask.schedulings):
                        yield RadioButton(SCHEDULING_WORDS.get(name, name), value=index == 0, name=name)
            with Horizontal(id="buttons"):
                yield Button(Content(f"Send ({first_key(self.app, 'toolanswer.send', 'ctrl+s')})"), id="send", variant="primary")
                yield Button(Content(f"Refuse ({first_key(self.app, 'toolanswer.refuse', 'ctrl+r')})"), id="refuse", variant="error")
                yield Button(Content(f"Later ({first_key(self.app, 'toolanswer.later', 'escape')})"), id="later")

    def on_mount(self) -> None:
        self.query_one("#result", TextArea).focus()

    def scheduling(self) -> str | None:
        if not self.ask.schedulings:
            return None
        pressed = self.query_one("#scheduling", RadioSet).pressed_button
        return pressed.name if pressed is not None and pressed.name else self.ask.schedulings[0]

    def say(self, problem: str) -> None:
        line = self.query_one("#problem", Static)
        line.update(problem)
        line.set_class(not problem, "-empty")

    def action_send(self) -> None:
        typed = typed_result(self.query_one("#result", TextArea).text)
        if typed.response is None:
            self.say(typed.problem)  # stays open: the person fixes it, or refuses
            self.query_one("#result", TextArea).focus()
            return
        self.dismiss(ToolReply(self.call_id, typed.response, self.scheduling()))

    def action_refuse(self) -> None:
        self.dismiss(ToolReply(self.call_id, None, self.scheduling()))

    def action_later(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        event.stop()
        {"send": self.action_send, "refuse": self.action_refuse, "later": self.action_later}[event.button.id or "later"]()
