"""A yes/no question: y or Enter says yes, n or Escape says no."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ..actions import CONFIRM
from ..keymap import first_key


class ConfirmScreen(ModalScreen[bool]):
    """Dismisses with True (yes) or False (no)."""

    DEFAULT_CSS = """
    ConfirmScreen {
        align: center middle;
    }
    ConfirmScreen > #dialog {
        width: 64;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    ConfirmScreen #title {
        text-style: bold;
        margin-bottom: 1;
    }
    ConfirmScreen #buttons {
        height: auto;
        margin-top: 1;
        align-horizontal: right;
    }
    ConfirmScreen #buttons Button {
        margin-left: 1;
    }
    """

    BINDINGS = CONFIRM.bindings()

    def __init__(self, title: str, body: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.title_text, self.body, self.yes, self.no = title, body, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            # Text from errors may hold brackets: never read it as markup.
            yield Static(self.title_text, id="title", markup=False)
            yield Static(self.body, id="body", markup=False)
            with Horizontal(id="buttons"):
                yes_key = first_key(self.app, "confirm.yes", "y")
                no_key = first_key(self.app, "confirm.no", "n")
                yield Button(Content(f"{self.yes} ({yes_key})"), id="yes", variant="primary")
                yield Button(Content(f"{self.no} ({no_key})"), id="no")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")


def transcript_offer(refusal: str) -> ConfirmScreen:
    """The 1007 fallback: a model the console did not know refused text answers. Yes:
    treat it as the audio-only model it is (its transcript as the text answer)."""
    return ConfirmScreen(
        "This model answers only with audio",
        f"The service refused text answers: “{refusal}”\n\n"
        "Ask for audio answers and show their transcript as the text, the speaker silent? (ctrl+t then plays them)",
        yes="Transcript as text",
        no="Stay",
    )
