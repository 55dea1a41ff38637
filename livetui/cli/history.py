"""`livetui history`: the saved conversations as a table, the most recent first."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from ..core.configfile import ConfigError, find_config_file, read_config_file
from ..core.cost import conversation_cost
from ..core.prices import PriceTable, price_table, shipped_prices
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
    print(format_history(infos, user_prices(err)), file=out)
    return 0


def user_prices(err: TextIO) -> PriceTable:
    """The shipped prices with [prices] from config.toml on top; a config file that cannot be
    read is said on `err`, and the shipped prices used (a listing is still worth having)."""
    try:
        path = find_config_file(None, None)
        overrides = read_config_file(path).top.get("prices", ()) if path is not None else ()
    except ConfigError as exc:
        print(f"livetui: {exc} · costs below at the shipped prices", file=err)
        return shipped_prices()
    return price_table(overrides)


def format_history(infos: Sequence[Any], prices: PriceTable | None = None) -> str:
    """id, when it started, user and model turns, tokens, cost, and the first thing said."""
    table = prices or shipped_prices()
    header = ("id", "started", "turns", "tokens", "cost", "title")
    rows = [
        (
            info.id,
            f"{info.started:%Y-%m-%d %H:%M}" if info.started else "?",
            str(info.turns),
            f"{info.usage.total:,}" if info.usage.turns else "-",
            conversation_cost(info.usage_by_model, table).text() if info.usage.turns else "-",
            one_line(info.title) or "(nothing said)",
        )
        for info in infos
    ]
    width = [max(len(row[i]) for row in [header, *rows]) for i in range(5)]
    return "\n".join(
        f"{ident.ljust(width[0])}  {started.ljust(width[1])}  {turns.rjust(width[2])}  "
        f"{tokens.rjust(width[3])}  {cost.rjust(width[4])}  {title}".rstrip()
        for ident, started, turns, tokens, cost, title in [header, *rows]
    )
