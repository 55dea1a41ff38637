"""`livetui history`: the saved conversations as a table, the most recent first."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from ..core.store import StoreError, conversations_dir, list_conversations
from .paths import add_data_dir, use_data_dir
from .text import one_line


def history_main(argv: Sequence[str], out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Print the saved conversations as a table, the most recent first."""
    out, err = out or sys.stdout, err or sys.stderr
    parser = argparse.ArgumentParser(prog="livetui history", description="List the saved conversations, the most recent first.")
    add_data_dir(parser)
    use_data_dir(parser.parse_args(argv).data_dir)
    try:
        infos = list_conversations()
    except StoreError as exc:
        print(f"livetui: {exc}", file=err)
        return 1
    if not infos:
        print(f"livetui: no saved conversations yet (in {conversations_dir()})", file=err)
        return 0
    print(format_history(infos), file=out)
    return 0


def format_history(infos: Sequence[Any]) -> str:
    """id, when it started, user and model turns, and the first thing said."""
    header = ("id", "started", "turns", "title")
    rows = [
        (info.id, f"{info.started:%Y-%m-%d %H:%M}" if info.started else "?", str(info.turns), one_line(info.title) or "(nothing said)")
        for info in infos
    ]
    width = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    return "\n".join(
        f"{ident.ljust(width[0])}  {started.ljust(width[1])}  {turns.rjust(width[2])}  {title}".rstrip()
        for ident, started, turns, title in [header, *rows]
    )
