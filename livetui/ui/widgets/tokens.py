"""The token counter: the last turn and the session, from usage_metadata."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from ...core.usage import UsageTotals


def _modalities(by_modality) -> str:
    return " ".join(f"{name[:1]}{name[1:].lower()} {count:,}" for name, count in sorted(by_modality.items()) if count)


class TokenCounter(Static):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.border_title = "Tokens"
        self.totals = UsageTotals()

    def on_mount(self) -> None:
        self.show(self.totals)

    def show(self, totals: UsageTotals) -> None:
        self.totals = totals
        table = Table.grid(padding=(0, 1))
        table.add_column(style="dim")
        table.add_column(justify="right")
        table.add_column(justify="right")
        table.add_column(justify="right")
        table.add_row("", Text("prompt", style="dim"), Text("resp", style="dim"), Text("total", style="dim"))
        last = totals.last
        if last is None:
            table.add_row("last", "-", "-", "-")
        else:
            table.add_row("last", f"{last.prompt:,}", f"{last.response:,}", f"{last.total:,}")
        table.add_row("session", f"{totals.prompt:,}", f"{totals.response:,}", f"{totals.total:,}")
        detail = Text()
        if totals.turns:
            prompt = _modalities(totals.prompt_by_modality)
            response = _modalities(totals.response_by_modality)
            if prompt:
                detail.append(f"in  {prompt}\n", style="dim")
            if response:
                detail.append(f"out {response}", style="dim")
        group = Table.grid()
        group.add_row(table)
        if detail:
            group.add_row(detail)
        self.update(group)
