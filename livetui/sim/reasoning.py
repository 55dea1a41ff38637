"""How the simulated model reasons: background work, thought parts, asynchronous calls.

What the pages describe, reduced to something deterministic:
- `gemini-3.8-live-extended-thinking` reasons in the background on every request: it
  speaks a short filler first, then the answer in a generation of its own. Every
  turnComplete of the request carries `interactionStatus` IN_PROGRESS, the last one IDLE
  (the SDK's `receive()` ends only on IDLE).
- A model that thinks (background reasoning, or a setup that asked for thinking) counts
  the tokens of its reasoning in `thoughtsTokenCount`; with `include_thoughts` it also
  sends that reasoning as text parts marked `thought: true`.
- On the 3.8 models a function call is NON_BLOCKING unless declared BLOCKING: the model
  keeps talking ("I'll check that.") and speaks the result when the client sends it, as
  the FunctionResponse's `scheduling` says (INTERRUPT, WHEN_IDLE — the default — or SILENT).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .models import lookup
from .tokens import text_tokens
from .wire import field

FILLER = "Let me think about that."
CALL_FILLER = "I'll check that."
SCHEDULINGS = ("INTERRUPT", "WHEN_IDLE", "SILENT")
DEFAULT_SCHEDULING = "WHEN_IDLE"  # the SDK's FunctionResponseScheduling docstring

# Models whose function calls are NON_BLOCKING unless declared BLOCKING. The 2.5 native
# audio model also runs NON_BLOCKING calls, but only those declared so.
_ASYNC_BY_DEFAULT = frozenset({"gemini-3.8-live", "gemini-3.8-live-extended-thinking"})


@dataclass(frozen=True)
class Reasoning:
    """What one session's model does beyond answering: read once at setup."""

    background: bool = False  # fillers and interactionStatus IN_PROGRESS ... IDLE
    thinks: bool = False  # reasons before answering: thoughtsTokenCount in usage
    include_thoughts: bool = False  # ... and sends its reasoning as thought parts
    async_calls: bool = False  # NON_BLOCKING unless a declaration says BLOCKING
    async_allowed: bool = False  # a declaration may ask for NON_BLOCKING

    @classmethod
    def from_setup(cls, setup: Mapping[str, Any]) -> Reasoning:
        model = lookup(str(field(setup, "model") or ""), retired=True)
        if model is None:  # refused at setup by the catalogue; nothing extra to do
            return cls()
        thinking = field(field(setup, "generationConfig"), "thinkingConfig")
        # Any thinking config asks for thinking, except a budget of 0 (thinking off).
        asked = isinstance(thinking, Mapping) and bool(thinking) and field(thinking, "thinkingBudget") != 0
        thinks = model.background or (asked and model.thinking != "none")
        return cls(
            background=model.background,
            thinks=thinks,
            include_thoughts=thinks and model.thoughts and field(thinking, "includeThoughts") is True,
            async_calls=model.name in _ASYNC_BY_DEFAULT,
            async_allowed=model.calls == "async",
        )

    def non_blocking(self, declared: str) -> bool:
        """Whether a call to a function declared with `behavior` = `declared` runs NON_BLOCKING."""
        declared = declared.upper()
        if declared == "NON_BLOCKING":
            return self.async_allowed
        return self.async_calls and declared != "BLOCKING"


def thought_text(user_text: str) -> str:
    """The model's reasoning about a request, as a thought summary would put it."""
    asked = " ".join(user_text.split())
    if len(asked) > 60:
        asked = asked[:59] + "…"
    if not asked:
        return "**Listening.** Nothing was made out; I should ask the user to repeat."
    return f"**Working out the answer.** The user asks: {asked} I should answer briefly and plainly."


def thought_tokens(thoughts: str) -> int:
    # The real model reasons far more than its summary says: a plausible multiple.
    return 4 * text_tokens(thoughts)


def scheduling(item: Any) -> str:
    value = str(field(item, "scheduling") or DEFAULT_SCHEDULING).upper()
    return value if value in SCHEDULINGS else DEFAULT_SCHEDULING


def tool_use_tokens(response: Any) -> int:
    """Tokens of a function response the model read before answering."""
    return text_tokens(json.dumps(response, separators=(",", ":"), sort_keys=True, default=str))
