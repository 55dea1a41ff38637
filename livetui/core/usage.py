"""Session token totals, behind the console's token counter."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .events import Usage


@dataclass(frozen=True)
class UsageTotals:
    """What a session has spent so far: one `add` per turn's Usage.

    The Live API reports promptTokenCount per turn as the whole context it
    processed for that turn (history included), and each turn is billed for it,
    so summing prompt counts over turns is what the session costs, even though
    the same history is counted again in every turn.
    """

    turns: int = 0
    last: Usage | None = None  # the last turn's usage
    prompt: int = 0
    response: int = 0
    total: int = 0
    thoughts: int = 0  # reasoning tokens (billed as output), apart from the answer's
    tool_use_prompt: int = 0  # function responses the model read
    prompt_by_modality: Mapping[str, int] = field(default_factory=dict)
    response_by_modality: Mapping[str, int] = field(default_factory=dict)
    cached: int = 0  # of the prompt tokens, those read from a cache (billed at the cached price)

    def add(self, usage: Usage) -> UsageTotals:
        """New totals including `usage`; self is left as it was."""
        return UsageTotals(
            turns=self.turns + 1,
            last=usage,
            prompt=self.prompt + usage.prompt,
            response=self.response + usage.response,
            total=self.total + usage.total,
            thoughts=self.thoughts + usage.thoughts,
            tool_use_prompt=self.tool_use_prompt + usage.tool_use_prompt,
            prompt_by_modality=_sum_counts(self.prompt_by_modality, usage.prompt_by_modality),
            response_by_modality=_sum_counts(self.response_by_modality, usage.response_by_modality),
            cached=self.cached + usage.cached,
        )


def _sum_counts(a: Mapping[str, int], b: Mapping[str, int]) -> dict[str, int]:
    summed = dict(a)
    for key, count in b.items():
        summed[key] = summed.get(key, 0) + count
    return summed
