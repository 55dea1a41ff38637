"""`livetui tools check FILE`: what a declarations file declares, or every problem in it
as FILE:LINE: field: message (exit 1), so it can be fixed before a session needs it."""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from ..core.tools.load import ToolsFileError, check_tools
from ..core.tools.spec import CommandAnswer, ToolSpec
from .text import one_line


def tools_main(argv: Sequence[str], out: TextIO | None = None) -> int:
    out = out or sys.stdout
    parser = argparse.ArgumentParser(prog="livetui tools", description="Functions the model may call (--tools FILE).")
    commands = parser.add_subparsers(dest="command", required=True, metavar="check")
    check = commands.add_parser("check", help="say what FILE declares, or every problem in it (file, line, field)")
    check.add_argument("file", type=Path, metavar="FILE", help="a .toml or .json declarations file")
    args = parser.parse_args(argv)  # exits 2 on bad usage
    return check_file(args.file, out)


def check_file(path: Path, out: TextIO) -> int:
    try:
        box = check_tools(path)  # the programs too: a session would start without them
    except ToolsFileError as exc:
        for problem in exc.problems:
            print(one_line(problem), file=out)
        return 1
    count = len(box.functions)
    print(f"{path}: {count} function{'s' if count != 1 else ''}", file=out)
    width = max(len(spec.name) for spec in box.functions)
    for spec in box.functions:
        print(f"  {spec.name.ljust(width)}  {_answered(spec)}  · {_behavior(spec)}", file=out)
    return 0


def _answered(spec: ToolSpec) -> str:
    answer = spec.answered_by
    if isinstance(answer, CommandAnswer):
        return one_line(f"command {shlex.join(answer.argv)} (timeout {answer.timeout_s:g} s, output up to {answer.max_output_bytes} bytes)")
    return "answered by the user"


def _behavior(spec: ToolSpec) -> str:
    behavior = spec.behavior or "the model's default behavior"
    return f"{behavior}, {spec.scheduling}" if spec.scheduling else behavior
