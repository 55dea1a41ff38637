"""The status bar: connection, a WAV file being sent, model, modality, VAD, and which service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from rich.text import Text
from textual.widgets import Static

from ..tones import BUSY, FAILED, HOT, INFO, OK, tone

STATE_STYLE = {  # the theme's colours (ui/tones.py)
    "connecting": BUSY,
    "connected": OK,
    "reconnecting": BUSY,
    "closed": "dim",
    "failed": FAILED,
}


@dataclass(frozen=True)
class Status:
    state: str = "connecting"
    work: str = ""  # e.g. "still working…" while the model reasons in the background
    sending: str = ""  # e.g. "sending talk.wav 0:12 / 1:45:03" while a /wav streams
    service: str = ""
    model: str = ""
    modality: str = "TEXT"
    vad: str = "auto"
    note: str = ""  # e.g. "speaker muted"
    mic: str = ""  # e.g. "mic live · headset"
    wait: str = ""  # e.g. "connecting… 4 s", "waiting for the reply… 3 s" (core.pending)
    saving: str = ""  # e.g. "⚠ not saving: disk full", while the transcript cannot be written


class StatusBar(Static):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.status = Status()

    def set(self, **changes: str) -> None:
        status = replace(self.status, **changes)
        if status != self.status:  # no repaint, no bytes, when nothing changed
            self.status = status
            self.update(self._render_status())

    def on_mount(self) -> None:
        self.update(self._render_status())
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.update(self._render_status()))

    def follow(self, wait: Callable[[], str]) -> None:
        """Show `wait()` (how long the service keeps us waiting) twice a second; unchanged text costs nothing."""
        self.set_interval(0.5, lambda: self.set(wait=wait()))

    def _stop_key(self) -> str | None:
        """The key that stops a /wav (the app's cut_in) as the footer shows keys, remapped if
        remapped; None when no key reaches it now (e.g. remapped to one the prompt takes)."""
        for active in self.screen.active_bindings.values():
            if active.binding.action == "cut_in":
                return self.app.get_key_display(active.binding)
        return None

    def _render_status(self) -> Text:
        """Most important first, so a narrow terminal loses the model name, not the state."""
        s = self.status
        text = Text(no_wrap=True, overflow="ellipsis")
        style = tone(self, STATE_STYLE.get(s.state, ""))
        text.append("● ", style=style)
        # While connecting the wait replaces the state ("connecting… 4 s"); once connected it follows it.
        connected = s.state == "connected"
        text.append(s.wait if s.wait and not connected else s.state, style=style)
        if s.wait and connected:
            text.append(" │ ", style="dim")
            text.append(s.wait, style=tone(self, f"italic {BUSY}"))
        if s.saving:  # right after the state: a narrow terminal must still show it
            text.append(" │ ", style="dim")
            text.append(s.saving, style=tone(self, FAILED))
        if s.work:
            text.append(" │ ", style="dim")
            text.append(s.work, style=tone(self, f"italic {BUSY}"))
        if s.sending:
            text.append(" │ ", style="dim")
            text.append(s.sending, style=tone(self, f"bold {INFO}"))
            if key := self._stop_key():
                text.append(f" {key} stops", style="dim")
        talking, live = s.mic.startswith("TALKING"), s.mic.startswith("mic live")
        mic_style = tone(self, f"bold reverse {HOT}") if talking else tone(self, f"bold {OK}") if live else ""
        for part, style in ((s.modality, "bold"), (s.mic, mic_style), (f"VAD {s.vad}", ""), (s.note, "italic"), (s.service, "bold"), (s.model, "dim")):
            if part:
                text.append(" │ ", style="dim")
                text.append(part, style=style)
        return text
