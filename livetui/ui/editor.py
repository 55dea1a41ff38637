"""Compose the prompt in the user's own editor ($VISUAL, then $EDITOR, then one that is
installed), as posting does: the prompt's text in a private temporary file, the terminal
given to the editor (Textual's `App.suspend`), and what was saved back in the prompt, not
sent. An editor that fails leaves the prompt as it was."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.app import App, SuspendNotSupported

from ..core.sanitize import pasted_text
from .widgets.prompt import PromptArea

FALLBACKS = ("editor", "nano", "vi")  # Debian's chosen editor first, then the usual two


def editor_command(environ: Mapping[str, str]) -> list[str] | None:
    """The editor to run, as argv ("code --wait" and the like split as a shell would);
    None when none is set and none of the fallbacks is installed."""
    for name in ("VISUAL", "EDITOR"):
        if value := environ.get(name, "").strip():
            try:
                return shlex.split(value)
            except ValueError:  # an unbalanced quote: the whole value as the command
                return [value]
    found = next((path for name in FALLBACKS if (path := shutil.which(name))), None)
    return [found] if found else None


@dataclass(frozen=True)
class Edited:
    text: str | None  # what was saved; None when the editor failed
    problem: str = ""  # why, in words


def edit_in(command: list[str], text: str, terminal: Any) -> Edited:
    """Run `command` on a private temporary file holding `text` (blocking), on `terminal`
    (the file the console draws on); the file's text afterwards. The file is removed."""
    fd, name = tempfile.mkstemp(prefix="livetui-prompt-", suffix=".md")  # 0600, in the user's temp folder
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text + "\n" if text else "")
        try:
            done = subprocess.run([*command, str(path)], stdin=sys.__stdin__, stdout=terminal, stderr=terminal, check=False)
        except OSError as exc:
            return Edited(None, f"cannot run the editor {shlex.join(command)}: {exc.strerror or exc}")
        if done.returncode != 0:
            return Edited(None, f"the editor {shlex.join(command)} exited with status {done.returncode}")
        saved = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return Edited(None, f"cannot use a temporary file: {exc.strerror or exc}")
    finally:
        path.unlink(missing_ok=True)
    # Editors end the file with a newline; CRLF from some: the prompt's own line breaks.
    return Edited(pasted_text(saved.removesuffix("\n").removesuffix("\r")))


class Editing(App[Any]):
    """Mixed into the app (ui/app.py)."""

    def action_edit_prompt(self) -> None:
        prompt = self.query_one(PromptArea)
        command = editor_command(os.environ)
        if command is None:
            self.notify("No editor: set $VISUAL or $EDITOR (none of editor, nano, vi is installed).", severity="warning", timeout=8)
            return
        try:
            # The UI's loop waits while the editor runs (the session's thread does not): nothing
            # may be drawn meanwhile, the terminal is the editor's.
            with self.suspend():
                edited = edit_in(command, prompt.text, sys.__stderr__)  # the terminal Textual draws on
        except SuspendNotSupported:
            self.notify("The editor needs a terminal, and this console has none.", severity="warning")
            return
        self.redraw_all()
        if edited.text is None:
            self.notify(f"The prompt is unchanged: {edited.problem}.", severity="warning", timeout=8)
            return
        prompt.load_text(edited.text)
        prompt.move_cursor(prompt.document.end)
        prompt.focus()

    def redraw_all(self) -> None:
        """After another program had the terminal: every cell drawn again (the app's writer)."""
        self.refresh(layout=True)
