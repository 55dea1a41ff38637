"""The command line's flags, and the settings they make: defaults < config file < flags.

Each flag's value goes through the same check as the file's (core.settingchecks), so a
value means the same wherever it is written. Errors are one line: argparse's (exit 2) for a
flag it cannot parse, ConfigError for the rest.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..core import settingchecks as checks
from ..core.configfile import (
    ConfigError,
    FileValues,
    default_config_path,
    find_config_file,
    key_line,
    read_config_file,
)
from ..core.models import DEFAULT_MODEL
from ..core.modelsettings import LEVELS, thinking_fix, thinking_problems
from ..core.modes import mode_fields
from ..core.settings import (
    CHUNK_MS_RANGE,
    METER_HZ_RANGE,
    AudioSettings,
    Settings,
    VadSettings,
)
from ..core.tools.spec import ToolBox
from ..version import version_line
from .paths import DATA_DIR_FLAG, DATA_DIR_HELP, data_dir_flag

__all__ = ["build_parser", "load_settings", "settings_from_args"]


def _flag(check: Callable[[object], Any], convert: Callable[[str], object] = str) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
        try:
            return check(value)
        except checks.BadValue as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="livetui", description="A keyboard-driven terminal console for the Gemini Live API.")
    p.add_argument("--version", action="version", version=version_line())
    p.add_argument("--config", type=Path, metavar="PATH", help=f"settings file (default: {default_config_path()}, if it exists)")
    p.add_argument("--model", type=_flag(checks.model_name), help=f"Live model (default {DEFAULT_MODEL})")
    p.add_argument("--modality", type=_flag(checks.modality), metavar="{text,audio}", help="audio or text answers (default audio; from a model that only speaks, text answers are its transcript)")
    p.add_argument("--voice", type=_flag(checks.non_empty), help="prebuilt voice for audio answers, e.g. Kore")
    p.add_argument("--language", type=_flag(checks.language_tag), metavar="TAG", help="BCP-47 language of spoken answers, e.g. en-US")
    p.add_argument("--system-instruction", metavar="TEXT|@FILE", help="system instruction, or @FILE to read it from a file")
    p.add_argument("--thinking-level", type=_flag(checks.thinking_level), metavar="LEVEL",
                   help=f"how much the model thinks: {', '.join(LEVELS)}, where the model takes a level")
    p.add_argument("--show-thoughts", action=argparse.BooleanOptionalAction, default=None,
                   help="ask for thought summaries, shown apart from the answer, where the model sends them")
    vad = p.add_argument_group("voice activity detection")
    vad.add_argument("--vad", type=_flag(checks.vad_mode), metavar="{auto,manual}", help="auto: the service detects speech; manual: push to talk")
    vad.add_argument("--push-to-talk", dest="vad", action="store_const", const=False, help="the same as --vad manual")
    vad.add_argument("--vad-start-sensitivity", type=_flag(checks.sensitivity), metavar="{high,low}")
    vad.add_argument("--vad-end-sensitivity", type=_flag(checks.sensitivity), metavar="{high,low}")
    vad.add_argument("--vad-prefix-padding-ms", type=_flag(checks.count, int), metavar="N")
    vad.add_argument("--vad-silence-ms", type=_flag(checks.count, int), metavar="N", help="silence that ends a turn")
    audio = p.add_argument_group("audio")
    audio.add_argument("--input-device", type=_flag(checks.device), metavar="X", help="microphone: a device index or part of its name")
    audio.add_argument("--output-device", type=_flag(checks.device), metavar="X", help="speaker: a device index or part of its name")
    audio.add_argument("--list-devices", action="store_true", help="print the audio devices and exit")
    chunk, meter = CHUNK_MS_RANGE, METER_HZ_RANGE
    audio.add_argument("--chunk-ms", type=_flag(checks.chunk_ms, int), metavar="N", help=f"ms of mic audio per message, {chunk[0]}-{chunk[1]}")
    audio.add_argument(
        "--echo-mode",
        type=_flag(checks.echo_mode),
        metavar="{headset,speaker}",
        help="headset (default): talk over answers; speaker: the mic is off while one plays",
    )
    audio.add_argument(
        "--audio-engine",
        dest="engine",
        type=_flag(checks.audio_engine),
        metavar="{process,thread}",
        help="process (default): the devices in a helper process, out of the UI's way; thread: in this one",
    )
    record = _flag(lambda value: checks.folder(value, Path.cwd()))
    audio.add_argument("--record", type=record, metavar="DIR", help="save the audio both ways as WAV files in DIR")
    audio.add_argument("--meter-hz", type=_flag(checks.meter_hz, int), metavar="N", help=f"level meter updates per second, {meter[0]}-{meter[1]}")
    audio.add_argument(
        "--mic",
        dest="mic_on_start",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="microphone live at start, or muted (default: live in audio sessions only)",
    )
    audio.add_argument(
        "--silence-gate",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="with --vad auto, stop sending the mic after a second of silence and resume when you speak (default: on)",
    )
    p.add_argument("--search", action=argparse.BooleanOptionalAction, default=None,
                   help="Google Search grounding: answers cite their web sources, shown numbered under them")
    p.add_argument("--no-mouse", dest="mouse", action="store_false", default=None, help="no mouse tracking (less traffic over SSH)")
    p.add_argument("--sim", action="store_true", default=None, help="use the built-in offline simulator, even with an API key")
    p.add_argument("--resume", nargs="?", const="latest", default=None, metavar="ID",
                   help="continue a saved conversation (the latest without ID; see `livetui history`)")
    p.add_argument("--debug", action="store_true", help="write more detail to the log file")
    tools = p.add_argument_group("tools")
    tools.add_argument("--tools", type=Path, metavar="FILE",
                       help="functions the model may call, declared in a TOML or JSON file (check one with `livetui tools check FILE`)")
    p.add_argument(DATA_DIR_FLAG, type=data_dir_flag, metavar="DIR", help=DATA_DIR_HELP)
    modes = p.add_argument_group("modes").add_mutually_exclusive_group()
    modes.add_argument("--translate", metavar="LANG", help="interpreter: your speech translated into LANG (e.g. fr), spoken and shown")
    modes.add_argument("--transcribe", action="store_true", help="dictation: live captions of what you say, nothing spoken back")
    return p


def load_settings(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from defaults, then the config file, then the flags (argparse exits 2 on a bad flag)."""
    return settings_from_args(build_parser().parse_args(None if argv is None else list(argv)), environ)


def settings_from_args(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from defaults, then the config file, then flags already parsed by `build_parser()`.

    Flags that are commands rather than settings (--list-devices) are the caller's to act on.
    """
    path = find_config_file(args.config.expanduser() if args.config is not None else None, environ)

    values = read_config_file(path) if path is not None else FileValues()
    top, vad, audio, keys = values.top, values.vad, values.audio, values.keys

    for name in ("model", "modality", "voice", "language", "mouse", "sim", "thinking_level", "show_thoughts"):
        if (value := getattr(args, name, None)) is not None:
            top[name] = value
    _check_thinking(top, args, path)
    if args.system_instruction is not None:
        try:
            top["system_instruction"] = checks.instruction(args.system_instruction, Path.cwd())
        except checks.BadValue as exc:
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
    for name in ("input_device", "output_device", "chunk_ms", "echo_mode", "meter_hz", "mic_on_start", "engine", "silence_gate"):
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
    tools_file = args.tools.expanduser() if getattr(args, "tools", None) is not None else values.tools.get("file")
    tools = replace(_tools(tools_file), search=_search(values.tools, args))
    return Settings(**top, vad=VadSettings(**vad), audio=AudioSettings(**audio), keys=keys, config_path=path, tools=tools)


def _tools(path: Path | None) -> ToolBox:
    """The declared functions (the flag's file, else the config file's); a bad file is one line."""
    if path is None:
        return ToolBox()
    from ..core.tools.load import ToolsFileError, load_tools  # with its JSON Schema library: only when asked

    try:
        return load_tools(path)
    except ToolsFileError as exc:
        more = len(exc.problems) - 1
        hint = f" (and {more} more: `livetui tools check {path}` lists them)" if more else ""
        raise ConfigError(f"{exc}{hint}") from None


def _search(file_tools: Mapping[str, Any], args: argparse.Namespace) -> bool:
    """Google Search grounding: `[tools] search`, then `--search`/`--no-search`."""
    search = getattr(args, "search", None)
    return bool(file_tools.get("search", False) if search is None else search)


def _check_thinking(top: dict[str, Any], args: argparse.Namespace, path: Path | None) -> None:
    """A thinking setting the chosen model cannot take is an error, from a flag or the file, never dropped."""
    model = top.get("model", DEFAULT_MODEL)
    problems = thinking_problems(model, top.get("thinking_level"), top.get("show_thoughts", False))
    for key, why in problems.items():
        fix = thinking_fix(model, key)
        if getattr(args, key, None) is not None or path is None:
            raise ConfigError(f"--{key.replace('_', '-')}: {why} · {fix}")
        text = path.read_text(encoding="utf-8")
        raise ConfigError(f"{key}: {why} · {fix}", path, key_line(text, "", key))
