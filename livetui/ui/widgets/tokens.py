"""The token counter: the last turn and the session, from usage_metadata, and what they cost."""

from __future__ import annotations

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from ...core.cost import Cost, cost_of
from ...core.prices import PriceTable, price_table, shipped_prices
from ...core.usage import UsageTotals
from ..tones import BUSY, INFO, tone


def _modalities(by_modality) -> str:
    return " ".join(f"{name[:1]}{name[1:].lower()} {count:,}" for name, count in sorted(by_modality.items()) if count)


def context_gauge(in_context: int, trigger: int, width: int = 10, tones: tuple[Style | str, Style | str] = ("", "")) -> Text:
    """Tokens in context (the last turn's prompt plus its answer) against the
    compression trigger: a full gauge means the oldest turns are about to go.
    `tones`: (filling, nearly full), the theme's in the widget."""
    fraction = max(0.0, min(1.0, in_context / trigger))
    cells = round(fraction * width)
    text = Text("ctx ", style="dim")
    text.append("▮" * cells, style=tones[1] if fraction > 0.8 else tones[0])
    text.append("·" * (width - cells), style="dim")
    text.append(f" {fraction:.0%} of {trigger // 1000}k", style="dim")
    return text


class TokenCounter(Static):
    def __init__(self, trigger_tokens: int = 0, **kwargs) -> None:
        super().__init__(**kwargs)
        self.border_title = "Tokens"
        self.totals = UsageTotals()
        self.last_cost: Cost | None = None  # what the cost line shows (read by tests)
        self.session_cost: Cost | None = None
        self.trigger_tokens = trigger_tokens  # where the service starts dropping old turns

    def on_mount(self) -> None:
        self.show(self.totals)
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.show(self.totals))  # its colours are the theme's

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
            group.add_row(context_gauge(last.total, self.trigger_tokens, tones=(tone(self, INFO), tone(self, BUSY))))
        if detail:
            group.add_row(detail)
        group.add_row(self._cost_line(totals))
        self.update(group)

    # -- cost (core.cost) ------------------------------------------------------------

    def _pricing(self) -> tuple[str | None, PriceTable]:
        """The model now in use and the prices ([prices] on top of the shipped table)."""
        settings = getattr(self.app, "settings", None)
        return (settings.model if settings is not None else None), app_prices(self.app)

    def _cost_line(self, totals: UsageTotals) -> Text:
        """One line: the last turn's cost · the session's, as the rows above; the prices'
        date on the border, the details in the tooltip."""
        model, table = self._pricing()
        session = cost_of(totals, model, table)
        last = cost_of(totals.last, model, table) if totals.last is not None else None
        self.last_cost, self.session_cost = last, session
        entry = table.get(model)
        self.border_subtitle = table.dated(model) if entry is not None else ""
        self.tooltip = cost_tooltip(model, table, last, session)
        line = Text("cost ", style="dim")
        if not session.known:
            line.append("unknown", style=tone(self, BUSY))
            line.append(": no price" if entry is None else ": a price is missing", style="dim")
            return line
        if last is None:  # nothing counted yet
            line.append("-")
            return line
        line.append(last.text())
        line.append(" · ", style="dim")
        line.append(session.text())
        return line


def app_prices(app: object) -> PriceTable:
    """The prices the app counts with: [prices] from its settings on top of the shipped
    table (just the shipped table in a host without settings, such as a screen's test)."""
    settings = getattr(app, "settings", None)
    return price_table(settings.prices) if settings is not None else shipped_prices()


def cost_tooltip(model: str | None, table: PriceTable, last: Cost | None, session: Cost) -> str:
    """What the cost line means, where its prices come from, and what it could not count."""
    entry = table.get(model)
    lines = ["Cost: last turn · session, in US dollars (~ estimated)."]
    if entry is None:
        lines.append(f"No price known for {model or 'this model'}: add it under [prices] in config.toml.")
        return "\n".join(lines)
    origin = "your [prices] in config.toml" if entry.yours else f"the table of {table.date}"
    lines.append(f"{model}: {origin}" + ("" if entry.official else ", not Google's official prices") + ".")
    if entry.source:
        lines.append(f"Source: {entry.source}")
    for cost in (session, last):
        if cost is not None and not cost.known:
            lines.append(f"Unknown: {cost.unknown}.")
            break
    lines += [f"· {note}" for note in session.notes]
    return "\n".join(lines)
