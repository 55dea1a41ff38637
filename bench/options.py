"""options: livetui with each audio setting in turn (CPU, onset, gaps, input tokens per idle minute), the baseline beside it.

Not part of the default run: `make bench ARGS=options` (about ten minutes). Each
setting is given to livetui in a config file, as a user would; a setting this build
does not know yet makes livetui refuse to start, and its rows say so. Every run is
bench/cpu.py's (idle with the mic open and with it muted, full duplex) with
N_ANSWERS whole answers in bursts between (bench/hearing.py).
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

from .clients import Baseline, Livetui
from .cpu import Measured, measure, pct
from .hearing import GapSummary
from .metrics import Metric, median

SUITE = "options"
N_ANSWERS = 8
# (label, what the config file says): [audio] keys.
OPTIONS = (
    ("defaults", ""),
    ('engine = "process"', '[audio]\nengine = "process"\n'),
    ('engine = "thread"', '[audio]\nengine = "thread"\n'),
    ("chunk_ms = 20", "[audio]\nchunk_ms = 20\n"),
    ("chunk_ms = 40", "[audio]\nchunk_ms = 40\n"),
    ("silence_gate = false", "[audio]\nsilence_gate = false\n"),
    ("silence_gate = true", "[audio]\nsilence_gate = true\n"),
)


def run() -> list[Metric]:
    from livetui.testing.pulse import virtual_audio

    runs: list[tuple[str, Measured]] = []
    with virtual_audio() as pulse, tempfile.TemporaryDirectory(prefix="lt-bench-options-") as tmp:
        bl = measure(pulse, Baseline, Path(tmp) / "baseline", answers=N_ANSWERS)
        print(f"  baseline: {_line(bl)}", flush=True)
        for i, (label, config) in enumerate(OPTIONS):
            m = measure(pulse, Livetui, Path(tmp) / f"livetui-{i}", answers=N_ANSWERS, config=config)
            print(f"  {label}: {_line(m)}", flush=True)
            runs.append((label, m))
    return [row for label, m in runs for row in rows(label, m, bl)]


def _line(m: Measured) -> str:
    if m.failed:
        return f"not run: {m.failed}"
    g = GapSummary.of(m.heard)
    return (f"duplex {_f(pct(m.duplex))}%, idle {_f(pct(m.idle))}%, muted {_f(pct(m.muted))}%, "
            f"onset {_f(_onset(m))} ms, {g.count} gaps, {_f(m.idle_tokens_per_min)} tokens/idle min")


def _f(x: float | None) -> str:
    return "–" if x is None else f"{x:.1f}"


def _onset(m: Measured) -> float | None:
    values = [h.onset_ms for h in m.heard if not math.isnan(h.onset_ms)]
    return median(values) if values else None


def rows(label: str, m: Measured, bl: Measured) -> list[Metric]:
    if m.failed:
        return [Metric(SUITE, f"{label}: not run", "", None, note=m.failed)]
    g, gb = GapSummary.of(m.heard), GapSummary.of(bl.heard)
    return [
        Metric(SUITE, f"{label}: full-duplex CPU", "%", pct(m.duplex), pct(bl.duplex), note="as in the cpu suite"),
        Metric(SUITE, f"{label}: idle CPU, mic open", "%", pct(m.idle), pct(bl.idle)),
        Metric(SUITE, f"{label}: idle CPU, mic muted", "%", pct(m.muted)),
        Metric(SUITE, f"{label}: onset median", "ms", _onset(m), _onset(bl), note=f"{len(m.heard)} answers in bursts"),
        Metric(SUITE, f"{label}: playback gaps", "count", float(g.count), float(gb.count),
               note=f"in {g.answers} answers; {g.total_ms:.0f} ms in all; {g.where or 'none'}"),
        Metric(SUITE, f"{label}: input tokens per idle minute", "tokens", m.idle_tokens_per_min, bl.idle_tokens_per_min,
               note="mic audio sent while idle (a room's hiss), at 25 tokens a second"),
    ]
