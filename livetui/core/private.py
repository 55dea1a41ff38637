"""What livetui writes is the user's alone: folders 0700, files 0600, whatever the umask.

Conversations, logs (which quote the service's errors) and exports hold what was said.
Folders are made 0700 when livetui creates them. A folder livetui owns by name (its own
`livetui` folder under the XDG state or data home) is also tightened if it exists with
looser bits, as an older livetui left its log folder 0755; a folder the user chose, or
a base such as ~/.local/state, is never changed.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from contextlib import suppress
from pathlib import Path

from .files import special_file

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def make_private_dirs(directory: Path, ours: Path | None = None) -> None:
    """`directory` and any missing parents, each created 0700. With `ours` (`directory`
    or one of its parents), the existing folders from `ours` down to `directory` are
    tightened to 0700 too, when they belong to this user and are not symlinks."""
    missing = []
    for folder in (directory, *directory.parents):
        if folder.is_dir():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:
            if not folder.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder)) from None
            continue  # made meanwhile by someone else: theirs to set
        os.chmod(folder, PRIVATE_DIR)  # mkdir's mode passes through the umask
    if ours is None or (ours != directory and ours not in directory.parents):
        return
    for folder in (directory, *directory.parents):
        _tighten(folder)
        if folder == ours:
            break


def _tighten(folder: Path) -> None:
    try:
        info = folder.lstat()
        if stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() and info.st_mode & 0o077:
            os.chmod(folder, PRIVATE_DIR)
    except OSError:
        pass  # best effort: the files inside are 0600 whatever the folder is


def write_private(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all, 0600 whether or not it existed: a new file beside
    it, renamed over it (an existing 0644 file becomes 0600; a symlink there is replaced,
    never followed). A folder, FIFO or device there is refused. Raises OSError."""
    try:
        kind = special_file(path)
    except FileNotFoundError:
        kind = None
    if kind is not None and not path.is_symlink():
        code = errno.EISDIR if kind == "a folder" else errno.EINVAL
        raise OSError(code, f"it is {kind}, not a regular file", str(path))
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        os.fchmod(fd, PRIVATE_FILE)  # mkstemp's 0600 passes through the umask
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(temp, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        with suppress(OSError):
            os.unlink(temp)
        raise
