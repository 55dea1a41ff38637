"""`livetui paths`: where the config file, transcripts, recordings and logs are; and
`--data-dir` / $LIVETUI_DATA_DIR, which move the transcripts (and default recordings).

`--data-dir` is applied by setting $LIVETUI_DATA_DIR for this process, so every reader
of the store (the console, F10's history, `history`, `export`) sees the same folder.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from ..core import settingchecks as checks
from ..core.configfile import ConfigError, default_config_path, find_config_file, read_config_file
from ..core.store import DATA_DIR_VAR, conversations_dir
from ..core.voice import default_record_dir
from .logfile import state_dir

DATA_DIR_FLAG = "--data-dir"
DATA_DIR_HELP = f"keep transcripts (and default recordings) in DIR (default: ${DATA_DIR_VAR}, else the XDG data folder; see `livetui paths`)"
NAMES = ("config", "transcripts", "recordings", "logs")


def data_dir_flag(text: str) -> Path:
    """argparse's type for --data-dir: a folder (it need not exist yet), made absolute."""
    try:
        return checks.folder(text, Path.cwd())
    except checks.BadValue as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(DATA_DIR_FLAG, type=data_dir_flag, metavar="DIR", help=DATA_DIR_HELP)


def use_data_dir(folder: Path | None) -> None:
    """--data-dir for this run: set as the variable every store reader goes by."""
    if folder is not None:
        os.environ[DATA_DIR_VAR] = str(folder)


def take_data_dir(argv: list[str], err: TextIO | None = None) -> list[str]:
    """A leading `--data-dir DIR` (before a subcommand: `livetui --data-dir DIR history`)
    applied and taken off; exits 2 with one line when DIR is missing or a file."""
    if not argv or not (argv[0] == DATA_DIR_FLAG or argv[0].startswith(DATA_DIR_FLAG + "=")):
        return argv
    value, rest = (argv[0].split("=", 1)[1], argv[1:]) if "=" in argv[0] else (argv[1] if len(argv) > 1 else "", argv[2:])
    try:
        use_data_dir(data_dir_flag(value))
    except argparse.ArgumentTypeError as exc:
        print(f"livetui: {DATA_DIR_FLAG}: {exc}", file=err or sys.stderr)
        raise SystemExit(2) from None
    return rest


def paths_main(argv: Sequence[str], out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    parser = argparse.ArgumentParser(
        prog="livetui paths",
        description="Print where livetui keeps its config file, transcripts, recordings and logs (XDG_CONFIG_HOME, XDG_DATA_HOME, XDG_STATE_HOME and $LIVETUI_DATA_DIR honoured).",
    )
    parser.add_argument("which", nargs="?", choices=NAMES, help="print only this path (for scripts: cd \"$(livetui paths transcripts)\")")
    add_data_dir(parser)
    parser.add_argument("--config", type=Path, metavar="PATH", help="the settings file to read the record folder from")
    args = parser.parse_args(list(argv))
    use_data_dir(args.data_dir)
    found = None
    record_dir = default_record_dir()
    try:
        found = find_config_file(args.config.expanduser() if args.config is not None else None, None)
        if found is not None and (chosen := read_config_file(found).audio.get("record_dir")) is not None:
            record_dir = Path(chosen)
    except ConfigError as exc:  # the paths still hold; the file's record folder is unknown
        print(f"livetui: {exc}", file=err)
    config = found or (args.config.expanduser().absolute() if args.config is not None else None)
    if config is None:
        config = default_config_path()
    paths = {"config": config, "transcripts": conversations_dir(), "recordings": record_dir, "logs": state_dir()}
    if args.which:
        print(paths[args.which], file=out)
        return 0
    notes = {
        "config": "" if found is not None else " (not there yet: the defaults apply)",
        "recordings": " (F8 records here; [audio] record_dir or --record choose another)",
        "logs": " (livetui.log, sim.log)",
    }
    width = max(map(len, NAMES))
    for name in NAMES:
        print(f"{name.ljust(width)}  {paths[name]}{notes.get(name, '')}", file=out)
    return 0
