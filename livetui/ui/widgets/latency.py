"""The session's latency, under the token counter: median and p95 of each measure
(core/latency.py; the README's Latency section says from which moment to which)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from ...core.latency import LatencySummary, Stat, ms_label

# Each measure's row: (its label, what it measures, for the tooltip).
ROWS = (
    ("text", "text", "end of your turn → the answer's first text"),
    ("audio", "heard", "end of your turn → the answer's first audio heard"),
    ("tool", "tool", "tool call → its result sent"),
    ("resume", "reply", "tool result sent → the model speaking again"),
)


class LatencyPane(Static):
    """Compact: one row a measure taken so far (label, median, p95, count)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.border_title = "Latency · median · p95"
        self.summary = LatencySummary()

    def on_mount(self) -> None:
        self.show(self.summary)

    def show(self, summary: LatencySummary) -> None:
        self.summary = summary
        if summary.empty:
            self.update(Text("no answer timed yet", style="dim"))
            self.tooltip = None
            return
        table = Table.grid(padding=(0, 1))
        table.add_column(style="dim")
        table.add_column(justify="right")
        table.add_column(justify="right")
        table.add_column(justify="right", style="dim")
        tips = []
        for field, label, words in ROWS:
            stat: Stat = getattr(summary, field)
            if stat.count and stat.median_s is not None and stat.p95_s is not None:
                table.add_row(label, ms_label(stat.median_s), ms_label(stat.p95_s), f"×{stat.count}")
                tips.append(f"{label}: {words}")
        self.update(table)
        self.tooltip = "\n".join(tips)
