"""The device picker, in a tiny host app, driven by keys."""

from __future__ import annotations

from textual.app import App
from textual.widgets import OptionList

from livetui.ui.screens.devices import DevicePickerScreen

from .helpers import until


class Host(App):
    def __init__(self) -> None:
        super().__init__()
        self.result: object = "unset"

    def on_mount(self) -> None:
        self.push_screen(DevicePickerScreen("3", None), self._done)

    def _done(self, result: object) -> None:
        self.result = result


def loaded(app: Host) -> bool:
    return isinstance(app.screen, DevicePickerScreen) and app.screen.query_one("#output", OptionList).option_count > 0


async def test_picking_the_defaults_by_keys():
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: loaded(app), what="the device lists")
        first = app.screen.query_one("#input", OptionList).get_option_at_index(0)
        assert "system default" in str(first.prompt)
        await pilot.press("home", "enter")  # microphone: system default; focus moves on
        await pilot.press("home", "enter")  # speaker: system default; applies
        await until(pilot, lambda: app.result != "unset", what="a result")
    assert app.result == (None, None)


async def test_escape_keeps_everything():
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: loaded(app))
        await pilot.press("escape")
        await until(pilot, lambda: app.result != "unset")
    assert app.result is None


async def test_ctrl_s_applies_the_current_choice():
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: loaded(app))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.result != "unset")
    assert app.result == ("3", None)


# A driver or sound server names its own devices: outside text. PortAudio on the test
# machine cannot be made to report such a name, so the listing is stood in for here.
HOSTILE = "Mic [/x] [b]loud\x1b]0;pwned\x07"


async def test_device_names_are_shown_as_text_not_markup_or_escapes(monkeypatch):
    from livetui.core.audio import discovery

    mic = discovery.Device(7, HOSTILE, 1, 0, 48000.0, is_default_input=False, is_default_output=False)
    monkeypatch.setattr(discovery, "list_devices", lambda: [mic])
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: loaded(app) and app.screen.query_one("#input", OptionList).option_count == 2)
        shown = str(app.screen.query_one("#input", OptionList).get_option_at_index(1).prompt)
        assert "Mic [/x] [b]loud␛]0;pwned␇" in shown  # the brackets as typed, the escape as a picture
        await pilot.press("end", "enter", "ctrl+s")  # drawn and picked without a markup error
        await until(pilot, lambda: app.result != "unset")
    assert app.result == ("7", None)


async def test_a_problem_is_shown_as_text(monkeypatch):
    from livetui.core.audio import discovery
    from livetui.core.audio.portaudio import AudioUnavailable

    def refuse() -> list:
        raise AudioUnavailable("PortAudio could not start: [/oops]\x1b[2J")

    monkeypatch.setattr(discovery, "list_devices", refuse)
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: loaded(app))
        note = app.screen.query_one("#note")
        assert "PortAudio could not start: [/oops]␛[2J" in str(note.render())
