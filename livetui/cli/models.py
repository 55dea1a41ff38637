"""`livetui models`: the Live models the service offers, one a line, the default and the retired marked.

Start-up code, like the console's: it picks the backend as the console does (the simulator with
`--sim`, `sim = true` in the config file, or no credentials) and asks it through the SDK.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

from ..core.configfile import ConfigError
from ..core.livemodels import ListingError, LiveModel, list_live_models
from ..core.secrets import Scrubber
from .args import load_settings
from .backend import Backend, choose_backend


def models_main(
    argv: Sequence[str], out: TextIO | None = None, err: TextIO | None = None, environ: Mapping[str, str] | None = None
) -> int:
    """0 with the list on `out`; one line on `err` and 1 when it cannot be had (2 for a bad config file)."""
    out, err = out or sys.stdout, err or sys.stderr
    environ = os.environ if environ is None else environ
    parser = argparse.ArgumentParser(
        prog="livetui models",
        description="List the Live models the service offers (models.list), marking the default and the retired ones.",
    )
    parser.add_argument("--sim", action="store_true", help="ask the built-in offline simulator, even with an API key")
    parser.add_argument("--config", type=Path, metavar="PATH", help="settings file (read for `sim = true`)")
    args = parser.parse_args(argv)
    scrub = Scrubber(environ)
    try:
        settings = load_settings([*(["--config", str(args.config)] if args.config else []), *(["--sim"] if args.sim else [])], environ)
    except ConfigError as exc:
        print(f"livetui: {exc}", file=err)
        return 2
    backend = choose_backend(settings, environ)
    try:
        models = asyncio.run(_ask(backend))
    except ListingError as exc:
        print(scrub(f"livetui: {exc}"), file=err)
        return 1
    except Exception as exc:  # noqa: BLE001 - e.g. the simulator would not start: one line, never a traceback
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        cert = environ.get("SSL_CERT_FILE", "")
        if isinstance(exc, OSError) and cert and not Path(cert).is_file():  # the SDK reads it when the client is made
            first = f"SSL_CERT_FILE names no file ({cert}) · if you use livetui-sim, paste the lines it prints now"
        print(scrub(f"livetui: cannot list the models: {first}"), file=err)
        return 1
    finally:
        backend.close()
    try:
        print(format_models(models), file=out)
        out.flush()
    except BrokenPipeError:  # `livetui models | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    if backend.is_simulator:
        print("livetui: these are the offline simulator's models (no API key set, or --sim)", file=err)
    return 0


async def _ask(backend: Backend) -> tuple[LiveModel, ...]:
    await backend.start()
    return await list_live_models(backend.client())


def format_models(models: Sequence[LiveModel]) -> str:
    """model, display name, and a note: default, or retired with the replacement."""
    header = ("model", "display name", "")
    rows = [(m.name, m.display_name, m.note) for m in models]
    width = [max(len(row[i]) for row in [header, *rows]) for i in range(2)]
    return "\n".join(
        f"{name.ljust(width[0])}  {display.ljust(width[1])}  {note}".rstrip() for name, display, note in [header, *rows]
    )
