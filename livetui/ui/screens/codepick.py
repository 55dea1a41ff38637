"""Which code block to copy, when the last answer has several: up/down, Enter copies,
Escape closes. The last block is highlighted first (the one most often wanted)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..actions import CODE_PICK
from ..codeblocks import CodeBlock
from ..keymap import first_key


class CodePickScreen(ModalScreen[int | None]):
    """Dismisses with the chosen block's index, or None."""

    DEFAULT_CSS = """
    CodePickScreen {
        align: center middle;
    }
    CodePickScreen > #dialog {
        width: 80;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    CodePickScreen OptionList {
        height: auto;
        max-height: 16;
    }
    """

    BINDINGS = CODE_PICK.bindings()

    def __init__(self, blocks: list[CodeBlock]) -> None:
        super().__init__()
        self.blocks = blocks

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            close = first_key(self.app, "codepick.close", "escape")
            yield Static(f"Copy which code block of the last answer? (Enter copies · {close} closes)", markup=False)
            # Plain text, not markup: code holds brackets.
            yield OptionList(*(Option(Content(f"{n}. {block.title}")) for n, block in enumerate(self.blocks, 1)))

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = len(self.blocks) - 1
        options.focus()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option_index)

    def action_close(self) -> None:
        self.dismiss(None)
