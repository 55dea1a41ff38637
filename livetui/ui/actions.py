"""Every key and command of the console, in one table.

Each `Action` says once what a key does: its id (the name a config's [keys] table
uses), its default key, the footer's short label, the longer words F1 shows, and
its entry in the command palette (ctrl+p). From this table come the app's BINDINGS,
each screen's, the prompt's, the F1 list (`keymap.key_rows`), the ids [keys] may
name (`keymap.binding_ids`) and the palette (`system_commands`): they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from textual.actions import parse
from textual.app import App, SystemCommand
from textual.binding import Binding

GROUPS = ("Conversation", "Voice", "Screens", "Chat", "Input")  # F1's sections, in order


@dataclass(frozen=True)
class Action:
    id: str  # binding id: what [keys] names; palette-only entries have one too, for this table
    key: str | None  # default key(s), "a,b"; None: in the palette only, no key
    action: str  # Textual action string, e.g. "scroll_chat(-1)"
    label: str = ""  # the footer's word
    words: str = ""  # F1's description ("": the label)
    group: str = "Conversation"  # F1's section, for the app's keys (a screen's are in its scope's)
    palette: tuple[str, str] | None = None  # (title, help) in the command palette
    show: bool = True  # in the footer
    priority: bool = False  # before the focused widget (see the notes where it is set)
    key_display: str | None = None

    @property
    def description(self) -> str:
        return self.words or self.label

    def binding(self) -> Binding:
        assert self.key is not None, self.id
        return Binding(self.key, self.action, self.label, show=self.show, key_display=self.key_display, priority=self.priority, id=self.id)


@dataclass(frozen=True)
class Scope:
    """The keys of one place: the app, the prompt, or a screen."""

    prefix: str  # before a screen key's words in F1 ("Event log: Close")
    actions: tuple[Action, ...]
    group: str | None = None  # F1's section for all its keys (None: each action's own)

    def bindings(self) -> list[Binding]:
        return [action.binding() for action in self.actions if action.key is not None]


# The app's keys, in footer and F1 order. Priority: no focused widget (the prompt) takes them first.
APP = Scope("", (
    Action("toggle_modality", "ctrl+t", "toggle_modality", "Text/Audio", "Switch text ⇄ audio answers", priority=True,
           palette=("Toggle modality", "Switch answers between text and audio (at once where the model only speaks)")),
    Action("help", "f1", "help", "Keys", "This list of keys", "Screens", priority=True, palette=("Keys", "Show every key")),
    Action("event_log", "ctrl+e", "event_log", "Events", "Event log: every message", "Screens", priority=True,
           palette=("Event log", "Every message of the session")),
    Action("new_session", "ctrl+n", "new_session", "New session", "New session, nothing carried over", show=False, priority=True,
           palette=("New session", "Close this session and start a fresh one")),
    Action("settings", "f2", "settings", "Settings", "Settings: model, voice, VAD…", "Screens", show=False, priority=True,
           palette=("Settings", "Model, voice, language, system instruction, VAD")),
    Action("clear", "ctrl+l", "clear", "Clear", "Clear the chat from the screen", "Chat", show=False, priority=True,
           palette=("Clear", "Clear the chat history from the screen")),
    Action("scroll_up", "pageup", "scroll_chat(-1)", "Scroll up", "Scroll the chat up a page", "Chat", show=False),
    Action("scroll_down", "pagedown", "scroll_chat(1)", "Scroll down", "Scroll the chat down a page", "Chat", show=False),
    Action("scroll_top", "ctrl+home", "scroll_chat_to(0)", "Oldest", "Oldest message", "Chat", show=False),
    Action("scroll_bottom", "ctrl+end", "scroll_chat_to(1)", "Newest", "Newest message (follow again)", "Chat", show=False),
    Action("mute", "f4", "mute", "Mute", "Mute / unmute the microphone", "Voice", priority=True,
           palette=("Mute / unmute", "Stop or resume sending the microphone")),
    Action("talk", "f5", "talk", "Talk", "Push to talk: start, then end your turn", "Voice", priority=True),
    Action("cut_in", "escape", "cut_in", "Stop answer", "Stop the /wav being sent, or the answer", "Voice", show=False),
    Action("answer_call", "f3", "answer_call", "Answer call", "Answer a function call waiting for you", priority=True, show=False,
           palette=("Answer a function call", "Open the dialog of a call the model waits for you to answer (F3)")),
    Action("send_wav", None, "send_wav_prompt", palette=("Send a WAV file", "Stream a WAV file as your turn (/wav PATH)")),
    Action("vad_mode", "f6", "vad_mode", "VAD/PTT", "Automatic voice detection ⇄ push to talk", "Voice", show=False, priority=True,
           palette=("Push to talk / automatic", "Switch voice activity detection (new session, context carried)")),
    Action("echo_mode", "f7", "echo_mode", "Speaker/headset", "Speaker (half duplex) ⇄ headset mode", "Voice", show=False, priority=True,
           palette=("Speaker / headset mode", "Half duplex (mic paused while the answer plays) or full duplex")),
    Action("record", "f8", "record", "Record", "Record both sides as WAV files", "Voice", show=False, priority=True,
           palette=("Record", "Start or stop saving both sides as WAV files")),
    Action("devices", "f9", "devices", "Devices", "Pick the microphone and speaker", "Screens", show=False, priority=True,
           palette=("Audio devices", "Pick the microphone and the speaker")),
    Action("history", "f10", "history", "History", "History: past conversations", "Screens", show=False, priority=True,
           palette=("History: past conversations", "Read, continue or export a saved conversation (F10)")),
    # Textual's theme picker (App.action_change_theme); the app saves the choice (ui/app.py).
    Action("theme", "f12", "change_theme", "Theme", "Change the theme (saved in config.toml)", "Screens", show=False, priority=True,
           palette=("Theme", "Change the colours: Textual's themes, saved as theme in config.toml")),
    Action("export_md", None, "export('md')", palette=("Export as Markdown", "Export this conversation to ~/livetui-<id>.md")),
    Action("export_jsonl", None, "export('jsonl')", palette=("Export as JSONL", "Export this conversation to ~/livetui-<id>.jsonl")),
    Action("export_to", None, "export_to", palette=("Export to…", "Export this conversation to a file you name (.md or .jsonl)")),
    # Copy to the terminal's clipboard (OSC 52: over SSH too) and compose in $EDITOR: ui/copying.py, ui/editor.py.
    # ctrl+y: the prompt's redo gives way to copying ("yank"); ctrl+z still undoes.
    Action("copy_answer", "ctrl+y", "copy_answer", "Copy answer", "Copy the last answer to your clipboard (OSC 52)", "Chat",
           show=False, priority=True, palette=("Copy the last answer", "To your terminal's clipboard (OSC 52), over SSH too")),
    Action("copy_code", "ctrl+o", "copy_code", "Copy code", "Copy a code block of the last answer (several: pick one)", "Chat",
           show=False, priority=True, palette=("Copy a code block", "A code block of the last answer to your clipboard (several: pick one)")),
    Action("copy_conversation", "alt+y", "copy_conversation", "Copy all", "Copy the whole conversation as Markdown", "Chat",
           show=False, priority=True, palette=("Copy the conversation as Markdown", "The whole conversation, as Export as Markdown writes it, to your clipboard")),
    Action("edit_prompt", "ctrl+g", "edit_prompt", "Editor", "Write the message in $VISUAL / $EDITOR (Enter sends it)", "Input",
           show=False, priority=True, palette=("Write the message in your editor", "Open $VISUAL or $EDITOR on the prompt's text; saving puts it back in the prompt")),
    Action("quit", "ctrl+q", "quit", "Quit", priority=True, palette=("Quit", "Quit livetui")),
))

PROMPT = Scope("", (
    # Not a priority binding: those run before the keys typed just before Enter
    # reach the widget, and would send half a line. Handled in order (widgets/prompt.py).
    Action("prompt.send", "enter", "submit", "Send", "Send the message"),
    Action("prompt.newline", "ctrl+j,alt+enter", "newline", "New line", "New line in the message", show=False),
    # The chat scrolls while you type (TextArea would move its cursor a page instead).
    # The app's ids: one remap moves both, and F1 lists them once, as the app's.
    Action("scroll_up", "pageup", "app.scroll_chat(-1)", "Scroll up", show=False),
    Action("scroll_down", "pagedown", "app.scroll_chat(1)", "Scroll down", show=False),
), group="Input")

def _cursor_keys(scope: str, item: str, first: tuple[str, str], last: tuple[str, str]) -> tuple[Action, ...]:
    """The row cursor's keys of a filtered list (screens/filteredlist.py): (key, label) of first and last."""
    return (
        Action(f"{scope}.up", "up", "move(-1)", f"Previous{item}", show=False),
        Action(f"{scope}.down", "down", "move(1)", f"Next{item}", show=False),
        Action(f"{scope}.page_up", "pageup", "page(-1)", "Page up", show=False),
        Action(f"{scope}.page_down", "pagedown", "page(1)", "Page down", show=False),
        Action(f"{scope}.first", first[0], "first", first[1], show=False),
        Action(f"{scope}.last", last[0], "last", last[1], show=False),
    )


HELP = Scope("Keys: ", (
    Action("help.close", "escape,f1,q", "close", "Close"),
), group="Screens")

EVENT_LOG = Scope("Event log: ", (
    # Priority: the filter Input would take ctrl+e (end of line) first.
    Action("eventlog.close", "escape,ctrl+e", "close", "Close", key_display="esc", priority=True),
    Action("eventlog.clear_filter", "ctrl+l", "clear_filter", "Clear filter", priority=True),
    *_cursor_keys("eventlog", " message", first=("ctrl+home", "Oldest"), last=("ctrl+end", "Newest (follow)")),
), group="Screens")

SETTINGS = Scope("Settings: ", (
    Action("settings.save", "ctrl+s", "save", "Save & apply", priority=True),
    # Not priority: an open Select list takes Escape first, to close itself.
    Action("settings.cancel", "escape", "cancel", "Cancel"),
), group="Screens")

CONFIRM = Scope("Question: ", (
    # Enter on a focused button presses that button first; this is for the rest.
    Action("confirm.yes", "y,enter", "answer(True)", "Yes"),
    Action("confirm.no", "n,escape", "answer(False)", "No"),
    Action("confirm.previous", "left", "app.focus_previous", "Previous button", show=False),
    Action("confirm.next", "right", "app.focus_next", "Next button", show=False),
), group="Screens")

HISTORY = Scope("History: ", (
    Action("history.open", "enter", "open", "Read"),
    Action("history.continue", "c", "continue", "Continue"),
    Action("history.export", "e", "export", "Export"),
    Action("history.filter", "slash", "filter", "Filter"),
    Action("history.close", "escape", "close", "Close"),
    *_cursor_keys("history", "", first=("home", "Newest"), last=("end", "Oldest")),
), group="Screens")

DEVICES = Scope("Devices: ", (
    Action("devices.apply", "ctrl+s", "apply", "Apply", priority=True),
    Action("devices.cancel", "escape", "cancel", "Cancel"),
), group="Screens")

# Not in F1 (SCREENS), as before: one saved conversation, read only (the history's ids:
# one remap moves both), and the export's "where to" question.
CONVERSATION = Scope("", (
    Action("history.continue", "c", "continue", "Continue"),
    Action("history.export", "e", "export", "Export"),
    Action("history.close", "escape", "close", "Back"),
))

EXPORT_PROMPT = Scope("", (Action("history.export_cancel", "escape", "cancel", "Cancel"),))

TOOL_ANSWER = Scope("Function call: ", (
    # Priority: the result box (a TextArea) would take them first.
    Action("toolanswer.send", "ctrl+s", "send", "Send", "Send the result", priority=True),
    Action("toolanswer.refuse", "ctrl+r", "refuse", "Refuse", "Refuse the call (the model gets an error)", priority=True),
    Action("toolanswer.later", "escape", "later", "Later", "Close; F3 opens it again", priority=True),
), group="Screens")

TOOL_CARD = Scope("Function call card: ", (
    Action("toolcard.toggle", "enter,space", "toggle_expanded", "Expand", "Show all of the call, or fold it"),
), group="Chat")

CODE_PICK = Scope("Copy a code block: ", (
    Action("codepick.close", "escape", "close", "Close", "Close without copying (Enter copies the highlighted block)"),
), group="Screens")

# The screens' keys F1 lists (and so [keys] may name), in F1 order.
SCREENS = (HELP, EVENT_LOG, SETTINGS, CONFIRM, HISTORY, DEVICES, TOOL_ANSWER, TOOL_CARD, CODE_PICK)


def app_action(app_id: str) -> Action | None:
    """The app's action with this id (None for an id of a subclass's own binding)."""
    return next((action for action in APP.actions if action.id == app_id), None)


def _callback(app: App, action: str) -> Callable[[], object]:
    """The app's method an action string names, its arguments bound: what the palette calls."""
    _, name, params = parse(action)
    return partial(getattr(app, f"action_{name}"), *params)


def system_commands(app: App) -> Iterator[SystemCommand]:
    """The app's entries in the command palette (Textual sorts them by title)."""
    for action in APP.actions:
        if action.palette is not None:
            title, help_text = action.palette
            yield SystemCommand(title, help_text, _callback(app, action.action))
