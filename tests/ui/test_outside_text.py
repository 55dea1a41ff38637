"""Outside text on every screen: made safe once where it enters (the service's error words,
the event log, device and model names, transcripts read back), and never read as markup
(toasts, the chat's user turns, the device picker): "[/]" in any of them used to end the
console with a MarkupError traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.app import App
from textual.content import Content
from textual.markup import MarkupError
from textual.widgets import OptionList

from livetui.core.audio import discovery
from livetui.core.eventlog import EventLog
from livetui.core.events import SessionError
from livetui.core.livemodels import _entry
from livetui.core.sanitize import safe_text
from livetui.core.settings import Settings
from livetui.core.store import load
from livetui.ui.app import LiveTuiApp
from livetui.ui.screens.devices import DevicePickerScreen
from livetui.ui.widgets.chat import UserMessage

from .helpers import type_and_send, until

HOSTILE = "[/] [@click=app.quit]q[/] \x1b]0;pwned\x07 \x9b2J \u202eexe"
SHOWN = "[/] [@click=app.quit]q[/] ␛]0;pwned␇ <U+009B>2J <U+202E>exe"


def test_where_outside_text_enters_it_is_made_safe(tmp_path: Path):
    assert SessionError(HOSTILE, code=1011).message == SHOWN  # a close reason, a library's error
    log = EventLog()
    log.add("info", "kind\x1b[2J", 1, HOSTILE)
    [entry] = log.entries()
    assert (entry.kind, entry.summary) == ("kind␛[2J", SHOWN)
    model = _entry("models/x\x1b]0;t\x07", "Nice \x1b[2Jmodel\u202e")
    assert (model.name, model.display_name) == ("x␛]0;t␇", "Nice ␛[2Jmodel<U+202E>")
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"v": 1, "t": "2026-01-02T03:04:05+00:00", "kind": "start", "model": HOSTILE, "modality": "TEXT", "service": HOSTILE}) + "\n")
    loaded = load(path)
    assert loaded.settings.model == SHOWN and loaded.settings.service == SHOWN


async def test_a_toast_with_markup_and_escape_codes_is_plain_text(backend):
    app = LiveTuiApp(Settings(), backend, audio=False)
    async with app.run_test(size=(100, 30)) as pilot:
        app.notify(f"Cannot open {HOSTILE}", title=HOSTILE, severity="error")
        app.screen.notify(HOSTILE)  # a screen's toast comes the same way
        await pilot.pause()
        shown = [(n.message, n.title, n.markup) for n in app._notifications]
        assert shown == [(f"Cannot open {SHOWN}", SHOWN, False), (SHOWN, "", False)]
        with pytest.raises(MarkupError):  # what a toast did with it when read as markup
            Content.from_markup(SHOWN)


async def test_a_typed_turn_is_text_not_markup(backend):
    app = LiveTuiApp(Settings(), backend, audio=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.session.connected.is_set(), what="connected")
        await type_and_send(pilot, "a [b]bold[/b] and [/] and [@click=app.quit]q[/]")
        await until(pilot, lambda: app.query(UserMessage), what="the turn")
        await pilot.pause()
        assert str(app.query_one(UserMessage).render()) == "a [b]bold[/b] and [/] and [@click=app.quit]q[/]"
        assert app.is_running and app._exception is None


class PickerHost(App):
    def on_mount(self) -> None:
        self.push_screen(DevicePickerScreen(None, None))


async def test_device_names_are_shown_as_they_are_named_safely(monkeypatch: pytest.MonkeyPatch):
    hostile = discovery.Device(index=0, name=safe_text("[/]Mic\x1b]0;pwned\x07"), max_input_channels=1, max_output_channels=1,
                             default_rate=48000.0, is_default_input=True, is_default_output=True)
    monkeypatch.setattr(discovery, "list_devices", lambda: [hostile])
    app = PickerHost()
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.screen.query_one("#input", OptionList).option_count > 1, what="the devices")
        option = app.screen.query_one("#input", OptionList).get_option_at_index(1)
        assert "[/]Mic␛]0;pwned␇" in str(option.prompt)
        await pilot.pause()
        assert app.is_running and app._exception is None
