"""The tokens pane's cost, live: the app against the simulator, the cost moving with each answer."""

from __future__ import annotations

import pytest

from livetui.core.prices import check_prices
from livetui.core.settings import Settings
from livetui.ui.app import LiveTuiApp
from livetui.ui.widgets.chat import ModelMessage
from livetui.ui.widgets.status import StatusBar
from livetui.ui.widgets.tokens import TokenCounter

from .helpers import type_and_send, until

# USD per 1M tokens, one price per modality, as a user would write them under [prices]
PRICES = {"input_text": 0.5, "input_audio": 3.0, "output_text": 2.0, "output_audio": 12.0}


def connected(app: LiveTuiApp) -> bool:
    return app.query_one(StatusBar).status.state == "connected"


def finished(app: LiveTuiApp, n: int) -> bool:
    return len([m for m in app.query(ModelMessage) if not m.turn.open]) >= n


def by_hand(usage) -> float:
    """The table times the counted tokens, written out again apart from core.cost."""
    side = {"input": usage.prompt_by_modality, "output": usage.response_by_modality}
    usd = 0.0
    for name, counts in side.items():
        for modality, count in counts.items():
            usd += count * PRICES[f"{name}_{modality.lower()}"]
    uncovered_in = usage.prompt - sum(usage.prompt_by_modality.values())
    uncovered_out = usage.response - sum(usage.response_by_modality.values())
    usd += uncovered_in * PRICES["input_text"] + uncovered_out * PRICES["output_text"]
    usd += usage.thoughts * PRICES["output_text"] + usage.tool_use_prompt * PRICES["input_text"]
    return usd / 1_000_000


async def test_the_cost_moves_after_each_answer_at_the_users_prices(backend):
    settings = Settings(modality="TEXT", prices=check_prices({"gemini-3.8-live": PRICES}))
    app = LiveTuiApp(settings, backend, audio=False)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one(TokenCounter)
        await until(pilot, lambda: connected(app), what="connected")
        assert pane.last_cost is None and pane.border_subtitle == "your prices"  # nothing counted yet
        await type_and_send(pilot, "What is the capital of France?")
        await until(pilot, lambda: finished(app, 1) and pane.totals.turns == 1, what="an answer and its usage")
        first = pane.session_cost
        assert first is not None and first.usd is not None and first.usd > 0
        assert first.usd == pytest.approx(by_hand(pane.totals))
        assert pane.last_cost == first  # one turn: the last is the session
        await type_and_send(pilot, "And of Italy?")
        await until(pilot, lambda: finished(app, 2) and pane.totals.turns == 2, what="a second answer and its usage")
        second = pane.session_cost
        assert second is not None and second.usd is not None and second.usd > first.usd  # it moved
        assert second.usd == pytest.approx(by_hand(pane.totals))
        assert pane.last_cost is not None and pane.last_cost.usd == pytest.approx(by_hand(pane.totals.last))
        assert "your [prices] in config.toml" in str(pane.tooltip)


async def test_a_model_without_a_price_shows_unknown_not_zero(backend):
    app = LiveTuiApp(Settings(model="gemini-3.1-flash-live-preview", modality="TEXT"), backend, audio=False)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one(TokenCounter)
        await until(pilot, lambda: connected(app), what="connected")
        await type_and_send(pilot, "What is the capital of France?")
        await until(pilot, lambda: finished(app, 1) and pane.totals.turns == 1, what="an answer and its usage")
        assert pane.session_cost is not None and pane.session_cost.usd is None
        assert pane.session_cost.text() == "unknown"
        assert "No price known for gemini-3.1-flash-live-preview" in str(pane.tooltip)
        assert pane.border_subtitle == ""  # no prices, no date to show
