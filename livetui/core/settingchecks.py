"""One check per setting, shared by the config file (core.configfile) and the flags (livetui.cli.args).

Each takes the raw value (TOML's, or a flag's text already converted) and returns the
value to use, or raises BadValue saying what is wrong, but not where: the caller knows
the file and line, or the flag.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from .carryover import MIN_BUDGET_CHARS
from .files import special_file
from .keynames import bad_key_names
from .modelsettings import LEVELS
from .settings import CHUNK_MS_RANGE, ECHO_MODES, ENGINES, METER_HZ_RANGE


class BadValue(ValueError):
    """What is wrong with a value, without saying where it came from."""


def show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return "a table" if isinstance(value, dict) else "a list"
    return repr(value)


def choice(*choices: str) -> Callable[[object], str]:
    def check(value: object) -> str:
        if isinstance(value, str) and value.strip().lower() in choices:
            return value.strip().lower()
        raise BadValue(f"must be {' or '.join(repr(c) for c in choices)}, not {show(value)}")

    return check


def non_empty(value: object) -> str:
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise BadValue(f"must be a non-empty string, not {show(value)}")


def model_name(value: object) -> str:
    name = non_empty(value)
    if any(c.isspace() for c in name):
        raise BadValue(f"must be a model name without spaces, not {show(value)}")
    return name


_BCP47 = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


def language_tag(value: object) -> str:
    if isinstance(value, str) and _BCP47.fullmatch(value.strip()):
        return value.strip()
    raise BadValue(f"must be a BCP-47 language tag like 'en-US', not {show(value)}")


def boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    raise BadValue(f"must be true or false, not {show(value)}")


def count(value: object) -> int:
    # bool is an int in Python, but `true` for a number of milliseconds is a mistake.
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise BadValue(f"must be a whole number, 0 or more, not {show(value)}")


def budget(value: object) -> int:
    # Below this a summary can't hold even the newest turn (see core.carryover).
    if isinstance(value, int) and not isinstance(value, bool) and value >= MIN_BUDGET_CHARS:
        return value
    raise BadValue(f"must be a whole number of characters, {MIN_BUDGET_CHARS} or more, not {show(value)}")


def between(low: int, high: int, unit: str) -> Callable[[object], int]:
    def check(value: object) -> int:
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            return value
        raise BadValue(f"must be a whole number of {unit} from {low} to {high}, not {show(value)}")

    return check


chunk_ms = between(*CHUNK_MS_RANGE, "milliseconds")
meter_hz = between(*METER_HZ_RANGE, "updates a second")
echo_mode = choice(*ECHO_MODES)
audio_engine = choice(*ENGINES)


def device(value: object) -> str:
    """A device index (a number in the file, or digits) or part of a device name, kept as text."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise BadValue(f"must be a device index (0 or more) or part of a device name, not {show(value)}")


def folder(value: object, base: Path) -> Path:
    """A folder path (relative to `base`, ~ expanded). It need not exist yet, but must not be a file."""
    if not isinstance(value, str) or not value.strip():
        raise BadValue(f"must be a folder path, not {show(value)}")
    path = (base / Path(value.strip()).expanduser()).absolute()
    if path.exists() and not path.is_dir():
        raise BadValue(f"must be a folder, not the file {path}")
    return path


def modality(value: object) -> str:
    return choice("text", "audio")(value).upper()


def vad_mode(value: object) -> bool:
    return choice("auto", "manual")(value) == "auto"


sensitivity = choice("high", "low")
thinking_level = choice(*LEVELS)  # which of them the model takes is checked once the model is known


def key_binding(value: object) -> str:
    if isinstance(value, str) and value.strip():
        if bad := bad_key_names(value):  # a binding to an unknown name would never fire
            names = ", ".join(repr(b) for b in bad)
            raise BadValue(f"= {show(value)}: {names} is not a key name (like 'ctrl+o', 'f10', 'pageup', 'slash')")
        return value.strip()
    raise BadValue(f"must be a non-empty string of key names like 'ctrl+o', not {show(value)}")


def instruction(value: object, base: Path) -> str:
    """Text, or '@path' to read it from a file (relative to `base`, ~ expanded); '@@' is a literal '@'."""
    text = value if isinstance(value, str) else None
    if text is None:
        raise BadValue(f"must be a string, not {show(value)}")
    if text.startswith("@@"):
        return text[1:]
    if not text.startswith("@"):
        return text
    path = base / Path(text[1:]).expanduser()
    try:
        return read_small_text(path).strip()
    except FileNotFoundError:
        raise BadValue(f"no such file: {path}") from None
    except UnicodeDecodeError:
        raise BadValue(f"{path} is not UTF-8 text") from None
    except OSError as exc:
        raise BadValue(f"cannot read {path}: {exc.strerror or exc}") from None


INSTRUCTION_MAX_BYTES = 1_000_000  # a system instruction is prose; more is a wrong file


def read_small_text(path: Path) -> str:
    """A regular file's text, refused (before reading) when it is a FIFO, a device or a
    folder (reading one could hang or never end) or larger than INSTRUCTION_MAX_BYTES."""
    if (why := special_file(path)) is not None:
        raise BadValue(f"{path} is {why}, not a text file")
    # O_NONBLOCK: a FIFO swapped in after the check must not block the open
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "rb") as f:
        if (why := special_file(os.fstat(fd))) is not None:
            raise BadValue(f"{path} is {why}, not a text file")
        data = f.read(INSTRUCTION_MAX_BYTES + 1)
    if len(data) > INSTRUCTION_MAX_BYTES:
        raise BadValue(f"{path} is larger than {INSTRUCTION_MAX_BYTES // 1_000_000} MB: not a system instruction")
    return data.decode("utf-8")



def tools_file(value: object, base: Path) -> Path:
    """A declarations file's path (relative to `base`, ~ expanded); read later, by core.tools.load."""
    if not isinstance(value, str) or not value.strip():
        raise BadValue(f"must be the path of a .toml or .json file, not {show(value)}")
    return (base / Path(value.strip()).expanduser()).absolute()
