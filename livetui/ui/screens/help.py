"""F1 shows every key: the app's, the prompt's, each screen's and Textual's own.

Keys are shown as currently mapped (after the [keys] table of the config file),
with the binding id to put in that table; the rows come from ui/keymap.py.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from ..actions import HELP
from ..keymap import FOOTNOTE, key_rows


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > #help {
        width: 100%;
        max-width: 100;
        height: 100%;
        max-height: 40;
        margin: 1 2;
        border: round $primary;
        border-title-align: center;
        background: $surface;
    }
    HelpScreen DataTable {
        height: 1fr;
        scrollbar-size-vertical: 1;
    }
    HelpScreen #footnote {
        color: $text-muted;
        padding: 0 1;
    }
    """

    BINDINGS = HELP.bindings()

    def compose(self) -> ComposeResult:
        with Vertical(id="help") as box:
            box.border_title = "Keys"
            yield DataTable(cursor_type="row", zebra_stripes=False, show_cursor=True, id="keys")
            yield Static(FOOTNOTE, id="footnote", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Key", "What it does", "Id")
        group = None
        for row in key_rows(self.app):
            if row.group != group:
                group = row.group
                table.add_row(Text(group, style="bold"), "", "")
            table.add_row(
                Text(row.keys.replace(",", ", ")),
                Text(row.description),
                Text(row.binding_id or "—", style="" if row.binding_id else "dim"),
            )
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
