"""A saved conversation's tokens and cost: what the transcript keeps, what the exports and the listing say."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from livetui.core.events import Usage
from livetui.core.prices import check_prices, price_table, shipped_prices
from livetui.core.store import Record, TranscriptStore, export_jsonl, export_markdown, list_conversations, load

CID = "20261202-100000-c0st"
# Two turns on gemini-3.8-live ($0.75 in / $4.50 out per 1M in prices.toml), then a switch to a
# model without prices.
FIRST = Usage(522, 42, 564, thoughts=136, prompt_by_modality={"TEXT": 332, "AUDIO": 190}, response_by_modality={"AUDIO": 42})
SECOND = Usage(700, 80, 830, tool_use_prompt=50, cached=100, prompt_by_modality={"TEXT": 400, "AUDIO": 300}, response_by_modality={"AUDIO": 80})
# by hand: input 522 + 700 + 50 tool-use = 1272 x 0.75 = 954.0; output 42 + 80 + 136 thoughts = 258 x 4.50 = 1161.0
# (the 100 cached tokens: no cached price, so the full input price, already counted in the 700)
EXPECTED = (954.0 + 1161.0) / 1_000_000


def saved(folder: Path, *, switch_to: str | None = None) -> Path:
    moments = (datetime(2026, 12, 2, 10, 0, tzinfo=UTC) + timedelta(seconds=n) for n in range(100))
    with TranscriptStore.create(folder, conversation_id=CID, clock=lambda: next(moments), environ={}) as store:
        store.write(Record.start("gemini-3.8-live", "AUDIO", "simulator"))
        store.write(Record.user(1, "Hello"))
        store.write(Record.model(2, "Hi!", "AUDIO"))
        store.write(Record.usage(FIRST))
        store.write(Record.usage(SECOND))
        if switch_to:
            store.write(Record.switch(model=switch_to))
            store.write(Record.usage(Usage(10, 10, 20)))
    return store.path


def test_usage_records_keep_what_is_billed_apart_from_prompt_and_response(tmp_path: Path) -> None:
    loaded = load(saved(tmp_path))
    usage = loaded.usage_total
    assert (usage.thoughts, usage.tool_use_prompt, usage.cached) == (136, 50, 100)
    assert set(loaded.usage_by_model) == {"gemini-3.8-live"}
    first = json.loads(loaded.lines[3])
    assert first["kind"] == "usage" and first["thoughts"] == 136 and "cached" not in first  # zero counts not written


def test_markdown_export_ends_with_the_cost_and_the_prices_date(tmp_path: Path) -> None:
    text = export_markdown(load(saved(tmp_path)), environ={})
    date = shipped_prices().date
    assert text.endswith(f"Cost: \\~${EXPECTED:.5f} (prices of {date}).\n- 100 cached tokens at the full input price (no cached price)\n")
    assert f"${EXPECTED:.5f}" == "$0.00212"  # 954.0 + 1161.0 = 2115 millionths of a dollar


def test_jsonl_export_ends_with_a_totals_record(tmp_path: Path) -> None:
    totals = json.loads(export_jsonl(load(saved(tmp_path)), environ={}).splitlines()[-1])
    assert totals["kind"] == "totals"
    assert (totals["turns"], totals["prompt"], totals["response"], totals["thoughts"]) == (2, 1222, 122, 136)
    assert totals["cost_usd"] == pytest.approx(EXPECTED)
    assert totals["cost_estimated"] is True and totals["prices"] == [f"prices of {shipped_prices().date}"]


def test_a_conversation_partly_on_a_model_without_prices_costs_unknown(tmp_path: Path) -> None:
    loaded = load(saved(tmp_path, switch_to="gemini-3.1-flash-live-preview"))
    assert set(loaded.usage_by_model) == {"gemini-3.8-live", "gemini-3.1-flash-live-preview"}
    totals = json.loads(export_jsonl(loaded, environ={}).splitlines()[-1])
    assert totals["cost_usd"] is None and totals["cost_unknown"] == "no price known for gemini-3.1-flash-live-preview"
    assert "Cost: unknown (no price known for gemini-3.1-flash-live-preview).\n" in export_markdown(loaded, environ={})


def test_the_users_prices_apply_and_are_named(tmp_path: Path) -> None:
    table = price_table(check_prices({"gemini-3.8-live": {"input_audio": 3.0, "output_audio": 12.0}}))
    loaded = load(saved(tmp_path))
    totals = json.loads(export_jsonl(loaded, environ={}, prices=table).splitlines()[-1])
    # text in 332 + 400 + 50 tool-use = 782 x 0.75 = 586.5; audio in 190 + 300 = 490 x 3.0 = 1470.0
    # audio out 42 + 80 = 122 x 12.0 = 1464.0; thoughts 136 x 4.50 (output text) = 612.0
    assert totals["cost_usd"] == pytest.approx((586.5 + 1470.0 + 1464.0 + 612.0) / 1e6)
    assert totals["prices"] == ["your prices"]


def test_the_listing_carries_tokens_and_usage_by_model(tmp_path: Path) -> None:
    saved(tmp_path)
    [info] = list_conversations(tmp_path)
    assert info.usage.total == 564 + 830 and set(info.usage_by_model) == {"gemini-3.8-live"}
