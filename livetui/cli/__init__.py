"""`livetui`: start-up. Settings, the backend (a real service or the simulator), then the app.

The command's parts: `args` (flags and the settings they make), `backend` (what the
console connects to), `run` (the app, stderr kept off the screen by `stderr`, signals
by `stopsignals`), and the other commands: `history`, `export`, `models`, `devices`, `tools`.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace

from ..core.configfile import ConfigError, check_binding_ids, check_theme
from ..core.modes import resumed
from ..core.store import (
    LoadedConversation,
    StoreError,
    TranscriptStore,
    list_conversations,
    load_to_resume,
    not_a_transcript,
)
from .args import build_parser, settings_from_args
from .backend import choose_backend
from .devices import list_devices
from .export import export_main
from .history import history_main
from .paths import paths_main, take_data_dir, use_data_dir
from .run import run_app

__all__ = ["export_main", "history_main", "list_devices", "main", "run_app"]

LATEST = "latest"

SUBCOMMANDS_HELP = """also:
  livetui models [--sim]                list the Live models the service offers
  livetui history                       list the saved conversations
  livetui tools check FILE              check a declarations file (--tools FILE)
  livetui paths [NAME]                  where the config file, transcripts, recordings and logs are
  livetui export ID [--format md|jsonl] [--output FILE]
                                        print or save one (ID: its id or a unique beginning)"""


def main(argv: list[str] | None = None) -> int:
    argv = take_data_dir(sys.argv[1:] if argv is None else list(argv))  # `livetui --data-dir DIR history` too
    # Subcommands by the first word, so `livetui [flags]` parses exactly as before.
    if argv and argv[0] == "paths":
        return paths_main(argv[1:])
    if argv and argv[0] == "export":
        return export_main(argv[1:])
    if argv and argv[0] == "history":
        return history_main(argv[1:])
    if argv and argv[0] == "tools":  # loaded when asked, like models
        from .tools import tools_main

        return tools_main(argv[1:])
    if argv and argv[0] == "models":  # loaded when asked: the console itself never needs it
        from .models import models_main

        return models_main(argv[1:])
    parser = build_parser()
    parser.epilog = SUBCOMMANDS_HELP
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    args = parser.parse_args(argv)  # exits 2 on a bad flag, 0 for --help and --version
    use_data_dir(args.data_dir)
    if args.list_devices:  # needs no settings: a broken config file must not hide the devices
        return list_devices()
    try:
        settings = settings_from_args(args)
        if settings.keys:  # the ids live in the UI's bindings: asked only when [keys] names some
            from ..ui.keymap import binding_ids

            check_binding_ids(settings, binding_ids())
        if settings.theme:  # the names are Textual's: asked only when the file names one
            from ..ui.tones import theme_names

            check_theme(settings, theme_names())
    except ConfigError as exc:
        print(f"livetui: {exc}", file=sys.stderr)
        return 2
    try:
        store, restore = open_transcript(args.resume)
    except StoreError as exc:
        print(f"livetui: {exc}", file=sys.stderr)
        return 1
    if restore is not None and restore.settings.model and args.model is None and settings.mode == "chat":
        try:  # a dictation continues as dictation; the interpreter needs its language named
            settings = resumed(settings, restore.settings.model)
        except ValueError as exc:
            store.close()
            print(f"livetui: {exc}", file=sys.stderr)
            return 2
    if restore is not None and restore.settings.model and args.model is None and settings.mode == "chat":
        settings = replace(settings, model=restore.settings.model)
    if restore is not None and restore.settings.modality in ("TEXT", "AUDIO") and args.modality is None and settings.mode == "chat":
        settings = settings.with_modality(restore.settings.modality)
    backend = choose_backend(settings, os.environ)
    try:
        return run_app(settings, backend, store=store, restore=restore, debug=args.debug)
    except KeyboardInterrupt:  # Ctrl-C before the app put the terminal in raw mode
        return 130


def open_transcript(resume: str | None) -> tuple[TranscriptStore, LoadedConversation | None]:
    """A new transcript, or the saved one to continue (`--resume [ID]`, the latest
    when no id is given). A store that cannot write still runs: in memory only."""
    if resume is None:
        return TranscriptStore.create(), None
    if resume == LATEST:
        found = [c for c in list_conversations() if not_a_transcript(c.path) is None]  # never someone else's file
        if not found:
            raise StoreError("no saved conversation to resume yet")
        resume = found[0].id
    loaded = load_to_resume(resume)  # a foreign file is refused, untouched
    return TranscriptStore.resume(loaded.path), loaded

