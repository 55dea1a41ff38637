"""What usage costs, from usageMetadata and the price table (core.prices).

Counted per modality from promptTokensDetails / responseTokensDetails, plus
thoughtsTokenCount (billed as output) and toolUsePromptTokenCount (billed as input text),
with cached prompt tokens at the cached price. The same arithmetic serves one turn's
Usage and a session's UsageTotals: every count is a sum over turns, and each turn is
billed for its whole prompt (see core.usage), so the session's cost is the cost of its sums.

Honest about what it does not know:
- a model without prices, or a modality without a price → `usd` None with the reason;
- prompt or response tokens that the details do not cover (no details at all, or fewer
  than the count, which the service does send) → counted at the text price and the cost
  marked estimated, with a note saying how many;
- cached tokens without a cached price → the full input price, estimated;
- prices not from Google's own page (core.prices: `official`) → estimated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from .prices import ModelPrices, PriceTable

__all__ = ["Cost", "Counted", "conversation_cost", "cost_of", "cost_summary", "format_usd", "sum_costs"]

PER = 1_000_000  # prices are per 1M tokens


class Counted(Protocol):
    """What a Usage and a UsageTotals both carry."""

    @property
    def prompt(self) -> int: ...
    @property
    def response(self) -> int: ...
    @property
    def cached(self) -> int: ...
    @property
    def thoughts(self) -> int: ...
    @property
    def tool_use_prompt(self) -> int: ...
    @property
    def prompt_by_modality(self) -> Mapping[str, int]: ...
    @property
    def response_by_modality(self) -> Mapping[str, int]: ...


@dataclass(frozen=True)
class Cost:
    usd: float | None  # None: unknown, `unknown` says why
    unknown: str = ""
    estimated: bool = False
    notes: tuple[str, ...] = ()

    @property
    def known(self) -> bool:
        return self.usd is not None

    def text(self) -> str:
        """ "$0.0123", "~$0.0123" when estimated, "unknown" when it is."""
        if self.usd is None:
            return "unknown"
        return ("~" if self.estimated else "") + format_usd(self.usd)


def format_usd(usd: float) -> str:
    """Dollars with the digits a small amount needs: $0.00041, $0.0123, $1.23."""
    if usd == 0:
        return "$0"
    if usd < 0.00001:
        return "<$0.00001"
    if usd < 0.01:
        return f"${usd:.5f}"
    if usd < 1:
        return f"${usd:.4f}"
    return f"${usd:,.2f}"


def cost_of(usage: Counted, model: str | None, table: PriceTable) -> Cost:
    """The cost of `usage` on `model` at `table`'s prices."""
    entry = table.get(model)
    if entry is None:
        return Cost(None, f"no price known for {model or 'this model'}")
    return _Counter(entry).count(usage)


def sum_costs(costs: Iterable[Cost]) -> Cost:
    """Several costs as one (a conversation that changed model): unknown if any is."""
    total, estimated, notes = 0.0, False, []
    for cost in costs:
        if cost.usd is None:
            return cost
        total += cost.usd
        estimated = estimated or cost.estimated
        notes += [n for n in cost.notes if n not in notes]
    return Cost(total, estimated=estimated, notes=tuple(notes))


class _Missing(Exception):
    pass


class _Counter:
    def __init__(self, entry: ModelPrices) -> None:
        self.entry = entry
        self.notes: list[str] = []
        self.estimated = not (entry.official or entry.yours)  # the user's own prices are theirs to trust

    def price(self, found: float | None, what: str) -> float:
        if found is None:
            raise _Missing(f"no {what} price for {self.entry.model}")
        return found

    def side(self, total: int, by_modality: Mapping[str, int], side: str) -> float:
        """Tokens of one side (input or output) priced by modality; the uncovered rest as text."""
        lookup = self.entry.input if side == "input" else self.entry.output
        usd, covered = 0.0, 0
        for modality, count in sorted(by_modality.items()):
            if count <= 0:
                continue
            covered += count
            name = "TEXT" if modality == "MODALITY_UNSPECIFIED" else modality
            if name != modality:
                self.uncovered(f"{count:,} {side} tokens of no stated modality, counted as text")
            usd += count * self.price(lookup(name), f"{name.lower()} {side}")
        rest = total - covered
        if rest > 0:
            why = "without per-modality detail" if not covered else "not in the per-modality detail"
            self.uncovered(f"{rest:,} {side} tokens {why}, counted as text")
            usd += rest * self.price(lookup("TEXT"), f"text {side}")
        return usd

    def uncovered(self, note: str) -> None:
        self.estimated = True
        self.notes.append(note)

    def count(self, usage: Counted) -> Cost:
        try:
            usd = self.side(usage.prompt, usage.prompt_by_modality, "input")
            usd += self.side(usage.response, usage.response_by_modality, "output")
            if usage.thoughts:
                usd += usage.thoughts * self.price(self.entry.thoughts(), "thoughts (output text)")
            if usage.tool_use_prompt:  # function responses the model read: input text
                usd += usage.tool_use_prompt * self.price(self.entry.input("TEXT"), "text input")
            if usage.cached:
                usd -= self.cached_discount(usage.cached)
        except _Missing as missing:
            return Cost(None, str(missing))
        return Cost(max(usd, 0.0) / PER, estimated=self.estimated, notes=tuple(self.notes))

    def cached_discount(self, cached: int) -> float:
        """Cached tokens are inside the prompt count, priced above at the input price."""
        price = self.entry.get("cached")
        if price is None:
            self.estimated = True
            self.notes.append(f"{cached:,} cached tokens at the full input price (no cached price)")
            return 0.0
        self.estimated = True  # the cache's modality split is not decoded: taken as text
        self.notes.append(f"{cached:,} cached tokens at the cached price, taken as text")
        text = self.price(self.entry.input("TEXT"), "text input")
        return cached * (text - price)


def conversation_cost(usage_by_model: Mapping[str | None, Counted], table: PriceTable) -> Cost:
    """A saved conversation's cost: its usage on each model it used, each at that model's
    prices; unknown if any part is (a model without prices, a missing price)."""
    return sum_costs(cost_of(usage, model, table) for model, usage in sorted(usage_by_model.items(), key=lambda kv: kv[0] or ""))


def cost_summary(cost: Cost, models: Iterable[str | None], table: PriceTable) -> str:
    """One line for a saved conversation: "~$0.0123 (prices of 2026-12-02)", or why unknown."""
    if cost.usd is None:
        return f"unknown ({cost.unknown})"
    dated = sorted({table.dated(model) for model in models})
    return f"{cost.text()} ({', '.join(dated)})" if dated else cost.text()
