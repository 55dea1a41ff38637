"""The session's latency, under the token counter: median and p95 of each measure
(core/latency.py; the README's Latency section says from which moment to which).

Quiet and small: nothing until an answer is timed; then a row a measure under a
one-line title. In a short terminal (80x24 has no row to spare) one row only: the
headline measure (first audio heard when there is one, else first text); the
tooltip has them all."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from ...core.latency import LatencySummary, Stat, ms_label

# Each measure's row: (its field in the summary, its label, what it measures).
ROWS = (
    ("text", "text", "end of your turn → the answer's first text"),
    ("audio", "heard", "end of your turn → the answer's first audio heard"),
    ("tool", "tool", "tool call → its result sent"),
    ("resume", "reply", "tool result sent → the model speaking again"),
)


COMPACT_WIDTH = 30  # the sidebar's inside: the one line never wraps


class LatencyPane(Static):
    DEFAULT_CSS = """
    LatencyPane { height: auto; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.border_title = "Latency · median · p95"
        self.summary = LatencySummary()
        self._compact = False

    def on_mount(self) -> None:
        self.show(self.summary)

    @property
    def compact(self) -> bool:
        return self._compact

    @compact.setter
    def compact(self, compact: bool) -> None:
        if compact != self._compact:
            self._compact = compact
            self.set_class(compact, "-compact")
            self.show(self.summary)

    def rows(self) -> list[tuple[str, Stat, str]]:
        """The measures taken so far: (label, stat, words)."""
        out = []
        for name, label, words in ROWS:
            stat: Stat = getattr(self.summary, name)
            if stat.count and stat.median_s is not None and stat.p95_s is not None:
                out.append((label, stat, words))
        return out

    def show(self, summary: LatencySummary) -> None:
        self.summary = summary
        rows = self.rows()
        self.display = bool(rows)
        if not rows:
            return
        self.tooltip = "\n".join(
            f"{label}: {words} — median {ms_label(s.median_s or 0)}, p95 {ms_label(s.p95_s or 0)}, {s.count} measured"
            for label, s, words in rows
        )
        if self._compact:
            heard = [r for r in rows if r[0] == "heard"]
            label, stat, _ = (heard or rows)[0]
            line = Text("latency ", style="dim")
            line.append(ms_label(stat.median_s or 0))
            line.append(f" p95 {ms_label(stat.p95_s or 0)} ×{stat.count}", style="dim")
            if len(line) + len(label) < COMPACT_WIDTH:
                line.append(f" {label}", style="dim")
            self.update(line)
            return
        table = Table.grid(padding=(0, 1))
        table.add_column(style="dim")
        table.add_column(justify="right")
        table.add_column(justify="right")
        table.add_column(justify="right", style="dim")
        for label, stat, _ in rows:
            table.add_row(label, ms_label(stat.median_s or 0), ms_label(stat.p95_s or 0), f"×{stat.count}")
        self.update(table)
