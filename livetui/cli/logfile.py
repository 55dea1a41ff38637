"""The console's log files (livetui.log, sim.log): where they go, opened private and kept small."""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path
from typing import IO

import platformdirs

from ..core.private import make_private_dirs

APP_NAME = "livetui"
LOG_LIMIT = 1 << 20  # a log that grew past this starts afresh


def state_dir() -> Path:
    """Where logs go (platformdirs' user state folder; honours XDG_STATE_HOME)."""
    return platformdirs.user_state_path(APP_NAME)


def open_log(path: Path) -> IO[bytes]:
    """`path` opened for appending (created 0600, folders made 0700); restarted once it is large."""
    ours = state_dir()  # livetui's own log folder is tightened too; a folder elsewhere is not
    make_private_dirs(path.parent, ours=ours if path.parent == ours else None)
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
    if path.exists() and path.stat().st_size > LOG_LIMIT:
        flags |= os.O_TRUNC
    fd = os.open(path, flags, 0o600)
    with suppress(OSError):  # a log an older livetui (or the umask) left readable to others becomes private
        os.fchmod(fd, 0o600)
    return os.fdopen(fd, "ab", buffering=0)
