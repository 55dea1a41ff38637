"""Pick the microphone and the speaker from what PortAudio sees."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from ...core.sanitize import safe_text

if TYPE_CHECKING:
    from ...core.audio.discovery import Device

from ..actions import DEVICES

DEFAULT = "__default__"


class DevicesListed(Message):
    """What the probe found: the devices, or why there are none (in words)."""

    def __init__(self, devices: list[Device], problem: str | None) -> None:
        super().__init__()
        self.devices = devices
        self.problem = problem


class DevicePickerScreen(ModalScreen["tuple[str | None, str | None] | None"]):
    """Enter on a list picks that device; ctrl+s applies both; Escape cancels."""

    DEFAULT_CSS = """
    DevicePickerScreen { align: center middle; }
    DevicePickerScreen > Vertical {
        width: 90%; max-width: 100; height: auto; max-height: 90%;
        border: round $primary; border-title-align: center; background: $surface; padding: 0 1;
    }
    DevicePickerScreen Horizontal { height: auto; max-height: 16; }
    DevicePickerScreen OptionList { width: 1fr; height: auto; max-height: 14; }
    DevicePickerScreen #note { color: $text-muted; }
    """

    BINDINGS = DEVICES.bindings()

    def __init__(self, input_device: str | None, output_device: str | None) -> None:
        super().__init__()
        self.choice: dict[str, str | None] = {"input": input_device, "output": output_device}

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Audio devices"
            yield Static("Looking for devices…", id="note", markup=False)
            with Horizontal():
                with Vertical():
                    yield Label("Microphone")
                    yield OptionList(id="input", markup=False)  # device names are the devices' own
                with Vertical():
                    yield Label("Speaker")
                    yield OptionList(id="output", markup=False)
            yield Static("Enter picks · tab switches list · ctrl+s applies · escape cancels", id="keys")

    def on_mount(self) -> None:
        self.load_devices()

    @work(thread=True, exit_on_error=False)
    def load_devices(self) -> None:
        """PortAudio probing takes a moment: off the UI's loop. A thread worker touches
        no widget: it posts what it found (post_message is thread-safe and never waits)."""
        from ...core.audio.discovery import list_devices
        from ...core.audio.portaudio import AudioUnavailable

        try:
            devices = list_devices()
            problem = None
        except AudioUnavailable as exc:
            devices, problem = [], str(exc)
        if not get_current_worker().is_cancelled:
            self.post_message(DevicesListed(devices, problem))

    def on_devices_listed(self, message: DevicesListed) -> None:
        self._show(message.devices, message.problem)

    def _show(self, devices: list[Device], problem: str | None) -> None:
        note = self.query_one("#note", Static)
        note.update(safe_text(problem) if problem else "Pick a device in each list; ✓ marks the current choice, * the system default.")
        for kind in ("input", "output"):
            options = self.query_one(f"#{kind}", OptionList)
            options.clear_options()
            current = self.choice[kind]
            options.add_option(Option(("✓ " if current is None else "  ") + "system default", id=DEFAULT))
            for d in devices:
                if d.channels(kind) <= 0:
                    continue
                default = d.is_default_input if kind == "input" else d.is_default_output
                mark = "✓ " if current in (str(d.index), d.name) else "  "
                # A device names itself: plain text (markup off), escapes shown, not obeyed.
                options.add_option(Option(f"{mark}{d.index}: {safe_text(d.name)}{' *' if default else ''}", id=str(d.index)))
        self.query_one("#input", OptionList).focus()

    @on(OptionList.OptionSelected)
    def picked(self, event: OptionList.OptionSelected) -> None:
        kind = event.option_list.id or "input"
        self.choice[kind] = None if event.option.id == DEFAULT else event.option.id
        if kind == "input":
            self.query_one("#output", OptionList).focus()
        else:
            self.action_apply()

    def action_apply(self) -> None:
        self.dismiss((self.choice["input"], self.choice["output"]))

    def action_cancel(self) -> None:
        self.dismiss(None)
