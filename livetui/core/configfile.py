"""The config file: which one is read, its TOML read into checked values, and its errors.

Errors name the file and the line, because a user fixing a config file needs nothing
else. The file is the middle layer of the settings: defaults (core.settings) < this file
< the flags (livetui.cli.args, which merges the three).
"""

from __future__ import annotations

import difflib
import os
import re
import sys
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from . import settingchecks as checks
from .files import special_file
from .prices import PriceError, check_prices

if TYPE_CHECKING:
    from .settings import Settings

__all__ = [
    "ConfigError",
    "FileValues",
    "check_binding_ids",
    "check_theme",
    "default_config_path",
    "find_config_file",
    "key_line",
    "read_config_file",
]

APP_NAME = "livetui"


class ConfigError(ValueError):
    """A setting that cannot be used; str() is one line naming the file and line when known."""

    def __init__(self, message: str, path: Path | None = None, line: int | None = None) -> None:
        self.message, self.path, self.line = message, path, line
        where = "" if path is None else f"{path}, line {line}: " if line else f"{path}: "
        super().__init__(where + message)


def default_config_path(environ: Mapping[str, str] | None = None) -> Path:
    """platformdirs' user config folder + config.toml (honours XDG_CONFIG_HOME).

    With `environ`, XDG_CONFIG_HOME is read from it rather than from os.environ,
    by the same rule platformdirs applies on Linux and the BSDs.
    """
    if environ is not None and os.name == "posix" and sys.platform != "darwin":
        xdg = environ.get("XDG_CONFIG_HOME", "").strip()
        base = Path(xdg) if xdg else Path.home() / ".config"
        return base / APP_NAME / "config.toml"
    return platformdirs.user_config_path(APP_NAME) / "config.toml"


def find_config_file(given: Path | None, environ: Mapping[str, str] | None) -> Path | None:
    """The config file to read: `given` (--config), which must be one, or the default
    path if anything is there. Whatever is at either path but is not a readable file is
    an error, never silently passed over (the user's settings would vanish unseen)."""
    path = given if given is not None else default_config_path(environ)
    try:
        kind = special_file(path)
    except FileNotFoundError:
        if path.is_symlink():  # a dotfiles link whose target moved
            raise ConfigError(f"is a link to {os.readlink(path)}, which does not exist", path) from None
        if given is not None:
            raise ConfigError("no such config file", path) from None
        return None  # the default file is optional
    except NotADirectoryError:
        if given is not None:
            raise ConfigError("no such config file", path) from None
        blocker = next((p for p in reversed(path.parents) if p.exists() and not p.is_dir()), path.parent)
        raise ConfigError(f"is a file, not a folder: the settings go in {path}", blocker) from None
    except OSError as exc:  # permission denied on a folder above, a symlink loop...
        raise ConfigError(f"cannot read it: {exc.strerror or exc}", path) from None
    if kind is not None:
        raise ConfigError(f"is {kind}, not a config file", path)
    return path


def key_line(text: str, section: str, key: str) -> int | None:
    """The line where `key` is set inside [section] ('' for the top level), if it can be found."""
    current, fallback = "", None
    header = re.compile(r"\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?")
    assign = re.compile(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=")
    dotted = re.compile(rf"\s*{re.escape(section)}\s*\.\s*{re.escape(key)}\s*=") if section else None
    table = re.compile(rf"\s*{re.escape(section)}\s*=") if section else None
    for number, line in enumerate(text.splitlines(), 1):
        if m := header.fullmatch(line):
            current = m.group(1).strip("\"'")
            if section and current == section and fallback is None:
                fallback = number
        elif current == section and assign.match(line):
            return number
        elif current == "" and dotted and (dotted.match(line) or (table and table.match(line))):
            fallback = number  # vad.mode = ... or vad = { ... }
    return fallback


# Top-level keys of the file -> check.
_TOP: dict[str, Callable[[object], Any]] = {
    "model": checks.model_name,
    "modality": checks.modality,
    "voice": checks.non_empty,
    "language": checks.language_tag,
    "mouse": checks.boolean,
    "sim": checks.boolean,
    "carry_over_budget": checks.budget,
    "thinking_level": checks.thinking_level,
    "show_thoughts": checks.boolean,
    "theme": checks.non_empty,  # its name checked against the UI's themes by check_theme
    # system_instruction is read with the file's folder as base, below
}
_VAD: dict[str, tuple[str, Callable[[object], Any]]] = {
    "mode": ("automatic", checks.vad_mode),
    "start_sensitivity": ("start_sensitivity", checks.sensitivity),
    "end_sensitivity": ("end_sensitivity", checks.sensitivity),
    "prefix_padding_ms": ("prefix_padding_ms", checks.count),
    "silence_duration_ms": ("silence_duration_ms", checks.count),
}
# Keys of [audio] (all named as the AudioSettings fields) -> check; record_dir is read below.
_AUDIO: dict[str, Callable[[object], Any]] = {
    "input_device": checks.device,
    "output_device": checks.device,
    "chunk_ms": checks.chunk_ms,
    "echo_mode": checks.echo_mode,
    "meter_hz": checks.meter_hz,
    "mic_on_start": checks.boolean,
    "engine": checks.audio_engine,
    "silence_gate": checks.boolean,
}
_AUDIO_KNOWN = (*_AUDIO, "record_dir")
# Keys of [tools] -> check (search: Google Search grounding, `ToolBox.search`); `file`
# is checked apart, with the config file's folder as its base.
_TOOLS: dict[str, Callable[[object], Any]] = {
    "search": checks.boolean,
}
_TABLES = ("vad", "audio", "keys", "tools")
_TOP_KNOWN = (*_TOP, "system_instruction", *_TABLES)
_TOP_KNOWN = (*_TOP_KNOWN, "prices")  # [prices]: read by _FileReader.prices into top["prices"]


@dataclass
class FileValues:
    """What a config file sets, checked, by the Settings, VadSettings and AudioSettings
    field names (keys: binding id -> key names); what it leaves out is not there."""

    top: dict[str, Any] = field(default_factory=dict)
    vad: dict[str, Any] = field(default_factory=dict)
    audio: dict[str, Any] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    tools: dict[str, Any] = field(default_factory=dict)  # [tools]: file (a Path), search


def read_config_file(path: Path) -> FileValues:
    """The values `path` sets; ConfigError (with the line when known) for the first wrong one."""
    return _FileReader(path).read()


class _FileReader:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise ConfigError("not UTF-8 text", path) from None
        except OSError as exc:
            raise ConfigError(f"cannot read it: {exc.strerror or exc}", path) from None

    def fail(self, section: str, key: str, message: str) -> ConfigError:
        return ConfigError(message, self.path, key_line(self.text, section, key))

    def check(self, section: str, key: str, check: Callable[[object], Any], value: object) -> Any:
        try:
            return check(value)
        except checks.BadValue as exc:
            name = f"{section}.{key}" if section else key
            raise self.fail(section, key, f"{name} {exc}") from None

    def unknown(self, section: str, key: str, known: Sequence[str]) -> ConfigError:
        name = f"{section}.{key}" if section else key
        close = difflib.get_close_matches(key, known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else f" (known: {', '.join(known)})"
        return self.fail(section, key, f"unknown setting '{name}'{hint}")

    def read(self) -> FileValues:
        try:
            data = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as exc:
            message = str(exc)
            m = re.search(r"\s*\(at line (\d+), column (\d+)\)", message)
            if m:
                detail = f"{message[: m.start()]} (column {m.group(2)})"
                raise ConfigError(f"not valid TOML: {detail}", self.path, int(m.group(1))) from None
            raise ConfigError(f"not valid TOML: {message}", self.path) from None
        values = FileValues()
        top, vad, audio, keys = values.top, values.vad, values.audio, values.keys
        for key, value in data.items():
            if key == "prices":
                top[key] = self.prices(value)
                continue
            if key in _TABLES:
                if not isinstance(value, dict):
                    raise self.fail("", key, f"{key} must be a table ([{key}]), not {checks.show(value)}")
                if key == "vad":
                    for name, item in value.items():
                        if name not in _VAD:
                            raise self.unknown("vad", name, list(_VAD))
                        target, check = _VAD[name]
                        vad[target] = self.check("vad", name, check, item)
                elif key == "audio":
                    for name, item in value.items():
                        if name == "record_dir":
                            audio[name] = self.check("audio", name, lambda v: checks.folder(v, self.path.parent), item)
                        elif name in _AUDIO:
                            audio[name] = self.check("audio", name, _AUDIO[name], item)
                        else:
                            raise self.unknown("audio", name, _AUDIO_KNOWN)
                elif key == "tools":
                    values.tools.update(self._tools(value))
                else:
                    keys.update({name: self.check("keys", name, checks.key_binding, item) for name, item in value.items()})
            elif key == "system_instruction":
                top[key] = self.check("", key, lambda v: checks.instruction(v, self.path.parent), value)
            elif key in _TOP:
                top[key] = self.check("", key, _TOP[key], value)
            else:
                raise self.unknown("", key, _TOP_KNOWN)
        return values

    def _tools(self, table: dict[str, Any]) -> dict[str, Any]:
        tools: dict[str, Any] = {}
        for name, item in table.items():
            if name == "file":
                tools[name] = self.check("tools", name, lambda v: checks.tools_file(v, self.path.parent), item)
            elif name in _TOOLS:
                tools[name] = self.check("tools", name, _TOOLS[name], item)
            else:
                raise self.unknown("tools", name, ["file", *_TOOLS])
        return tools

    def prices(self, value: object) -> Any:
        """[prices]: models, each a table of USD per 1M tokens (core.prices), checked."""
        try:
            return check_prices(value)
        except PriceError as exc:
            where = "prices" if exc.model == "prices" else f'prices."{exc.model}"' + (f".{exc.key}" if exc.key else "")
            raise ConfigError(f"{where} {exc.message}", self.path, prices_line(self.text, exc.model, exc.key)) from None


def prices_line(text: str, model: str, key: str) -> int | None:
    """The line of [prices] where `model`'s `key` is set (or the model's own line), if found."""
    found: int | None = None
    in_prices = False
    for number, line in enumerate(text.splitlines(), 1):
        bare = line.strip()
        if bare.startswith("["):
            in_prices = bare.startswith("[prices")
            if in_prices and model in bare and found is None:
                found = number
                if not key:
                    return number
            elif found is not None:
                return found  # the model's table ended without the key
            continue
        if not in_prices:
            if bare.startswith("prices") and model in bare:  # prices."m".key = ... at the top level
                found = found or number
            continue
        if model in bare and found is None:  # [prices] "m" = { ... } or "m".key = ...
            found = number
            if not key or re.search(rf"\b{re.escape(key)}\s*=", bare):
                return number
        elif found is not None and key and re.match(rf"[\"']?{re.escape(key)}[\"']?\s*=", bare):
            return number
    return found


def check_binding_ids(settings: Settings, known: Sequence[str]) -> None:
    """Refuse a [keys] entry naming no binding: it would never fire. `known` comes from
    the UI (the one place bindings are defined); core itself knows none of them."""
    unknown = [name for name in settings.keys if name not in known]
    if not unknown:
        return
    name = unknown[0]
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    message = f"[keys]: no action called '{name}'{hint} · the actions are: {', '.join(known)}"
    path = settings.config_path
    if path is None:
        raise ConfigError(message)
    try:
        line = key_line(path.read_text(encoding="utf-8"), "keys", name)
    except (OSError, UnicodeDecodeError):  # read once already; a line number is a bonus
        line = None
    raise ConfigError(message, path, line)



def check_theme(settings: Settings, known: Sequence[str]) -> None:
    """Refuse a theme no one knows (the names come from the UI: core knows no themes)."""
    name = settings.theme
    if name is None or name in known:
        return
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    message = f"theme: no theme called '{name}'{hint} · the themes are: {', '.join(known)}"
    path = settings.config_path
    if path is None:
        raise ConfigError(message)
    try:
        line = key_line(path.read_text(encoding="utf-8"), "", "theme")
    except (OSError, UnicodeDecodeError):  # read once already; a line number is a bonus
        line = None
    raise ConfigError(message, path, line)
