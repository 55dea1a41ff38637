"""Level meters: microphone in, speaker out, one line each.

Levels are pulled by a timer (never pushed per audio block) and quantized to whole
cells, so an unchanged bar costs no repaint and no bytes over SSH.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.widget import Widget

from ..tones import HOT, OK, tone

FLOOR_DB = -60.0  # the bar's left edge; anything quieter shows as empty

LevelSource = Callable[[], "float | None"]  # dBFS now, or None when there is no device


def cells_for(level_db: float | None, width: int) -> int:
    if level_db is None or width <= 0:
        return 0
    fraction = (max(FLOOR_DB, min(0.0, level_db)) - FLOOR_DB) / -FLOOR_DB
    return round(fraction * width)


class LevelMeter(Widget):
    DEFAULT_CSS = "LevelMeter { height: 1; }"

    def __init__(self, label: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.label = label
        self._cells = 0
        self._idle_text = "idle"
        self.level_db: float | None = None

    @property
    def bar_width(self) -> int:
        return max(0, self.size.width - len(self.label) - 2)

    def set_level(self, level_db: float | None, idle_text: str = "idle") -> bool:
        """Repaints only when the bar would look different; says whether it did."""
        if level_db == self.level_db and (level_db is not None or idle_text == self._idle_text):
            return False  # the same reading (silence, a muted mic): not even the width is looked up
        was_idle = self.level_db is None
        self.level_db = level_db
        cells = cells_for(level_db, self.bar_width)
        # (an empty bar and the idle text both have 0 cells: the switch between them counts)
        if cells != self._cells or was_idle != (level_db is None) or (level_db is None and idle_text != self._idle_text):
            self._cells = cells
            self._idle_text = idle_text
            self.refresh()
            return True
        return False

    def on_resize(self) -> None:
        self._cells = cells_for(self.level_db, self.bar_width)  # an unchanged reading is not set again

    def render(self) -> Text:
        text = Text()
        text.append(f"{self.label} ", style="bold")
        if self.level_db is None:
            text.append(self._idle_text, style="dim")
            return text
        width = self.bar_width
        hot = int(width * 0.85)  # the last cells warn of clipping
        level, clipping = tone(self, OK), tone(self, HOT)  # the theme's, read at each paint
        for i in range(width):
            if i < self._cells:
                text.append("▮", style=clipping if i >= hot else level)
            else:
                text.append("·", style="dim")
        return text
