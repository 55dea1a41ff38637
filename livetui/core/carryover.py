"""Carrying a conversation into a new session.

The Live API fixes the response modality per session, so switching TEXT/AUDIO
means opening a new session and replaying the context as `client_content` with
turn_complete=False (as the API guide describes for restoring context). A long
conversation is replayed as one shortened summary so the replay stays cheap.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Role = Literal["user", "model"]

SUMMARY_HEADER = "Summary of our conversation so far (earlier turns shortened):"
SHORT_TURN_CHARS = 80  # an older turn in the summary keeps at most this much
# Below this there is no room for the header and a useful recent turn.
MIN_BUDGET_CHARS = 200

_LABELS = {"user": "User", "model": "Model"}
_FIRST_SENTENCE = re.compile(r"(.+?[.!?])(?:\s|$)")


@dataclass(frozen=True)
class PastTurn:
    role: Role
    text: str  # typed text, model text, or the transcript of an audio turn


def carry_over_turns(turns: Sequence[PastTurn], budget_chars: int = 6000) -> list[dict]:
    """Content dicts for `session.send_client_content(turns=..., turn_complete=False)`.

    The text sent never exceeds `budget_chars`. If the conversation fits, it goes
    as alternating user/model turns (same-role neighbours merged, empty ones
    skipped); otherwise as one user message summarising it: the most recent turns
    whole while they fit in half the budget, older ones cut to their first
    sentence, the oldest dropped if even that is too long.
    """
    if budget_chars < MIN_BUDGET_CHARS:
        raise ValueError(f"budget_chars must be at least {MIN_BUDGET_CHARS}, not {budget_chars}")
    kept = [PastTurn(t.role, t.text.strip()) for t in turns if t.text.strip()]
    merged = _merge_same_role(kept)
    if sum(len(t.text) for t in merged) <= budget_chars:
        return [_content(t.role, t.text) for t in merged]
    return [_content("user", _summary(kept, budget_chars))]


def _merge_same_role(turns: list[PastTurn]) -> list[PastTurn]:
    merged: list[PastTurn] = []
    for turn in turns:
        if merged and merged[-1].role == turn.role:
            merged[-1] = PastTurn(turn.role, merged[-1].text + "\n" + turn.text)
        else:
            merged.append(turn)
    return merged


def _summary(turns: list[PastTurn], budget_chars: int) -> str:
    # Recent turns whole, newest first, while their text fits in half the budget.
    # Turns are summarised one line each, unmerged, so the newest turn's own text
    # survives even when it follows other turns of the same role.
    recent_budget = budget_chars // 2
    split = len(turns)
    used = 0
    while split > 0 and used + len(turns[split - 1].text) <= recent_budget:
        split -= 1
        used += len(turns[split].text)
    older = [_line(t.role, _shorten(t.text)) for t in turns[:split]]
    recent = [_line(t.role, t.text) for t in turns[split:]]

    lines = older + recent
    size = len(SUMMARY_HEADER) + sum(1 + len(line) for line in lines)  # each line after a newline
    while lines and size > budget_chars:  # oldest first
        size -= 1 + len(lines.pop(0))
    return "\n".join([SUMMARY_HEADER, *lines])


def _line(role: Role, text: str) -> str:
    return f"{_LABELS[role]}: {text}"


def _shorten(text: str) -> str:
    """The first sentence, at most SHORT_TURN_CHARS, on one line."""
    flat = " ".join(text.split())
    match = _FIRST_SENTENCE.match(flat)
    first = match.group(1) if match else flat
    if len(first) <= SHORT_TURN_CHARS:
        return first
    cut = first[: SHORT_TURN_CHARS - 1]
    if " " in cut[SHORT_TURN_CHARS // 2 :]:  # end on a word when one ends late enough
        cut = cut[: cut.rindex(" ")]
    return cut + "…"


def _content(role: Role, text: str) -> dict:
    return {"role": role, "parts": [{"text": text}]}
