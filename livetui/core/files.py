"""What kind of file a path is, asked with stat before anything opens it: reading a
FIFO waits for a writer, /dev/zero never ends, a folder cannot be read at all."""

from __future__ import annotations

import os
import stat
from pathlib import Path

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def special_file(target: str | os.PathLike[str] | os.stat_result) -> str | None:
    """'a folder', 'a FIFO (named pipe)', … for anything that is not a regular file, None
    for a regular one. A missing path raises FileNotFoundError, as opening it would."""
    mode = (target if isinstance(target, os.stat_result) else os.stat(Path(target))).st_mode
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")
