"""The price table: USD per 1M tokens per model and modality, dated, shipped as data
(prices.toml, read with importlib.resources) and overridden by [prices] in config.toml.

A price that is not in the table is unknown (None), never $0: core.cost says so.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType

__all__ = [
    "PRICE_KEYS",
    "ModelPrices",
    "PriceError",
    "PriceTable",
    "check_prices",
    "price_table",
    "shipped_prices",
]

# What a model's entry may price; input/output are the prices of any modality not named.
PRICE_KEYS = (
    "input",
    "input_text",
    "input_audio",
    "input_image",
    "input_video",
    "output",
    "output_text",
    "output_audio",
    "thoughts",
    "cached",
)
_ABOUT_KEYS = ("source", "official")
YOUR_PRICES = "your prices"


class PriceError(ValueError):
    """A wrong price entry: `model` and `key` say where (key "" for the entry itself)."""

    def __init__(self, model: str, key: str, message: str) -> None:
        self.model, self.key, self.message = model, key, message
        super().__init__(f"{model}.{key}: {message}" if key else f"{model}: {message}")


@dataclass(frozen=True)
class ModelPrices:
    model: str
    prices: tuple[tuple[str, float], ...] = ()  # (key in PRICE_KEYS, USD per 1M tokens)
    source: str = ""
    official: bool = False
    yours: bool = False  # set from [prices] in config.toml

    def get(self, key: str) -> float | None:
        return dict(self.prices).get(key)

    def input(self, modality: str) -> float | None:
        """USD per 1M input tokens of `modality` (TEXT, AUDIO, IMAGE, VIDEO...)."""
        return self._one("input", modality)

    def output(self, modality: str) -> float | None:
        return self._one("output", modality)

    def thoughts(self) -> float | None:
        """Thinking is billed as output text unless the entry says otherwise."""
        own = self.get("thoughts")
        return own if own is not None else self.output("TEXT")

    def _one(self, side: str, modality: str) -> float | None:
        own = self.get(f"{side}_{modality.lower()}")
        return own if own is not None else self.get(side)

    def merged(self, over: ModelPrices) -> ModelPrices:
        """`over`'s prices on top of these (a user's override of some keys keeps the rest)."""
        prices = dict(self.prices) | dict(over.prices)
        return ModelPrices(self.model, tuple(sorted(prices.items())), over.source or self.source, over.official, yours=True)


@dataclass(frozen=True)
class PriceTable:
    date: str  # when the shipped prices were read (ISO date)
    models: Mapping[str, ModelPrices] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "models", MappingProxyType(dict(self.models)))

    def get(self, model: str | None) -> ModelPrices | None:
        return None if model is None else self.models.get(model)

    def dated(self, model: str | None) -> str:
        """Where a model's prices come from, for the screen: the table's date or "your prices"."""
        entry = self.get(model)
        if entry is not None and entry.yours:
            return YOUR_PRICES
        return f"prices of {self.date}"

    def with_overrides(self, overrides: Sequence[ModelPrices]) -> PriceTable:
        models = dict(self.models)
        for entry in overrides:
            base = models.get(entry.model)
            models[entry.model] = base.merged(entry) if base is not None else ModelPrices(entry.model, entry.prices, entry.source, entry.official, yours=True)
        return PriceTable(self.date, models)


def check_price(model: str, key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        shown = repr(value) if not isinstance(value, bool) else str(value).lower()
        raise PriceError(model, key, f"must be a number of US dollars per 1M tokens (0 or more), not {shown}")
    return float(value)


def check_model_prices(model: str, value: object, *, yours: bool) -> ModelPrices:
    """One model's entry, checked: every key known, every price a number ≥ 0."""
    if not isinstance(value, dict):
        raise PriceError(model, "", f"must be a table of prices (e.g. input_audio = 3.0), not {_show(value)}")
    prices: dict[str, float] = {}
    source, official = "", False
    for key, item in value.items():
        if key in PRICE_KEYS:
            prices[key] = check_price(model, key, item)
        elif key == "source" and isinstance(item, str):
            source = item
        elif key == "official" and isinstance(item, bool):
            official = item
        elif key in _ABOUT_KEYS:
            kind = "text" if key == "source" else "true or false"
            raise PriceError(model, key, f"must be {kind}, not {_show(item)}")
        else:
            raise PriceError(model, key, f"is not a price (the keys are: {', '.join(PRICE_KEYS)})")
    if not prices:
        raise PriceError(model, "", f"names no price (the keys are: {', '.join(PRICE_KEYS)})")
    return ModelPrices(model, tuple(sorted(prices.items())), source, official, yours)


def check_prices(value: object, *, yours: bool = True) -> tuple[ModelPrices, ...]:
    """[prices] as read from TOML: a table of models, each a table of prices."""
    if not isinstance(value, dict):
        raise PriceError("prices", "", f'must be a table of models ([prices."MODEL"]), not {_show(value)}')
    entries = []
    for model, item in value.items():
        if not model.strip() or any(c.isspace() for c in model):
            raise PriceError(model, "", "is not a model name (no spaces)")
        entries.append(check_model_prices(model, item, yours=yours))
    return tuple(entries)


def _show(value: object) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return str(value).lower() if isinstance(value, bool) else repr(value)


@cache
def shipped_prices() -> PriceTable:
    """The table shipped in the package (prices.toml)."""
    text = resources.files(__package__).joinpath("prices.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    date = data.get("date")
    if not isinstance(date, str):
        raise PriceError("prices.toml", "date", "missing")
    entries = check_prices(data.get("models", {}), yours=False)
    return PriceTable(date, {entry.model: entry for entry in entries})


def price_table(overrides: Sequence[ModelPrices] = ()) -> PriceTable:
    """The shipped table with the user's [prices] on top."""
    table = shipped_prices()
    return table.with_overrides(overrides) if overrides else table
