"""The keys as they are mapped now: F1's rows, the ids a [keys] table may name, and the
key a hint on screen names. All read from the one table in ui/actions.py (the app's
part through the app's own BINDINGS, so a subclass's keys count too): the check at
start-up, the help screen and the keys themselves can never disagree."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from textual.app import App
from textual.binding import Binding, BindingType

from .actions import APP, GROUPS, PROMPT, SCREENS, Scope, app_action
from .textual_internals import keymap_of

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
    return effective_keys(binding_id, default, keymap_of(app)).split(",")[0]


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


def key_rows(app: App | type[App] | None = None) -> list[KeyRow]:
    """Every key the user can press, grouped, in GROUPS order (the console's own when
    `app` is None: its table, with no keymap)."""
    keymap = keymap_of(app) if app is not None else {}
    rows: list[KeyRow] = []

    def listed(scope: Scope, skip: Collection[str] = ()) -> None:
        for action in scope.actions:
            if action.key is not None and action.id not in skip:
                keys = effective_keys(action.id, action.key, keymap)
                rows.append(KeyRow(scope.group or action.group, keys, scope.prefix + action.description, action.id))

    # The app's keys from its BINDINGS (a subclass may add some), its words from the table.
    app_bindings = list(app.BINDINGS) if app is not None else APP.bindings()
    for bid, keys, binding in _bindings(app_bindings):
        known = app_action(bid or "")
        words = known.description if known else binding.description or binding.tooltip or binding.action
        rows.append(KeyRow(known.group if known else "Conversation", effective_keys(bid, keys, keymap), words, bid))

    # Textual's own keys, which no BINDINGS list of ours shows.
    actions = {b.action for _, _, b in _bindings(app_bindings)}
    if "quit" not in actions:
        rows.append(KeyRow("Conversation", "ctrl+q", "Quit", None))
    if app is None or app.ENABLE_COMMAND_PALETTE:
        rows.append(KeyRow("Screens", (app if app is not None else App).COMMAND_PALETTE_BINDING, "Command palette: every action", None))
    rows.append(KeyRow("Screens", "tab,shift+tab", "Next / previous field", None))

    for scope in SCREENS:
        listed(scope)

    # The prompt's PageUp/PageDown share the app's ids (and rows): one remap moves both.
    listed(PROMPT, skip={bid for bid, _, _ in _bindings(app_bindings)})
    # History walking is done in PromptArea._on_key, not by bindings: not remappable.
    rows.append(KeyRow("Input", "up", "Earlier input (from first line)", None))
    rows.append(KeyRow("Input", "down", "Later input (from last line)", None))
    rows.append(KeyRow("Input", "ctrl+c", "Copy selection (or: how to quit)", None))

    order = {group: index for index, group in enumerate(GROUPS)}
    return sorted(rows, key=lambda row: order.get(row.group, len(order)))  # stable: keeps list order


def binding_ids(app: App | type[App] | None = None) -> list[str]:
    """Every remappable binding id, in the order F1 lists them (the console's own by default)."""
    return list(dict.fromkeys(row.binding_id for row in key_rows(app) if row.binding_id))
