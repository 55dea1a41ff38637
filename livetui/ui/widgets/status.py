"""The status bar: connection, model, modality, VAD, and which service."""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich.text import Text
from textual.widgets import Static

STATE_STYLE = {
    "connecting": "yellow",
    "connected": "green",
    "reconnecting": "yellow",
    "closed": "dim",
    "failed": "bold red",
}


@dataclass(frozen=True)
class Status:
    state: str = "connecting"
    work: str = ""  # e.g. "still working…" while the model reasons in the background
    service: str = ""
    model: str = ""
    modality: str = "TEXT"
    vad: str = "auto"
    note: str = ""  # e.g. "speaker muted"
    mic: str = ""  # e.g. "mic live · headset"
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

    def _render_status(self) -> Text:
        """Most important first, so a narrow terminal loses the model name, not the state."""
        s = self.status
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("● ", style=STATE_STYLE.get(s.state, ""))
        text.append(s.state, style=STATE_STYLE.get(s.state, ""))
        if s.saving:  # right after the state: a narrow terminal must still show it
            text.append(" │ ", style="dim")
            text.append(s.saving, style="bold red")
        if s.work:
            text.append(" │ ", style="dim")
            text.append(s.work, style="italic yellow")
        mic_style = "bold reverse red" if s.mic.startswith("TALKING") else ("bold green" if s.mic.startswith("mic live") else "")
        for part, style in ((s.modality, "bold"), (s.mic, mic_style), (f"VAD {s.vad}", ""), (s.note, "italic"), (s.service, "bold"), (s.model, "dim")):
            if part:
                text.append(" │ ", style="dim")
                text.append(part, style=style)
        return text
