"""The one table of keys (ui/actions.py): every entry names an action that exists, ids
are unique where they must be, and the palette is built from it."""

from __future__ import annotations

from functools import partial

from textual.actions import parse

from livetui.core.settings import Settings
from livetui.ui import actions
from livetui.ui.app import LiveTuiApp
from livetui.ui.screens.codepick import CodePickScreen
from livetui.ui.screens.confirm import ConfirmScreen
from livetui.ui.screens.devices import DevicePickerScreen
from livetui.ui.screens.eventlog import EventLogScreen
from livetui.ui.screens.export import ExportPrompt
from livetui.ui.screens.help import HelpScreen
from livetui.ui.screens.history import ConversationView, HistoryScreen
from livetui.ui.screens.settings import SettingsScreen
from livetui.ui.screens.toolanswer import ToolAnswerScreen
from livetui.ui.widgets.prompt import PromptArea
from livetui.ui.widgets.toolcard import ToolCardView

OWNERS = {
    id(actions.APP): LiveTuiApp,
    id(actions.PROMPT): PromptArea,
    id(actions.HELP): HelpScreen,
    id(actions.EVENT_LOG): EventLogScreen,
    id(actions.SETTINGS): SettingsScreen,
    id(actions.CONFIRM): ConfirmScreen,
    id(actions.HISTORY): HistoryScreen,
    id(actions.DEVICES): DevicePickerScreen,
    id(actions.CONVERSATION): ConversationView,
    id(actions.EXPORT_PROMPT): ExportPrompt,
    id(actions.TOOL_ANSWER): ToolAnswerScreen,
    id(actions.TOOL_CARD): ToolCardView,
    id(actions.CODE_PICK): CodePickScreen,
}
SCOPES = [actions.APP, actions.PROMPT, *actions.SCREENS, actions.CONVERSATION, actions.EXPORT_PROMPT]


def test_every_action_names_a_method_of_its_owner() -> None:
    for scope in SCOPES:
        owner = OWNERS[id(scope)]
        for action in scope.actions:
            namespace, name, _ = parse(action.action)
            target = LiveTuiApp if namespace == "app" else owner
            assert callable(getattr(target, f"action_{name}", None)), (scope.prefix, action.id, action.action)


def test_ids_are_unique_within_a_scope_and_bindings_come_from_the_table() -> None:
    for scope in SCOPES:
        ids = [action.id for action in scope.actions]
        assert len(ids) == len(set(ids)), ids
        assert OWNERS[id(scope)].BINDINGS == scope.bindings()


def test_the_palette_is_the_tables_palette_entries() -> None:
    app = LiveTuiApp(Settings(), backend=None, audio=False)
    commands = list(app.get_system_commands(app.screen if app._screen_stack else None))  # type: ignore[arg-type]
    expected = [action for action in actions.APP.actions if action.palette]
    assert [(c.title, c.help) for c in commands] == [action.palette for action in expected]
    assert {"Export as Markdown", "Send a WAV file", "Keys", "Quit"} <= {c.title for c in commands}
    export = next(c for c in commands if c.title == "Export as JSONL")
    assert isinstance(export.callback, partial) and export.callback.func == app.action_export and export.callback.args == ("jsonl",)
