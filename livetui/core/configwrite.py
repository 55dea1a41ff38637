"""One setting written back into config.toml, the rest of the file kept as the user wrote it.

The console changes a setting itself only where the user chose it on screen (the theme,
from the palette). tomlkit edits the one key and keeps comments, order and spacing; the
file is replaced whole (a new file beside it, renamed over it), with the mode it had,
and through a symlink (a dotfiles link keeps pointing at the edited file).
"""

from __future__ import annotations

import os
import stat
import tempfile
from contextlib import suppress
from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError

from .configfile import ConfigError
from .private import PRIVATE_FILE, make_private_dirs

__all__ = ["save_top_setting"]


def save_top_setting(path: Path, key: str, value: str) -> None:
    """Set the top-level `key = "value"` in the TOML file at `path` (made if missing).
    ConfigError, naming the file, when it cannot be read, parsed or written."""
    target = path.resolve()  # through a symlink: the link stays, its file changes
    try:
        text = target.read_text(encoding="utf-8")
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        text, mode = "", PRIVATE_FILE
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read it to save {key}: {getattr(exc, 'strerror', None) or exc}", path) from None
    try:
        doc = tomlkit.parse(text)
    except TOMLKitError as exc:
        raise ConfigError(f"not valid TOML, {key} not saved: {exc}", path) from None
    if doc.get(key) == value:
        return  # already so: the file is not touched
    doc[key] = value  # tomlkit puts a new top-level key above the first [table]
    try:
        make_private_dirs(target.parent)
        _replace(target, tomlkit.dumps(doc).encode("utf-8"), mode)
    except OSError as exc:
        raise ConfigError(f"cannot save {key}: {exc.strerror or exc}", path) from None


def _replace(path: Path, data: bytes, mode: int) -> None:
    """`path` whole or not at all, with `mode`."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        os.fchmod(fd, mode)
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
