"""`livetui`: start-up. The only place allowed to start the simulator (for the no-key demo)."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys

from . import __version__

CREDENTIAL_VARS = ("GEMINI_API_KEY", "GOOGLE_API_KEY")


def has_credentials(env: os._Environ[str] | dict[str, str] = os.environ) -> bool:
    if any(env.get(name, "").strip() for name in CREDENTIAL_VARS):
        return True
    return env.get("GOOGLE_GENAI_USE_VERTEXAI", "").lower() in ("1", "true")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="livetui", description="A terminal console for the Gemini Live API.")
    p.add_argument("--version", action="version", version=f"livetui {__version__}")
    p.add_argument("--sim", action="store_true", help="use the built-in offline simulator, even with an API key")
    return p.parse_args(argv)


async def _demo() -> None:
    from .sim import SimOptions, Simulator

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with Simulator(SimOptions()) as sim:
        print("livetui: no API key set, so the offline simulator is running (Ctrl-C stops it).")
        print("The console itself is not built yet. Meanwhile, point any google-genai program here:\n")
        for name, value in sim.env().items():
            print(f"  export {name}={value}")
        print(flush=True)
        await stop.wait()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.sim or not has_credentials():
        asyncio.run(_demo())
        return 0
    print("livetui: the console is not built yet; run `livetui --sim` for the offline simulator.", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
