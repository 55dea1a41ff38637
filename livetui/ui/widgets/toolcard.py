"""A function call's card under its answer: name, arguments, state, result, how long.

Compact by default (one line each for the call, its arguments and its result, cut to
fit); Enter, space or a click shows all of it. Names, arguments and results come from
the model or a command: drawn as plain text (never markup), control codes shown.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from ...core.sanitize import safe_text, screen_text
from ...core.tools.card import ToolCard
from ..actions import TOOL_CARD

COMPACT_CHARS = 72  # of arguments or result on the compact card's line

STATE_WORDS = {
    "running": "running…",
    "waiting": "waiting for you (F3)",
    "answered": "answered",
    "refused": "refused",
    "cancelled": "cancelled",
    "timed out": "timed out",
    "failed": "failed",
}


def _json(value: Any, indent: int | None = None) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent, default=str)


def _cut(text: str, limit: int) -> str:
    flat = screen_text(" ".join(text.split()))  # one line: line breaks and tabs shown, not obeyed
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def card_text(card: ToolCard, expanded: bool) -> str:
    """What the card says: compact, or all of it."""
    head = [f"⚙ {_cut(card.name, 40)}", STATE_WORDS.get(card.state, card.state)]
    if card.took_s is not None:
        head.append(f"{card.took_s * 1000:.0f} ms" if card.took_s < 1 else f"{card.took_s:.1f} s")
    if expanded:
        head += [b for b in (card.behavior, card.scheduling) if b]
        head.append(f"at {card.called:%H:%M:%S}")
    lines = [" · ".join(head)]
    if expanded:
        lines += ["arguments:", safe_text(_json(dict(card.args), 2))]
        if card.response is not None:
            lines += ["result:", safe_text(_json(dict(card.response), 2))]
        if card.note:
            lines.append(f"note: {safe_text(card.note)}")
        lines.append(f"id: {safe_text(card.call_id)}")
        return "\n".join(lines)
    lines.append("args " + _cut(_json(dict(card.args)), COMPACT_CHARS))
    if card.response is not None:
        lines.append(("error " if "error" in card.response else "→ ") + _cut(_result_words(card.response), COMPACT_CHARS))
    elif card.note:
        lines.append(_cut(card.note, COMPACT_CHARS))
    return "\n".join(lines)


def _result_words(response: Mapping[str, Any]) -> str:
    if set(response) == {"error"} and isinstance(response["error"], str):
        return response["error"]
    if set(response) == {"output"}:
        return _json(response["output"])
    return _json(dict(response))


class ToolCardView(Static, can_focus=True):
    """One call; focus it (tab) and press Enter, or click it, for all of it."""

    DEFAULT_CSS = """
    ToolCardView {
        height: auto;
        margin: 0 0 0 0;
        padding: 0 1;
        border-left: outer $secondary;
        color: $text-muted;
    }
    ToolCardView:focus { background: $boost; }
    ToolCardView.-running, ToolCardView.-waiting { border-left: outer $warning; }
    ToolCardView.-answered { border-left: outer $success; }
    ToolCardView.-failed, ToolCardView.-timed-out, ToolCardView.-refused { border-left: outer $error; }
    """

    BINDINGS = TOOL_CARD.bindings()

    def __init__(self, card: ToolCard) -> None:
        super().__init__("", markup=False, classes="toolcard")
        self.card = card
        self.expanded = False
        self.refresh_card()

    def refresh_card(self) -> None:
        for state in STATE_WORDS:
            self.set_class(self.card.state == state, "-" + state.replace(" ", "-"))
        self.update(card_text(self.card, self.expanded))

    def action_toggle_expanded(self) -> None:
        self.expanded = not self.expanded
        self.refresh_card()

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.action_toggle_expanded()


class ToolCards(Vertical):
    """An answer's calls, in the order the model made them."""

    DEFAULT_CSS = "ToolCards { height: auto; }"

    def __init__(self, cards: Iterable[ToolCard] = ()) -> None:
        super().__init__(classes="toolcards")
        self._initial = list(cards)

    def compose(self) -> ComposeResult:
        for card in self._initial:
            yield ToolCardView(card)

    def view_for(self, call_id: str) -> ToolCardView | None:
        return next((v for v in self.children if isinstance(v, ToolCardView) and v.card.call_id == call_id), None)

    async def show(self, card: ToolCard) -> ToolCardView:
        """A new card, or a card whose state moved."""
        view = self.view_for(card.call_id)
        if view is None:
            view = ToolCardView(card)
            await self.mount(view)
        else:
            view.card = card
            view.refresh_card()
        return view
