"""`livetui-sim`: run the simulator until Ctrl-C, printing how to point the SDK at it."""

from __future__ import annotations

import argparse
import asyncio
import math
import signal
import sys
from pathlib import Path

from .options import SimOptions
from .script import ScriptError
from .server import Simulator


def _speed(text: str) -> float:
    if text in ("max", "inf"):
        return math.inf
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be positive, or 'max'")
    return value


def _chunk_ms(text: str) -> int:
    value = int(text)
    if not 20 <= value <= 200:
        raise argparse.ArgumentTypeError("must be between 20 and 200")
    return value


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be positive")
    return value


def parse_args(argv: list[str] | None = None) -> SimOptions:
    p = argparse.ArgumentParser(
        prog="livetui-sim",
        description="An offline Gemini Live API server for the unmodified google-genai SDK. "
        "Paste the three export lines it prints into another shell.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    p.add_argument("--ca-file", type=Path, help="where to write the CA certificate (default: a temporary file)")
    p.add_argument("--log", type=Path, dest="log_file", help="append one JSON line per WebSocket frame to this file")
    p.add_argument("--chunk-ms", type=_chunk_ms, default=40, help="audio answer chunk length, 20-200 ms (default 40)")
    p.add_argument(
        "--speed",
        type=_speed,
        default=None,
        help="pace audio answers evenly, this many times faster than real time (1 = real time), or 'max' for no pacing. "
        "Default: as the service sends audio, generated faster than real time in bursts "
        f"({SimOptions.burst_ms / 1000:g} s of audio back to back, about {SimOptions.burst_speed:g}x real time overall)",
    )
    p.add_argument("--text-rate", type=float, default=60.0, help="text answer tokens per second (default 60)")
    p.add_argument("--latency-ms", type=int, default=0, help="delay before each answer")
    p.add_argument("--reasoning-ms", type=int, default=1000, help="background reasoning of the extended-thinking model (default 1000)")
    p.add_argument("--script", type=Path, help="scripted replies (TOML)")
    p.add_argument(
        "--retired-models",
        action="store_true",
        help="also serve the Live models shut down on 2025-12-09 (gemini-live-2.5-flash-preview, "
        "gemini-2.0-flash-live-001) as they behaved then: TEXT or AUDIO answers, any config",
    )
    faults = p.add_argument_group("faults")
    faults.add_argument("--reject-key", action="append", default=[], metavar="KEY", help="refuse this API key (1007); repeatable")
    faults.add_argument("--goaway-after", type=float, metavar="S", help="send goAway S seconds into each session")
    faults.add_argument("--goaway-time-left", type=float, default=50.0, metavar="S", help="goAway's timeLeft; the session closes (1011) when it runs out (default 50)")
    faults.add_argument("--drop-after", type=float, metavar="S", help="abort each connection S seconds into its session, with no close frame")
    faults.add_argument("--drop-random", type=_positive, metavar="S", help="abort each connection at a random moment, S seconds into its session on average")
    faults.add_argument("--quota-after", type=int, metavar="N", help="refuse every session after the first N (1011 quota)")
    a = p.parse_args(argv)
    if a.script is not None and not a.script.is_file():
        p.error(f"--script: no such file: {a.script}")
    return SimOptions(
        host=a.host,
        port=a.port,
        ca_file=a.ca_file,
        log_file=a.log_file,
        chunk_ms=a.chunk_ms,
        speed=a.speed,
        text_rate=a.text_rate,
        latency_ms=a.latency_ms,
        reasoning_ms=max(0, a.reasoning_ms),
        script=a.script,
        retired_models=a.retired_models,
        reject_keys=frozenset(a.reject_key),
        goaway_after=a.goaway_after,
        goaway_time_left=a.goaway_time_left,
        drop_after=a.drop_after,
        drop_random=a.drop_random,
        quota_after=a.quota_after,
    )


async def serve(options: SimOptions) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with Simulator(options) as sim:
        for name, value in sim.env().items():
            print(f"export {name}={value}", flush=True)
        print(f"livetui-sim: serving the Gemini Live API at {sim.base_url} (Ctrl-C to stop)", file=sys.stderr, flush=True)
        await stop.wait()


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    try:
        asyncio.run(serve(options))
    except ScriptError as exc:
        print(f"livetui-sim: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"livetui-sim: cannot listen on {options.host}:{options.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
