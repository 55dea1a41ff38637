"""`make bench`: every suite in bench/, one table, bench/results/latest.json.

    python -m bench                 # the default suites: audio, cpu, terminal, long
    python -m bench audio terminal  # some of them
    python -m bench options         # livetui with each audio setting (not in the default run)

Each suite is a module here with `run() -> list[Metric]`; they run one after
another (never in parallel: they share two cores and the sound server).
Nothing here asserts: a missed target is a FAIL row, and the exit status is 0
unless a suite could not run at all.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
import time
import traceback
from pathlib import Path

from .metrics import Metric, table, write_json

SUITES = ("audio", "cpu", "terminal", "long")  # `make bench`
EXTRA = ("options",)  # only when named
RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="make bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("suites", nargs="*", help=f"which suites (default: {', '.join(SUITES)}; also: {', '.join(EXTRA)})")
    p.add_argument("--out", type=Path, default=RESULTS, help="where the JSON goes (default bench/results/latest.json)")
    args = p.parse_args(argv)
    unknown = [s for s in args.suites if s not in SUITES + EXTRA]
    if unknown:
        p.error(f"no suite {', '.join(unknown)}; there are {', '.join(SUITES + EXTRA)}")
    chosen = args.suites or list(SUITES)
    metrics: list[Metric] = []
    broken: list[str] = []
    started = time.monotonic()
    for name in chosen:
        module = importlib.import_module(f"bench.{name}")
        print(f"· {name}: {module.__doc__.strip().splitlines()[0] if module.__doc__ else ''}", flush=True)
        t0 = time.monotonic()
        try:
            found = module.run()
        except Exception:  # one suite's failure must not hide the others' numbers
            broken.append(name)
            print(f"  {name} could not run:\n{traceback.format_exc()}", file=sys.stderr, flush=True)
            continue
        metrics += found
        print(f"  {len(found)} numbers in {time.monotonic() - t0:.0f} s", flush=True)
    print()
    print(table(metrics))
    meta = {
        "suites": chosen,
        "broken": broken,
        "seconds": round(time.monotonic() - started, 1),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }
    write_json(metrics, args.out, meta)
    failed = [m for m in metrics if m.passed is False]
    print(f"\n{len(metrics)} numbers, {len(failed)} missing their target, in {meta['seconds']:.0f} s · {args.out}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
