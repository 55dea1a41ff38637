"""`livetui`: start-up. Settings, the backend (a real service or the simulator), then the app."""

from __future__ import annotations

import argparse
import io
import logging
import os
import re
import sys
import time
import traceback
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from .backend import KEY_VARS, Backend, choose_backend, open_log, state_dir
from .core.config import (
    ConfigError,
    Settings,
    build_parser,
    check_binding_ids,
    settings_from_args,
)
from .core.modes import resumed
from .core.rescue import unsaved_note
from .core.store import (
    LoadedConversation,
    StoreError,
    TranscriptStore,
    conversations_dir,
    export_jsonl,
    export_markdown,
    list_conversations,
    load,
    load_to_resume,
    not_a_transcript,
    write_export,
)
from .stopsignals import StopOnSignals

LATEST = "latest"

SUBCOMMANDS_HELP = """also:
  livetui models [--sim]                list the Live models the service offers
  livetui history                       list the saved conversations
  livetui export ID [--format md|jsonl] [--output FILE]
                                        print or save one (ID: its id or a unique beginning)"""


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # Subcommands by the first word, so `livetui [flags]` parses exactly as before.
    if argv and argv[0] == "export":
        return export_main(argv[1:])
    if argv and argv[0] == "history":
        return history_main(argv[1:])
    if argv and argv[0] == "models":
        from .modelscmd import models_main

        return models_main(argv[1:])
    parser = build_parser()
    parser.epilog = SUBCOMMANDS_HELP
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    args = parser.parse_args(argv)  # exits 2 on a bad flag, 0 for --help and --version
    if args.list_devices:  # needs no settings: a broken config file must not hide the devices
        return list_devices()
    try:
        settings = settings_from_args(args)
        if settings.keys:  # the ids live in the UI's bindings: asked only when [keys] names some
            from .ui.keymap import binding_ids

            check_binding_ids(settings, binding_ids())
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


def run_app(
    settings: Settings,
    backend: Backend,
    *,
    store: TranscriptStore | None = None,
    restore: LoadedConversation | None = None,
    debug: bool = False,
) -> int:
    """Run the console with stderr going to a log; one line on the terminal if it failed."""
    log_path = state_dir() / "livetui.log"
    scrub = Scrubber(os.environ)
    failure = ""
    signalled = False
    unsaved = None
    with stderr_to_log(log_path, scrub):
        print(f"--- livetui started {time.strftime('%Y-%m-%d %H:%M:%S')} ---", file=sys.stderr, flush=True)
        # Library logging goes to the log (stderr is the log now); --debug says more.
        logging.basicConfig(stream=sys.stderr, level=logging.DEBUG if debug else logging.WARNING,
                            format="%(asctime)s %(name)s %(levelname)s %(message)s")
        try:
            from .ui.app import LiveTuiApp

            app = LiveTuiApp(settings, backend, store=store, restore=restore)
            with StopOnSignals(app) as stop:  # SIGTERM, SIGHUP: the same clean end as ctrl+q
                app.run(mouse=settings.mouse)
            code = stop.exit_code(app.return_code or 0)  # Textual has written any traceback to sys.stderr: the log
            signalled = stop.received is not None  # asked to stop: no error to report
            transcript = getattr(getattr(app, "session", None), "transcript", None)  # core.persist.Transcript
            unsaved = unsaved_note(transcript.store if transcript is not None else None)  # the disk still refused some turns: where they are instead
        except Exception as exc:  # noqa: BLE001 - whatever it is, one line on the screen
            traceback.print_exc()  # into the log, never onto the screen
            first = (str(exc).splitlines() or [""])[0]
            failure = f" ({type(exc).__name__}: {first})" if first else f" ({type(exc).__name__})"
            code = 1
        finally:
            backend.close()  # the simulator must not outlive the console, whatever the app did
    if unsaved:  # after the screen is gone, so it stays in the terminal
        print(scrub(unsaved), file=sys.stderr)
    if code and not signalled:
        print(scrub(f"livetui: stopped by an error{failure}; details in {log_path}"), file=sys.stderr)
    return code


# --- livetui history, livetui export ------------------------------------------------------


def history_main(argv: Sequence[str], out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Print the saved conversations as a table, the most recent first."""
    out, err = out or sys.stdout, err or sys.stderr
    parser = argparse.ArgumentParser(prog="livetui history", description="List the saved conversations, the most recent first.")
    parser.parse_args(argv)
    try:
        infos = list_conversations()
    except StoreError as exc:
        print(f"livetui: {exc}", file=err)
        return 1
    if not infos:
        print(f"livetui: no saved conversations yet (in {conversations_dir()})", file=err)
        return 0
    print(format_history(infos), file=out)
    return 0


def format_history(infos: Sequence[Any]) -> str:
    """id, when it started, user and model turns, and the first thing said."""
    header = ("id", "started", "turns", "title")
    rows = [
        (info.id, f"{info.started:%Y-%m-%d %H:%M}" if info.started else "?", str(info.turns), _one_line(info.title) or "(nothing said)")
        for info in infos
    ]
    width = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    return "\n".join(
        f"{ident.ljust(width[0])}  {started.ljust(width[1])}  {turns.rjust(width[2])}  {title}".rstrip()
        for ident, started, turns, title in [header, *rows]
    )


def export_main(argv: Sequence[str], out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Print or save one conversation as Markdown or JSONL: 0; one line on `err` and 1 if it cannot."""
    out, err = out or sys.stdout, err or sys.stderr
    parser = argparse.ArgumentParser(prog="livetui export", description="Print or save a saved conversation.")
    parser.add_argument("id", help="the conversation's id (or a unique beginning of it), or its .jsonl file")
    parser.add_argument("--format", choices=("md", "jsonl"), default="md", help="Markdown (default) or the JSONL records")
    parser.add_argument("--output", "-o", type=Path, metavar="FILE", help="write FILE (created 0600) instead of printing")
    args = parser.parse_args(argv)
    try:
        loaded = load(args.id)
    except StoreError as exc:
        print(f"livetui: {exc}", file=err)
        return 1
    text = export_markdown(loaded) if args.format == "md" else export_jsonl(loaded)
    if args.output is None:
        try:
            out.write(text)
            out.flush()
        except BrokenPipeError:  # `livetui export ID | head`: the reader has all it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 0
    try:
        write_export(args.output, text)
    except OSError as exc:
        print(f"livetui: cannot write {args.output}: {exc.strerror or exc}", file=err)
        return 1
    return 0


# --- livetui --list-devices ------------------------------------------------------------


def list_devices(out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Print the audio devices as a table: 0; or one line on `err` and 1 when there are none."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        # Imported here: PyAudio (and PortAudio under it) only when asked, and its absence is one line.
        from .core.audio.devices import AudioUnavailable, quiet_stderr
        from .core.audio.devices import list_devices as query
    except ImportError as exc:
        return _no_devices(err, f"cannot load the audio library ({_first_line(exc)})")
    try:
        with quiet_stderr():  # PortAudio and ALSA talk on fd 2 while they probe
            devices = list(query())
    except (AudioUnavailable, OSError) as exc:
        return _no_devices(err, _first_line(exc))
    if not devices:
        return _no_devices(err, "PortAudio sees none")
    print(format_devices(devices), file=out)
    return 0


def _no_devices(err: TextIO, why: str) -> int:
    print(f"livetui: no audio devices: {why}", file=err)
    return 1


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def format_devices(devices: Sequence[Any]) -> str:
    """A table: index, input and output channels (* marks the defaults), default rate, name."""
    header = ("index", "in", "out", "rate", "name")
    rows = [
        (str(d.index), str(d.max_input_channels), str(d.max_output_channels), str(round(d.default_rate)), _one_line(d.name))
        for d in devices
    ]
    marks = [("*" if d.is_default_input else " ", "*" if d.is_default_output else " ") for d in devices]
    width = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]

    def line(row: tuple[str, ...], mark: tuple[str, str]) -> str:
        index, inputs, outputs, rate, name = row
        cells = (index.rjust(width[0]), inputs.rjust(width[1]) + mark[0], outputs.rjust(width[2]) + mark[1], rate.rjust(width[3]))
        return ("  ".join(cells) + "  " + name).rstrip()

    lines = [line(header, (" ", " ")), *(line(row, mark) for row, mark in zip(rows, marks))]
    if any(mark != (" ", " ") for mark in marks):
        lines.append("* the default input (in) and output (out)")
    return "\n".join(lines)


def _one_line(name: object) -> str:
    # A device names itself (USB descriptors included): no control characters reach the terminal.
    return " ".join("".join(c if c.isprintable() else " " for c in str(name)).split())


# --- keeping stderr off the screen ---------------------------------------------------


class Scrubber:
    """Replaces the API keys found in the environment by '***', even across wrapped lines."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        secrets = {environ.get(name, "").strip() for name in KEY_VARS} - {""}
        # Rich wraps long values; allow line breaks and box-drawing borders between characters.
        self._patterns = [re.compile(r"[\s│|]*".join(map(re.escape, s))) for s in sorted(secrets, key=len, reverse=True)]

    def __call__(self, text: str) -> str:
        for pattern in self._patterns:
            text = pattern.sub("***", text)
        return text


class _ScrubbedStream(io.TextIOBase):
    """A text stream writing scrubbed text to another."""

    def __init__(self, target: TextIO, scrub: Scrubber) -> None:
        self._target, self._scrub = target, scrub

    def write(self, text: str) -> int:
        self._target.write(self._scrub(text))
        return len(text)

    def flush(self) -> None:
        self._target.flush()

    def fileno(self) -> int:
        return self._target.fileno()

    def isatty(self) -> bool:
        return False

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._target, "encoding", "utf-8")


class _Terminal(io.TextIOWrapper):
    """The terminal Textual draws on. Once hung up (its window closed) it takes no more
    output: writing then fails (EIO), which would kill Textual's writer thread and leave
    the app blocked on its full queue instead of ending cleanly. Such output is dropped."""

    def write(self, text: str) -> int:
        try:
            return super().write(text)
        except OSError:
            return len(text)

    def flush(self) -> None:
        with suppress(OSError):
            super().flush()


@contextmanager
def stderr_to_log(log_path: Path, scrub: Scrubber | None = None) -> Iterator[TextIO]:
    """File descriptor 2 and sys.stderr go to `log_path`; the terminal stays reachable.

    PortAudio, ALSA and other C libraries print on fd 2, and Python code on
    sys.stderr: none of it may reach the screen. But Textual's Linux driver draws
    on `sys.__stderr__` (read when the app and its driver are made), so that
    name is pointed at a duplicate of the original fd 2 while this lasts.
    Yields the terminal stream.
    """
    original = sys.__stderr__
    if original is None:  # no stderr at all (e.g. a detached process): nothing to protect
        yield sys.stderr
        return
    current = sys.stderr
    current.flush()
    original.flush()
    # Opened here and closed in `finally`: they must outlive the `yield`.
    log = open_log(log_path)
    saved = os.dup(2)  # non-inheritable: child processes never get the terminal through it
    raw = open(saved, "wb", closefd=True)  # noqa: SIM115
    terminal = _Terminal(raw, encoding=original.encoding, errors=original.errors, line_buffering=raw.isatty())
    os.dup2(log.fileno(), 2)
    python_side = open(2, "w", encoding="utf-8", errors="backslashreplace", buffering=1, closefd=False)  # noqa: SIM115
    sys.__stderr__ = terminal
    sys.stderr = _ScrubbedStream(python_side, scrub or Scrubber(os.environ))
    try:
        yield terminal
    finally:
        try:
            python_side.flush()
        finally:
            sys.stderr = current
            sys.__stderr__ = original
            with suppress(OSError):  # a hung-up terminal (its window closed) takes no more output
                terminal.flush()
            os.dup2(saved, 2)
            with suppress(OSError):
                terminal.close()  # the descriptor is closed even when the flush in it fails
            python_side.close()
            log.close()


if __name__ == "__main__":
    sys.exit(main())
