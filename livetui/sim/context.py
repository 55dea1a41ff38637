"""The conversation as the simulated model sees it: items, token counts, compression."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from .reply import Turn
from .tokens import text_tokens

Modality = Literal["TEXT", "AUDIO"]


@dataclass(frozen=True)
class Item:
    role: Literal["user", "model"]
    text: str  # what was said (for audio: what was recognised or spoken)
    modality: Modality = "TEXT"
    tokens: int = 0


def text_item(role: Literal["user", "model"], text: str) -> Item:
    return Item(role=role, text=text, modality="TEXT", tokens=text_tokens(text))


@dataclass
class Context:
    system_instruction: str = ""
    items: list[Item] = field(default_factory=list)

    def add(self, item: Item) -> None:
        self.items.append(item)

    def replace_last_model(self, text: str, tokens: int) -> None:
        """Keep only what the user really heard of the last answer (after a barge-in)."""
        for i in range(len(self.items) - 1, -1, -1):
            if self.items[i].role == "model":
                self.items[i] = replace(self.items[i], text=text, tokens=tokens)
                return

    def turns(self) -> list[Turn]:
        return [Turn(role=item.role, text=item.text) for item in self.items]

    def tokens_by_modality(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        system = text_tokens(self.system_instruction)
        if system:
            counts["TEXT"] = system
        for item in self.items:
            counts[item.modality] = counts.get(item.modality, 0) + item.tokens
        return counts

    def total_tokens(self) -> int:
        return sum(self.tokens_by_modality().values())

    def compress(self, trigger_tokens: int, target_tokens: int) -> int:
        """Sliding window: past `trigger_tokens`, drop the oldest items down to
        `target_tokens`. Returns how many items were dropped."""
        if self.total_tokens() <= trigger_tokens:
            return 0
        dropped = 0
        while self.items and self.total_tokens() > target_tokens:
            self.items.pop(0)
            dropped += 1
        return dropped

    def snapshot(self) -> "Context":
        return Context(system_instruction=self.system_instruction, items=list(self.items))
