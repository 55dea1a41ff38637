"""`livetui export ID`: one saved conversation printed or saved, as Markdown or JSONL."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from ..core.store import StoreError, export_conversation
from .history import user_prices
from .paths import add_data_dir, use_data_dir


def export_main(argv: Sequence[str], out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Print or save one conversation as Markdown or JSONL: 0; one line on `err` and 1 if it cannot."""
    out, err = out or sys.stdout, err or sys.stderr
    parser = argparse.ArgumentParser(prog="livetui export", description="Print or save a saved conversation.")
    parser.add_argument("id", help="the conversation's id (or a unique beginning of it), or its .jsonl file")
    parser.add_argument("--format", choices=("md", "jsonl"), default="md", help="Markdown (default) or the JSONL records")
    parser.add_argument("--output", "-o", type=Path, metavar="FILE", help="write FILE (created 0600) instead of printing")
    add_data_dir(parser)
    args = parser.parse_args(argv)
    use_data_dir(args.data_dir)
    try:
        exported = export_conversation(args.id, args.output, args.format, prices=user_prices(err))
    except StoreError as exc:
        print(f"livetui: {exc}", file=err)
        return 1
    except OSError as exc:
        print(f"livetui: cannot write {args.output}: {exc.strerror or exc}", file=err)
        return 1
    if args.output is None:
        try:
            out.write(exported.text)
            out.flush()
        except BrokenPipeError:  # `livetui export ID | head`: the reader has all it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
    return 0
