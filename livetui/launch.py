"""The `livetui` command's entry point: `--version` answers at once; anything else
loads the CLI (settings, numpy, the store) and runs it."""

from __future__ import annotations

import sys


def main() -> int:
    if sys.argv[1:] == ["--version"]:
        from .version import version_line

        print(version_line())
        return 0
    from .cli import main as cli_main

    return cli_main()
