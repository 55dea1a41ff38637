"""F1 shows every key: the app's, the prompt's, each screen's and Textual's own.

Keys are shown as currently mapped (after the [keys] table of the config file),
with the binding id to put in that table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

GROUPS = ("Conversation", "Voice", "Screens", "Chat", "Input")

# Where each app binding id belongs; ids not named here go to "Conversation".
GROUP_OF = {
    "toggle_modality": "Conversation",
    "new_session": "Conversation",
    "quit": "Conversation",
    "mute": "Voice",
    "talk": "Voice",
    "cut_in": "Voice",
    "vad_mode": "Voice",
    "echo_mode": "Voice",
    "record": "Voice",
    "devices": "Screens",
    "history": "Screens",
    "help": "Screens",
    "event_log": "Screens",
    "settings": "Screens",
    "clear": "Chat",
    "scroll_up": "Chat",
    "scroll_down": "Chat",
    "scroll_top": "Chat",
    "scroll_bottom": "Chat",
}

# Longer words than the footer's; bindings not named here use their own description.
DESCRIPTIONS = {
    "toggle_modality": "Switch text ⇄ audio answers",
    "new_session": "New session, nothing carried over",
    "quit": "Quit",
    "help": "This list of keys",
    "event_log": "Event log: every message",
    "settings": "Settings: model, voice, VAD…",
    "clear": "Clear the chat from the screen",
    "scroll_up": "Scroll the chat up a page",
    "scroll_down": "Scroll the chat down a page",
    "scroll_top": "Oldest message",
    "scroll_bottom": "Newest message (follow again)",
    "mute": "Mute / unmute the microphone",
    "talk": "Push to talk: start, then end your turn",
    "cut_in": "Stop the /wav being sent, or the answer",
    "vad_mode": "Automatic voice detection ⇄ push to talk",
    "echo_mode": "Speaker (half duplex) ⇄ headset mode",
    "record": "Record both sides as WAV files",
    "devices": "Pick the microphone and speaker",
    "history": "History: past conversations",
    "prompt.send": "Send the message",
    "prompt.newline": "New line in the message",
}

FOOTNOTE = 'Remap any key in the [keys] table of config.toml: <id> = "key"'


@dataclass(frozen=True)
class KeyRow:
    group: str
    keys: str  # as written in the config file, e.g. "ctrl+t" or "ctrl+j,alt+enter"
    description: str
    binding_id: str | None  # None: a key that cannot be remapped


def effective_keys(binding_id: str | None, default: str, keymap: Mapping[str, str]) -> str:
    """The key(s) a binding answers to once the app's keymap is applied."""
    if binding_id and keymap.get(binding_id):
        return keymap[binding_id]
    return default


def first_key(app: App, binding_id: str, default: str) -> str:
    """The first key a binding answers to now, for hints written on screen."""
    return effective_keys(binding_id, default, getattr(app, "_keymap", {})).split(",")[0]


def _bindings(bindings: Iterable[BindingType]) -> list[tuple[str | None, str, Binding]]:
    """(id, keys, first binding) per binding, keys joined again after Textual splits "a,b"."""
    merged: dict[object, tuple[str | None, list[str], Binding]] = {}
    for binding in Binding.make_bindings(bindings):
        slot = binding.id or (binding.action, binding.description)
        if slot in merged:
            merged[slot][1].append(binding.key)
        else:
            merged[slot] = (binding.id, [binding.key], binding)
    return [(bid, ",".join(keys), first) for bid, keys, first in merged.values()]


def key_rows(app: App) -> list[KeyRow]:
    """Every key the user can press, grouped, in GROUPS order."""
    # Imported here: those screens may import this module for effective_keys.
    from ..widgets.prompt import PromptArea
    from .confirm import ConfirmScreen
    from .eventlog import EventLogScreen
    from .settings import SettingsScreen

    keymap: Mapping[str, str] = getattr(app, "_keymap", {})  # Textual keeps set_keymap's map here
    rows: list[KeyRow] = []

    def add(bindings: Iterable[BindingType], group: str | None = None, prefix: str = "") -> None:
        for bid, keys, binding in _bindings(bindings):
            words = DESCRIPTIONS.get(bid or "", binding.description or binding.tooltip or binding.action)
            where = group or GROUP_OF.get(bid or "", "Conversation")
            rows.append(KeyRow(where, effective_keys(bid, keys, keymap), prefix + words, bid))

    app_bindings = list(app.BINDINGS)
    add(app_bindings)

    # Textual's own keys, which no BINDINGS list of ours shows.
    actions = {b.action for _, _, b in _bindings(app_bindings)}
    if "quit" not in actions:
        rows.append(KeyRow("Conversation", "ctrl+q", "Quit", None))
    if app.ENABLE_COMMAND_PALETTE:
        rows.append(KeyRow("Screens", app.COMMAND_PALETTE_BINDING, "Command palette: every action", None))
    rows.append(KeyRow("Screens", "tab,shift+tab", "Next / previous field", None))

    add(HelpScreen.BINDINGS, "Screens", "Keys: ")
    add(EventLogScreen.BINDINGS, "Screens", "Event log: ")
    add(SettingsScreen.BINDINGS, "Screens", "Settings: ")
    add(ConfirmScreen.BINDINGS, "Screens", "Question: ")
    from .devices import DevicePickerScreen
    from .history import HistoryScreen

    add(HistoryScreen.BINDINGS, "Screens", "History: ")
    add(DevicePickerScreen.BINDINGS, "Screens", "Devices: ")

    # The prompt's PageUp/PageDown share the app's ids (and rows): one remap moves both.
    app_ids = {bid for bid, _, _ in _bindings(app_bindings)}
    add([b for b in PromptArea.BINDINGS if not (isinstance(b, Binding) and b.id in app_ids)], "Input")
    # History walking is done in PromptArea._on_key, not by bindings: not remappable.
    rows.append(KeyRow("Input", "up", "Earlier input (from first line)", None))
    rows.append(KeyRow("Input", "down", "Later input (from last line)", None))
    rows.append(KeyRow("Input", "ctrl+c", "Copy selection (or: how to quit)", None))

    order = {group: index for index, group in enumerate(GROUPS)}
    return sorted(rows, key=lambda row: order.get(row.group, len(order)))  # stable: keeps list order


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

    BINDINGS = [
        Binding("escape,f1,q", "close", "Close", id="help.close"),
    ]

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
