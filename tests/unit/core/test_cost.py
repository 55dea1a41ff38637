"""Cost: the price table times the counted tokens, worked out here by hand and compared."""

from __future__ import annotations

import datetime
import math

import pytest

from livetui.core.cost import Cost, conversation_cost, cost_of, format_usd, sum_costs
from livetui.core.events import Usage
from livetui.core.models import KNOWN
from livetui.core.prices import ModelPrices, PriceError, PriceTable, check_prices, price_table, shipped_prices
from livetui.core.usage import UsageTotals

# Three turns as the service reports them (the first is a real capture's shape: its
# details leave 25 prompt tokens uncovered, and its thoughts are not in the response count).
TURNS = (
    Usage(522, 42, 564, thoughts=136, prompt_by_modality={"TEXT": 332, "AUDIO": 165}, response_by_modality={"AUDIO": 42}),
    Usage(700, 80, 830, tool_use_prompt=50, prompt_by_modality={"TEXT": 400, "AUDIO": 300}, response_by_modality={"AUDIO": 80}),
    Usage(1000, 120, 1184, thoughts=64, prompt_by_modality={"TEXT": 500, "AUDIO": 400, "IMAGE": 100}, response_by_modality={"AUDIO": 120}),
)


def session(turns: tuple[Usage, ...] = TURNS) -> UsageTotals:
    totals = UsageTotals()
    for usage in turns:
        totals = totals.add(usage)
    return totals


def table_of(model: str, **prices: float) -> PriceTable:
    return PriceTable("2026-12-02", {model: ModelPrices(model, tuple(sorted(prices.items())), yours=True)})


def test_a_session_costs_the_shipped_price_times_the_counted_tokens() -> None:
    # gemini-3.8-live in prices.toml: $0.75 per 1M input tokens, $4.50 per 1M output, any modality.
    # input:  522 + 700 + 1000 prompt + 50 tool-use = 2272 tokens x 0.75 = 1704.0
    # output: 42 + 80 + 120 response + 136 + 64 thoughts = 442 tokens x 4.50 = 1989.0
    cost = cost_of(session(), "gemini-3.8-live", shipped_prices())
    assert cost.usd == pytest.approx((1704.0 + 1989.0) / 1_000_000)  # $0.003693
    assert cost.estimated  # not Google's own prices (prices.toml says so), and 25 tokens uncovered
    assert cost.text() == "~$0.00369"


def test_each_modality_at_its_own_price() -> None:
    table = table_of(
        "m", input_text=0.5, input_audio=3.0, input_image=1.0, output_text=2.0, output_audio=12.0
    )  # thoughts: no price of their own, so the output text price
    # input text  332 + 25 (uncovered: as text) + 400 + 500 = 1257 x 0.5  =  628.5
    # input audio 165 + 300 + 400                         =  865 x 3.0  = 2595.0
    # input image 100                                               x 1.0 =  100.0
    # tool use    50 (input text)                                   x 0.5 =   25.0
    # output audio 42 + 80 + 120                          =  242 x 12.0 = 2904.0
    # thoughts    136 + 64                                 =  200 x 2.0  =  400.0
    expected = (628.5 + 2595.0 + 100.0 + 25.0 + 2904.0 + 400.0) / 1_000_000
    totals = session()
    cost = cost_of(totals, "m", table)
    assert cost.usd == pytest.approx(expected)  # $0.0066525
    assert cost.estimated and cost.notes == ("25 input tokens not in the per-modality detail, counted as text",)
    # each turn billed for its own prompt: the turns' costs add up to the session's
    turns = [cost_of(usage, "m", table).usd for usage in TURNS]
    assert math.fsum(t for t in turns if t is not None) == pytest.approx(expected)
    assert cost_of(totals.last, "m", table).usd == pytest.approx((500 * 0.5 + 400 * 3.0 + 100 * 1.0 + 120 * 12.0 + 64 * 2.0) / 1e6)


def test_fully_detailed_usage_at_the_users_prices_is_not_an_estimate() -> None:
    usage = Usage(100, 10, 110, prompt_by_modality={"AUDIO": 100}, response_by_modality={"AUDIO": 10})
    cost = cost_of(usage, "m", table_of("m", input_audio=3.0, output_audio=12.0))
    assert cost == Cost(pytest.approx((300.0 + 120.0) / 1e6))
    assert not cost.estimated and cost.text() == "$0.00042"


def test_an_unknown_model_costs_unknown_never_zero() -> None:
    cost = cost_of(session(), "gemini-3.1-flash-live-preview", shipped_prices())
    assert cost.usd is None and cost.unknown == "no price known for gemini-3.1-flash-live-preview"
    assert cost.text() == "unknown"


def test_a_missing_modality_price_makes_the_cost_unknown() -> None:
    usage = Usage(100, 10, 110, prompt_by_modality={"TEXT": 60, "VIDEO": 40}, response_by_modality={"AUDIO": 10})
    cost = cost_of(usage, "m", table_of("m", input_text=0.5, output_audio=12.0))
    assert cost.usd is None and cost.unknown == "no video input price for m"
    thinking = Usage(10, 0, 10, thoughts=5, prompt_by_modality={"TEXT": 10})
    assert cost_of(thinking, "m", table_of("m", input_text=0.5, output_audio=12.0)).unknown == "no thoughts (output text) price for m"


def test_usage_without_details_is_counted_as_text_and_marked_estimated() -> None:
    cost = cost_of(Usage(1000, 100, 1100), "m", table_of("m", input_text=1.0, input_audio=3.0, output_text=2.0, output_audio=12.0))
    assert cost.usd == pytest.approx((1000 * 1.0 + 100 * 2.0) / 1e6)
    assert cost.estimated
    assert cost.notes == (
        "1,000 input tokens without per-modality detail, counted as text",
        "100 output tokens without per-modality detail, counted as text",
    )


def test_cached_tokens_at_the_cached_price_or_the_full_one() -> None:
    usage = Usage(1000, 0, 1000, cached=400, prompt_by_modality={"TEXT": 1000})
    with_cache = cost_of(usage, "m", table_of("m", input_text=1.0, cached=0.25))
    assert with_cache.usd == pytest.approx((600 * 1.0 + 400 * 0.25) / 1e6)
    without = cost_of(usage, "m", table_of("m", input_text=1.0))
    assert without.usd == pytest.approx(1000 * 1.0 / 1e6)
    assert without.estimated and "400 cached tokens at the full input price (no cached price)" in without.notes


def test_a_conversation_on_two_models_sums_each_at_its_own_prices() -> None:
    table = PriceTable(
        "2026-12-02",
        {
            "a": ModelPrices("a", (("input", 1.0), ("output", 2.0)), yours=True),
            "b": ModelPrices("b", (("input", 10.0), ("output", 20.0)), yours=True),
        },
    )
    one = Usage(100, 10, 110, prompt_by_modality={"TEXT": 100}, response_by_modality={"TEXT": 10})
    by_model = {"a": UsageTotals().add(one), "b": UsageTotals().add(one)}
    assert conversation_cost(by_model, table).usd == pytest.approx((120 + 1200) / 1e6)
    assert conversation_cost({**by_model, "c": UsageTotals().add(one)}, table).unknown == "no price known for c"
    assert sum_costs([]) == Cost(0.0)


def test_format_usd_keeps_small_amounts_readable() -> None:
    assert [format_usd(x) for x in (0, 0.000001, 0.00042, 0.0123456, 1.5, 1234.5)] == [
        "$0",
        "<$0.00001",
        "$0.00042",
        "$0.0123",
        "$1.50",
        "$1,234.50",
    ]


# --- the table ----------------------------------------------------------------------


def test_the_shipped_table_is_dated_sourced_and_prices_only_known_models() -> None:
    table = shipped_prices()
    datetime.date.fromisoformat(table.date)
    known = {info.name for info in KNOWN}
    assert table.models and set(table.models) <= known
    for entry in table.models.values():
        assert entry.source and entry.prices and not entry.yours
        assert all(price > 0 for _, price in entry.prices)  # a price of 0 would be an invented one
    assert table.dated("gemini-3.8-live") == f"prices of {table.date}"


def test_overrides_merge_key_by_key_and_are_labelled_yours() -> None:
    table = price_table(check_prices({"gemini-3.8-live": {"input_audio": 3.0}, "my-model": {"input": 1, "output": 2}}))
    live = table.get("gemini-3.8-live")
    assert live is not None and live.input("AUDIO") == 3.0 and live.input("TEXT") == 0.75 and live.output("AUDIO") == 4.5
    assert table.dated("gemini-3.8-live") == table.dated("my-model") == "your prices"
    assert shipped_prices().get("gemini-3.8-live").input("AUDIO") == 0.75  # type: ignore[union-attr]  # untouched


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"m": {"input": "cheap"}}, "m.input: must be a number of US dollars per 1M tokens (0 or more), not 'cheap'"),
        ({"m": {"input": -1}}, "m.input: must be a number of US dollars per 1M tokens (0 or more), not -1"),
        ({"m": {"input": True}}, "m.input: must be a number of US dollars per 1M tokens (0 or more), not true"),
        ({"m": {"inptu_audio": 1.0}}, "m.inptu_audio: is not a price (the keys are: input, input_text"),
        ({"m": 3}, "m: must be a table of prices (e.g. input_audio = 3.0), not 3"),
        ({"m": {}}, "m: names no price"),
        ({"m": {"input": 1, "source": 5}}, "m.source: must be text, not 5"),
        ([1], 'prices: must be a table of models ([prices."MODEL"]), not a list'),
    ],
)
def test_bad_prices_are_refused_with_where_and_why(value: object, message: str) -> None:
    with pytest.raises(PriceError) as info:
        check_prices(value)
    assert str(info.value).startswith(message)
