"""Settings, loaded once at start-up: defaults < config file (TOML) < command-line flags.

Errors name the file and the line, because a user fixing a config file needs
nothing else. Settings never hold an API key: the SDK reads it from the
environment itself, so it cannot leak through here.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import platformdirs

from .. import __version__
from .answers import Answers, answers_for
from .carryover import MIN_BUDGET_CHARS
from .events import Modality
from .files import special_file
from .keynames import bad_key_names
from .models import DEFAULT_MODEL
from .models import info as model_info
from .modelsettings import LEVELS, thinking_fix, thinking_problems
from .modes import MODES, Mode, mode_fields, mode_live_config

__all__ = [
    "CHUNK_MS_RANGE",
    "DEFAULT_MODEL",
    "ECHO_MODES",
    "METER_HZ_RANGE",
    "AudioSettings",
    "ConfigError",
    "EchoMode",
    "Modality",
    "Settings",
    "VadSettings",
    "build_parser",
    "check_binding_ids",
    "default_config_path",
    "load_settings",
    "settings_from_args",
]

APP_NAME = "livetui"

Sensitivity = Literal["high", "low"]
EchoMode = Literal["headset", "speaker"]
ECHO_MODES: tuple[EchoMode, ...] = ("headset", "speaker")
CHUNK_MS_RANGE = (20, 40)  # mic chunk length sent to the service, inclusive
METER_HZ_RANGE = (5, 30)  # how often the UI pulls levels, inclusive


@dataclass(frozen=True)
class VadSettings:
    automatic: bool = True  # server-side activity detection; False: push-to-talk (the client marks activity)
    start_sensitivity: Sensitivity | None = None  # None: the service's default
    end_sensitivity: Sensitivity | None = None
    prefix_padding_ms: int | None = None
    silence_duration_ms: int | None = None

    def realtime_input_config(self) -> dict[str, Any]:
        """The LiveConnectConfig's `realtime_input_config`; empty when nothing is set."""
        if not self.automatic:
            return {"automatic_activity_detection": {"disabled": True}}
        detection: dict[str, Any] = {}
        if self.start_sensitivity:
            detection["start_of_speech_sensitivity"] = f"START_SENSITIVITY_{self.start_sensitivity.upper()}"
        if self.end_sensitivity:
            detection["end_of_speech_sensitivity"] = f"END_SENSITIVITY_{self.end_sensitivity.upper()}"
        if self.prefix_padding_ms is not None:
            detection["prefix_padding_ms"] = self.prefix_padding_ms
        if self.silence_duration_ms is not None:
            detection["silence_duration_ms"] = self.silence_duration_ms
        return {"automatic_activity_detection": detection} if detection else {}


@dataclass(frozen=True)
class AudioSettings:
    input_device: str | None = None  # a device index or part of its name; None: the system's default
    output_device: str | None = None
    chunk_ms: int = 20  # mic chunk length sent to the service (CHUNK_MS_RANGE)
    # headset: full duplex; speaker: half duplex, the mic gated while the model's audio plays (no echo)
    echo_mode: EchoMode = "headset"
    record_dir: Path | None = None  # both directions saved here as WAV files; None: no recording
    meter_hz: int = 15  # how often the UI pulls levels (METER_HZ_RANGE)
    mic_on_start: bool | None = None  # None: live in AUDIO sessions, muted in TEXT ones

    def __post_init__(self) -> None:
        low, high = CHUNK_MS_RANGE
        if not low <= self.chunk_ms <= high:
            raise ValueError(f"chunk_ms must be from {low} to {high}, not {self.chunk_ms}")
        low, high = METER_HZ_RANGE
        if not low <= self.meter_hz <= high:
            raise ValueError(f"meter_hz must be from {low} to {high}, not {self.meter_hz}")
        if self.echo_mode not in ECHO_MODES:
            raise ValueError(f"echo_mode must be 'headset' or 'speaker', not {self.echo_mode!r}")


@dataclass(frozen=True)
class Settings:
    model: str = DEFAULT_MODEL
    modality: Modality = "AUDIO"
    voice: str | None = None
    language: str | None = None  # BCP-47, e.g. "en-US"
    system_instruction: str = ""
    vad: VadSettings = VadSettings()
    audio: AudioSettings = AudioSettings()
    mouse: bool = True
    sim: bool = False  # force the built-in simulator
    # binding id -> key(s), applied with App.set_keymap; ids checked by check_binding_ids at start-up
    keys: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    # Past this many tokens in context the service drops the oldest turns (half of them).
    context_trigger_tokens: int = 100_000
    carry_over_budget: int = 6000  # characters of earlier conversation replayed into a new session
    # Thinking, where the model takes it (core.models): a level ("minimal".."high"; None: the
    # model's default) and whether thought summaries are sent to be shown apart from the answer.
    thinking_level: str | None = None
    show_thoughts: bool = False
    # chat, or a pipeline model: the interpreter (`translate_to`: a BCP-47 tag) or dictation (core.modes)
    mode: Mode = "chat"
    translate_to: str | None = None
    # A model the console did not know to be audio-only until the service refused TEXT
    # answers from it (1007): its text answers come from the transcript (core.answers).
    refused_text_model: str | None = None
    config_path: Path | None = None  # the file these came from, if any

    def __post_init__(self) -> None:
        if self.modality not in ("TEXT", "AUDIO"):
            raise ValueError(f"modality must be 'TEXT' or 'AUDIO', not {self.modality!r}")
        if self.mode not in MODES or (self.mode == "translate") != bool(self.translate_to):
            raise ValueError(f"mode {self.mode!r} with translate_to {self.translate_to!r}: a target language goes with translate only")
        if self.carry_over_budget < MIN_BUDGET_CHARS:
            raise ValueError(f"carry_over_budget must be at least {MIN_BUDGET_CHARS} characters")
        # A read-only copy, so a frozen Settings stays unchanged whoever held the dict.
        object.__setattr__(self, "keys", MappingProxyType(dict(self.keys)))

    def live_config(self) -> dict[str, Any]:
        """The LiveConnectConfig, as a plain dict for `client.aio.live.connect(config=...)`."""
        if self.mode != "chat":
            return mode_live_config(self)  # the interpreter and dictation take their own, smaller config
        asked = self.answers().asked  # AUDIO from a model that only speaks, whatever the user chose
        config: dict[str, Any] = {
            "response_modalities": [asked],
            # Typed and spoken turns both belong in the transcript, whatever the answer's modality:
            # spoken input into a TEXT session is transcribed too.
            "input_audio_transcription": {},
            "session_resumption": {},
        }
        if asked == "AUDIO":
            config["output_audio_transcription"] = {}  # spoken answers, as text in the history (or as the text answer)
            speech: dict[str, Any] = {}
            if self.voice:
                speech["voice_config"] = {"prebuilt_voice_config": {"voice_name": self.voice}}
            if self.language:
                speech["language_code"] = self.language
            if speech:
                config["speech_config"] = speech
        if self.system_instruction:
            config["system_instruction"] = self.system_instruction
        thinking = self.thinking_config()
        if thinking:
            config["thinking_config"] = thinking
        realtime = self.vad.realtime_input_config()
        if realtime:
            config["realtime_input_config"] = realtime
        # A sliding window keeps a session going past the context limit.
        config["context_window_compression"] = {
            "trigger_tokens": self.context_trigger_tokens,
            "sliding_window": {"target_tokens": self.context_trigger_tokens // 2},
        }
        return config

    def thinking_config(self) -> dict[str, Any]:
        """What this model takes of the thinking settings; empty when it takes none
        (gemini-3.8-live refuses any thinking_config, so none is sent)."""
        model = model_info(self.model)
        if model is None:
            return {}
        config: dict[str, Any] = {}
        if model.thinking == "level" and self.thinking_level in model.thinking_levels:
            config["thinking_level"] = self.thinking_level
        if model.thoughts and model.thinking != "none" and self.show_thoughts:
            config["include_thoughts"] = True
        return config

    def answers(self) -> Answers:
        """What this session asks the service for, and how its answers are shown and played."""
        return answers_for(self.model, self.modality, refused_text=self.model == self.refused_text_model)

    def with_modality(self, modality: Modality) -> Settings:
        return replace(self, modality=modality)


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


# --- values: one check per setting, shared by the file and the flags -------------


class _Bad(ValueError):
    """What is wrong with a value, without saying where it came from."""


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return "a table" if isinstance(value, dict) else "a list"
    return repr(value)


def _choice(*choices: str) -> Callable[[object], str]:
    def check(value: object) -> str:
        if isinstance(value, str) and value.strip().lower() in choices:
            return value.strip().lower()
        raise _Bad(f"must be {' or '.join(repr(c) for c in choices)}, not {_show(value)}")

    return check


def _text(value: object) -> str:
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise _Bad(f"must be a non-empty string, not {_show(value)}")


def _model(value: object) -> str:
    name = _text(value)
    if any(c.isspace() for c in name):
        raise _Bad(f"must be a model name without spaces, not {_show(value)}")
    return name


_BCP47 = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


def _language(value: object) -> str:
    if isinstance(value, str) and _BCP47.fullmatch(value.strip()):
        return value.strip()
    raise _Bad(f"must be a BCP-47 language tag like 'en-US', not {_show(value)}")


def _bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    raise _Bad(f"must be true or false, not {_show(value)}")


def _count(value: object) -> int:
    # bool is an int in Python, but `true` for a number of milliseconds is a mistake.
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise _Bad(f"must be a whole number, 0 or more, not {_show(value)}")


def _budget(value: object) -> int:
    # Below this a summary can't hold even the newest turn (see core.carryover).
    if isinstance(value, int) and not isinstance(value, bool) and value >= MIN_BUDGET_CHARS:
        return value
    raise _Bad(f"must be a whole number of characters, {MIN_BUDGET_CHARS} or more, not {_show(value)}")


def _between(low: int, high: int, unit: str) -> Callable[[object], int]:
    def check(value: object) -> int:
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            return value
        raise _Bad(f"must be a whole number of {unit} from {low} to {high}, not {_show(value)}")

    return check


_chunk_ms = _between(*CHUNK_MS_RANGE, "milliseconds")
_meter_hz = _between(*METER_HZ_RANGE, "updates a second")
_echo_mode = _choice(*ECHO_MODES)


def _device(value: object) -> str:
    """A device index (a number in the file, or digits) or part of a device name, kept as text."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise _Bad(f"must be a device index (0 or more) or part of a device name, not {_show(value)}")


def _folder(value: object, base: Path) -> Path:
    """A folder path (relative to `base`, ~ expanded). It need not exist yet, but must not be a file."""
    if not isinstance(value, str) or not value.strip():
        raise _Bad(f"must be a folder path, not {_show(value)}")
    path = (base / Path(value.strip()).expanduser()).absolute()
    if path.exists() and not path.is_dir():
        raise _Bad(f"must be a folder, not the file {path}")
    return path


def _modality(value: object) -> str:
    return _choice("text", "audio")(value).upper()


def _vad_mode(value: object) -> bool:
    return _choice("auto", "manual")(value) == "auto"


_sensitivity = _choice("high", "low")
_thinking_level = _choice(*LEVELS)  # which of them the model takes is checked once the model is known


def _key_binding(value: object) -> str:
    if isinstance(value, str) and value.strip():
        if bad := bad_key_names(value):  # a binding to an unknown name would never fire
            names = ", ".join(repr(b) for b in bad)
            raise _Bad(f"= {_show(value)}: {names} is not a key name (like 'ctrl+o', 'f10', 'pageup', 'slash')")
        return value.strip()
    raise _Bad(f"must be a non-empty string of key names like 'ctrl+o', not {_show(value)}")


def _instruction(value: object, base: Path) -> str:
    """Text, or '@path' to read it from a file (relative to `base`, ~ expanded); '@@' is a literal '@'."""
    text = value if isinstance(value, str) else None
    if text is None:
        raise _Bad(f"must be a string, not {_show(value)}")
    if text.startswith("@@"):
        return text[1:]
    if not text.startswith("@"):
        return text
    path = base / Path(text[1:]).expanduser()
    try:
        return _read_small_text(path).strip()
    except FileNotFoundError:
        raise _Bad(f"no such file: {path}") from None
    except UnicodeDecodeError:
        raise _Bad(f"{path} is not UTF-8 text") from None
    except OSError as exc:
        raise _Bad(f"cannot read {path}: {exc.strerror or exc}") from None


INSTRUCTION_MAX_BYTES = 1_000_000  # a system instruction is prose; more is a wrong file


def _read_small_text(path: Path) -> str:
    """A regular file's text, refused (before reading) when it is a FIFO, a device or a
    folder (reading one could hang or never end) or larger than INSTRUCTION_MAX_BYTES."""
    if (why := special_file(path)) is not None:
        raise _Bad(f"{path} is {why}, not a text file")
    # O_NONBLOCK: a FIFO swapped in after the check must not block the open
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "rb") as f:
        if (why := special_file(os.fstat(fd))) is not None:
            raise _Bad(f"{path} is {why}, not a text file")
        data = f.read(INSTRUCTION_MAX_BYTES + 1)
    if len(data) > INSTRUCTION_MAX_BYTES:
        raise _Bad(f"{path} is larger than {INSTRUCTION_MAX_BYTES // 1_000_000} MB: not a system instruction")
    return data.decode("utf-8")


# Top-level keys of the file -> (Settings field, check).
_TOP: dict[str, Callable[[object], Any]] = {
    "model": _model,
    "modality": _modality,
    "voice": _text,
    "language": _language,
    "mouse": _bool,
    "sim": _bool,
    "carry_over_budget": _budget,
    "thinking_level": _thinking_level,
    "show_thoughts": _bool,
    # system_instruction is read with the file's folder as base, below
}
_VAD: dict[str, tuple[str, Callable[[object], Any]]] = {
    "mode": ("automatic", _vad_mode),
    "start_sensitivity": ("start_sensitivity", _sensitivity),
    "end_sensitivity": ("end_sensitivity", _sensitivity),
    "prefix_padding_ms": ("prefix_padding_ms", _count),
    "silence_duration_ms": ("silence_duration_ms", _count),
}
# Keys of [audio] (all named as the AudioSettings fields) -> check; record_dir is read below.
_AUDIO: dict[str, Callable[[object], Any]] = {
    "input_device": _device,
    "output_device": _device,
    "chunk_ms": _chunk_ms,
    "echo_mode": _echo_mode,
    "meter_hz": _meter_hz,
    "mic_on_start": _bool,
}
_AUDIO_KNOWN = (*_AUDIO, "record_dir")
_TABLES = ("vad", "audio", "keys")
_TOP_KNOWN = (*_TOP, "system_instruction", *_TABLES)


# --- flags -----------------------------------------------------------------------


def _flag(check: Callable[[object], Any], convert: Callable[[str], object] = str) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
        try:
            return check(value)
        except _Bad as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="livetui", description="A keyboard-driven terminal console for the Gemini Live API.")
    p.add_argument("--version", action="version", version=f"livetui {__version__}")
    p.add_argument("--config", type=Path, metavar="PATH", help=f"settings file (default: {default_config_path()}, if it exists)")
    p.add_argument("--model", type=_flag(_model), help=f"Live model (default {DEFAULT_MODEL})")
    p.add_argument("--modality", type=_flag(_modality), metavar="{text,audio}", help="audio or text answers (default audio; from a model that only speaks, text answers are its transcript)")
    p.add_argument("--voice", type=_flag(_text), help="prebuilt voice for audio answers, e.g. Kore")
    p.add_argument("--language", type=_flag(_language), metavar="TAG", help="BCP-47 language of spoken answers, e.g. en-US")
    p.add_argument("--system-instruction", metavar="TEXT|@FILE", help="system instruction, or @FILE to read it from a file")
    p.add_argument("--thinking-level", type=_flag(_thinking_level), metavar="LEVEL",
                   help=f"how much the model thinks: {', '.join(LEVELS)}, where the model takes a level")
    p.add_argument("--show-thoughts", action=argparse.BooleanOptionalAction, default=None,
                   help="ask for thought summaries, shown apart from the answer, where the model sends them")
    vad = p.add_argument_group("voice activity detection")
    vad.add_argument("--vad", type=_flag(_vad_mode), metavar="{auto,manual}", help="auto: the service detects speech; manual: push to talk")
    vad.add_argument("--push-to-talk", dest="vad", action="store_const", const=False, help="the same as --vad manual")
    vad.add_argument("--vad-start-sensitivity", type=_flag(_sensitivity), metavar="{high,low}")
    vad.add_argument("--vad-end-sensitivity", type=_flag(_sensitivity), metavar="{high,low}")
    vad.add_argument("--vad-prefix-padding-ms", type=_flag(_count, int), metavar="N")
    vad.add_argument("--vad-silence-ms", type=_flag(_count, int), metavar="N", help="silence that ends a turn")
    audio = p.add_argument_group("audio")
    audio.add_argument("--input-device", type=_flag(_device), metavar="X", help="microphone: a device index or part of its name")
    audio.add_argument("--output-device", type=_flag(_device), metavar="X", help="speaker: a device index or part of its name")
    audio.add_argument("--list-devices", action="store_true", help="print the audio devices and exit")
    chunk, meter = CHUNK_MS_RANGE, METER_HZ_RANGE
    audio.add_argument("--chunk-ms", type=_flag(_chunk_ms, int), metavar="N", help=f"ms of mic audio per message, {chunk[0]}-{chunk[1]}")
    audio.add_argument(
        "--echo-mode",
        type=_flag(_echo_mode),
        metavar="{headset,speaker}",
        help="headset (default): talk over answers; speaker: the mic is off while one plays",
    )
    record = _flag(lambda value: _folder(value, Path.cwd()))
    audio.add_argument("--record", type=record, metavar="DIR", help="save the audio both ways as WAV files in DIR")
    audio.add_argument("--meter-hz", type=_flag(_meter_hz, int), metavar="N", help=f"level meter updates per second, {meter[0]}-{meter[1]}")
    audio.add_argument(
        "--mic",
        dest="mic_on_start",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="microphone live at start, or muted (default: live in audio sessions only)",
    )
    p.add_argument("--no-mouse", dest="mouse", action="store_false", default=None, help="no mouse tracking (less traffic over SSH)")
    p.add_argument("--sim", action="store_true", default=None, help="use the built-in offline simulator, even with an API key")
    p.add_argument("--resume", nargs="?", const="latest", default=None, metavar="ID",
                   help="continue a saved conversation (the latest without ID; see `livetui history`)")
    p.add_argument("--debug", action="store_true", help="write more detail to the log file")
    modes = p.add_argument_group("modes").add_mutually_exclusive_group()
    modes.add_argument("--translate", metavar="LANG", help="interpreter: your speech translated into LANG (e.g. fr), spoken and shown")
    modes.add_argument("--transcribe", action="store_true", help="dictation: live captions of what you say, nothing spoken back")
    return p


# --- the file ----------------------------------------------------------------------


def _key_line(text: str, section: str, key: str) -> int | None:
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


def _check_thinking(top: dict[str, Any], args: argparse.Namespace, path: Path | None) -> None:
    """A thinking setting the chosen model cannot take is an error, from a flag or the file, never dropped."""
    model = top.get("model", DEFAULT_MODEL)
    problems = thinking_problems(model, top.get("thinking_level"), top.get("show_thoughts", False))
    for key, why in problems.items():
        fix = thinking_fix(model, key)
        if getattr(args, key, None) is not None or path is None:
            raise ConfigError(f"--{key.replace('_', '-')}: {why} · {fix}")
        text = path.read_text(encoding="utf-8")
        raise ConfigError(f"{key}: {why} · {fix}", path, _key_line(text, "", key))


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
        return ConfigError(message, self.path, _key_line(self.text, section, key))

    def check(self, section: str, key: str, check: Callable[[object], Any], value: object) -> Any:
        try:
            return check(value)
        except _Bad as exc:
            name = f"{section}.{key}" if section else key
            raise self.fail(section, key, f"{name} {exc}") from None

    def unknown(self, section: str, key: str, known: Sequence[str]) -> ConfigError:
        name = f"{section}.{key}" if section else key
        close = difflib.get_close_matches(key, known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else f" (known: {', '.join(known)})"
        return self.fail(section, key, f"unknown setting '{name}'{hint}")

    def read(self) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, str]]:
        try:
            data = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as exc:
            message = str(exc)
            m = re.search(r"\s*\(at line (\d+), column (\d+)\)", message)
            if m:
                detail = f"{message[: m.start()]} (column {m.group(2)})"
                raise ConfigError(f"not valid TOML: {detail}", self.path, int(m.group(1))) from None
            raise ConfigError(f"not valid TOML: {message}", self.path) from None
        top: dict[str, Any] = {}
        vad: dict[str, Any] = {}
        audio: dict[str, Any] = {}
        keys: dict[str, str] = {}
        for key, value in data.items():
            if key in _TABLES:
                if not isinstance(value, dict):
                    raise self.fail("", key, f"{key} must be a table ([{key}]), not {_show(value)}")
                if key == "vad":
                    for name, item in value.items():
                        if name not in _VAD:
                            raise self.unknown("vad", name, list(_VAD))
                        target, check = _VAD[name]
                        vad[target] = self.check("vad", name, check, item)
                elif key == "audio":
                    for name, item in value.items():
                        if name == "record_dir":
                            audio[name] = self.check("audio", name, lambda v: _folder(v, self.path.parent), item)
                        elif name in _AUDIO:
                            audio[name] = self.check("audio", name, _AUDIO[name], item)
                        else:
                            raise self.unknown("audio", name, _AUDIO_KNOWN)
                else:
                    keys.update({name: self.check("keys", name, _key_binding, item) for name, item in value.items()})
            elif key == "system_instruction":
                top[key] = self.check("", key, lambda v: _instruction(v, self.path.parent), value)
            elif key in _TOP:
                top[key] = self.check("", key, _TOP[key], value)
            else:
                raise self.unknown("", key, _TOP_KNOWN)
        return top, vad, audio, keys


# --- all together --------------------------------------------------------------------


def load_settings(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from defaults, then the config file, then the flags (argparse exits 2 on a bad flag)."""
    return settings_from_args(build_parser().parse_args(None if argv is None else list(argv)), environ)


def _config_file(given: Path | None, environ: Mapping[str, str] | None) -> Path | None:
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


def settings_from_args(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from defaults, then the config file, then flags already parsed by `build_parser()`.

    Flags that are commands rather than settings (--list-devices) are the caller's to act on.
    """
    path = _config_file(args.config.expanduser() if args.config is not None else None, environ)

    top: dict[str, Any] = {}
    vad: dict[str, Any] = {}
    audio: dict[str, Any] = {}
    keys: dict[str, str] = {}
    if path is not None:
        top, vad, audio, keys = _FileReader(path).read()

    for name in ("model", "modality", "voice", "language", "mouse", "sim", "thinking_level", "show_thoughts"):
        if (value := getattr(args, name, None)) is not None:
            top[name] = value
    _check_thinking(top, args, path)
    if args.system_instruction is not None:
        try:
            top["system_instruction"] = _instruction(args.system_instruction, Path.cwd())
        except _Bad as exc:
            raise ConfigError(f"--system-instruction: {exc}") from None
    for flag, target in (
        ("vad", "automatic"),
        ("vad_start_sensitivity", "start_sensitivity"),
        ("vad_end_sensitivity", "end_sensitivity"),
        ("vad_prefix_padding_ms", "prefix_padding_ms"),
        ("vad_silence_ms", "silence_duration_ms"),
    ):
        if (value := getattr(args, flag)) is not None:
            vad[target] = value
    for name in ("input_device", "output_device", "chunk_ms", "echo_mode", "meter_hz", "mic_on_start"):
        if (value := getattr(args, name)) is not None:
            audio[name] = value
    if args.record is not None:
        audio["record_dir"] = args.record
    try:  # --translate / --transcribe choose their model (a file's chat model does not apply)
        top.update(mode_fields(getattr(args, "translate", None), bool(getattr(args, "transcribe", False)), args.model))
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    if top.get("mode"):
        audio.setdefault("mic_on_start", True)  # a pipeline only hears: the mic is live unless told otherwise
    return Settings(**top, vad=VadSettings(**vad), audio=AudioSettings(**audio), keys=keys, config_path=path)


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
        line = _key_line(path.read_text(encoding="utf-8"), "keys", name)
    except (OSError, UnicodeDecodeError):  # read once already; a line number is a bonus
        line = None
    raise ConfigError(message, path, line)
