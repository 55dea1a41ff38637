"""The token counter: the last turn and the session, from usage_metadata."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from ...core.usage import UsageTotals


def _modalities(by_modality) -> str:
    return " ".join(f"{name[:1]}{name[1:].lower()} {count:,}" for name, count in sorted(by_modality.items()) if count)


def context_gauge(in_context: int, trigger: int, width: int = 10) -> Text:
    """Tokens in context (the last turn's prompt plus its answer) against the
    compression trigger: a full gauge means the oldest turns are about to go."""
    fraction = max(0.0, min(1.0, in_context / trigger))
    cells = round(fraction * width)
    text = Text("ctx ", style="dim")
    text.append("▮" * cells, style="yellow" if fraction > 0.8 else "cyan")
    text.append("·" * (width - cells), style="dim")
    text.append(f" {fraction:.0%} of {trigger // 1000}k", style="dim")
    return text


class TokenCounter(Static):
    def __init__(self, trigger_tokens: int = 0, **kwargs) -> None:
        super().__init__(**kwargs)
        self.border_title = "Tokens"
        self.totals = UsageTotals()
        self.trigger_tokens = trigger_tokens  # where the service starts dropping old turns

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
            if totals.thoughts:  # reasoning is billed as output, but is not the answer
                detail.append(f"{chr(10) if detail else ''}thoughts {totals.thoughts:,}", style="dim")
        group = Table.grid()
        group.add_row(table)
        if self.trigger_tokens and last is not None:
            group.add_row(context_gauge(last.total, self.trigger_tokens))
        if detail:
            group.add_row(detail)
        self.update(group)
