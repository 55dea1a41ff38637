"""One measured number, its baseline and floor, its target; the table and the JSON."""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

Goal = Literal["max", "min", "report"]  # value must be <= target, >= target, or is only reported


@dataclass(frozen=True)
class Metric:
    suite: str  # "audio", "terminal", "long", ...
    name: str  # e.g. "answer onset median"
    unit: str  # "ms", "KB/s", "%", "MB", "count"
    value: float | None  # livetui's; None when it could not be measured (see note)
    baseline: float | None = None  # the quickstart-style client's, where it applies
    floor: float | None = None  # the PulseAudio loopback's, for audio numbers
    target: float | None = None
    goal: Goal = "report"
    note: str = ""  # how it was measured, or why it is missing

    @property
    def passed(self) -> bool | None:
        if self.goal == "report" or self.target is None:
            return None
        if self.value is None or math.isnan(self.value):
            return False
        return self.value <= self.target if self.goal == "max" else self.value >= self.target

    @property
    def ratio(self) -> float | None:
        """livetui / baseline (below 1 is better for "max" metrics)."""
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    def as_json(self) -> dict:
        record = asdict(self)
        record["passed"] = self.passed
        record["ratio"] = self.ratio
        return record


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0..100), linear between ranks; nan for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


def _num(x: float | None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if abs(x) >= 100 or float(x).is_integer():
        return f"{x:,.0f}"
    return f"{x:.1f}" if abs(x) >= 10 else f"{x:.2f}"


def table(metrics: Iterable[Metric]) -> str:
    """A Markdown table (it reads as well in a terminal as in the README)."""
    rows = [("metric", "unit", "livetui", "baseline", "ratio", "floor", "target", "")]
    for m in metrics:
        target = "report" if m.goal == "report" else f"{'≤' if m.goal == 'max' else '≥'} {_num(m.target)}"
        verdict = {True: "pass", False: "FAIL", None: ""}[m.passed]
        ratio = f"{m.ratio:.2f}×" if m.ratio is not None else "–"
        rows.append((f"{m.suite}: {m.name}", m.unit, _num(m.value), _num(m.baseline), ratio, _num(m.floor), target, verdict))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(cell.ljust(w) for cell, w in zip(r, widths)) + " |" for r in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def write_json(metrics: Sequence[Metric], path: Path, meta: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"meta": meta, "metrics": [m.as_json() for m in metrics]}, indent=2) + "\n")
