"""What the simulated model is given and gives back: the conversation's turns, and a
reply (text, and maybe a function to call first)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Reply", "ToolPlan", "Turn"]


@dataclass(frozen=True)
class Turn:
    role: Literal["user", "model"]
    text: str


@dataclass(frozen=True)
class ToolPlan:
    name: str
    args: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Reply:
    text: str  # when tool is set, said AFTER the tool response (unless after_tool is set)
    tool: ToolPlan | None = None
    after_tool: str | None = None  # "{result}" -> JSON of the response, "{name}" -> function name
    # Measurement knobs from a script entry (see livetui.sim.script).
    tone_ms: int | None = None
    interrupt_after_ms: int | None = None
    turn_complete_delay_ms: int = 0
    # Google Search grounding (livetui.sim.search): the query searched, and where the
    # groundingMetadata goes ("before" the text, "after" it, "late": after turnComplete).
    search_query: str | None = None
    search_at: str = "after"

