"""Where transcripts live and what they are called: the folder, new ids, and finding one
from what the user typed (a path, an id, or a unique beginning of an id)."""

from __future__ import annotations

import difflib
import os
import re
import secrets
import sys
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

import platformdirs

from ..files import special_file

APP_NAME = "livetui"
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")  # a conversation id we accept as a file name


class StoreError(Exception):
    """A conversation that cannot be found or read; str() is one line for the user."""


DATA_DIR_VAR = "LIVETUI_DATA_DIR"  # set by the user, or by `--data-dir` for this run


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """livetui's data folder (transcripts, recordings): $LIVETUI_DATA_DIR if set, else
    platformdirs' user data folder (honours XDG_DATA_HOME).

    With `environ`, the variables are read from it rather than from os.environ; XDG_DATA_HOME
    by the rule platformdirs applies on Linux and the BSDs.
    """
    env = os.environ if environ is None else environ
    if chosen := env.get(DATA_DIR_VAR, "").strip():
        return Path(chosen).expanduser().absolute()
    if environ is not None and os.name == "posix" and sys.platform != "darwin":
        xdg = environ.get("XDG_DATA_HOME", "").strip()
        base = Path(xdg) if xdg else Path.home() / ".local" / "share"
        return base / APP_NAME
    return platformdirs.user_data_path(APP_NAME)


def data_dir_chosen(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the data folder is the user's choice ($LIVETUI_DATA_DIR), which livetui never re-permissions."""
    return bool((os.environ if environ is None else environ).get(DATA_DIR_VAR, "").strip())


def conversations_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The data folder + conversations (see `data_dir`)."""
    return data_dir(environ) / "conversations"


def new_conversation_id(now: datetime) -> str:
    """Sortable by start time; the random tail keeps two starts in one second apart."""
    return f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


def resolve(id_or_path: str | Path, directory: Path | str | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """The file of a conversation: a path, an id, or a unique beginning of an id."""
    text = str(id_or_path).strip()
    if isinstance(id_or_path, Path) or os.sep in text or text.endswith(".jsonl"):
        path = Path(text).expanduser()
        if path.is_file():
            return path
        try:
            kind = special_file(path)
        except OSError:
            raise StoreError(f"no such conversation file: {path}") from None
        raise StoreError(f"{path} is {kind}, not a conversation file")
    if not text:
        raise StoreError("no conversation id given")
    folder = Path(directory) if directory is not None else conversations_dir(environ)
    ids = sorted(p.stem for p in conversation_files(folder))
    if text in ids:
        return folder / f"{text}.jsonl"
    matches = [i for i in ids if i.startswith(text)]
    if len(matches) == 1:
        return folder / f"{matches[0]}.jsonl"
    if matches:
        shown = ", ".join(matches[:5]) + (", …" if len(matches) > 5 else "")
        raise StoreError(f"{text!r} matches {len(matches)} conversations ({shown}): give more of the id")
    if not ids:
        raise StoreError(f"no conversation {text!r}: none saved yet in {folder}")
    closest = difflib.get_close_matches(text, ids, n=3, cutoff=0.3) or ids[::-1][:3]
    raise StoreError(f"no conversation {text!r} in {folder}; closest: {', '.join(closest)}")


def conversation_files(folder: Path) -> list[Path]:
    """The .jsonl files in `folder` (none if it does not exist yet)."""
    try:
        return [p for p in folder.iterdir() if p.suffix == ".jsonl" and p.is_file()]
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise StoreError(f"cannot read {folder}: {exc.strerror or exc}") from None
