"""Copying to the clipboard of the user's own terminal, over SSH too: OSC 52.

The console cannot reach the clipboard of the machine the person sits at; their
terminal can. ``ESC ] 52 ; c ; <base64> BEL`` asks it to put the text there (as
Textual's `App.copy_to_clipboard` writes it). The text travels as base64, so nothing
in it can act as a control code on the way. Whether the terminal took it, the console
cannot know: no terminal answers a write. The words after a copy say so, and name what
is known to stand in the way (tmux's setting, GNU screen, macOS Terminal).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping

# Terminals cap an OSC 52 payload, each differently (some at a few KB, hterm and many
# guides at 100,000 bytes of base64). Past this size nothing is sent: a terminal would
# drop it, or worse keep its first part, and a paste would be silently short.
LIMIT = 100_000  # bytes of base64: about 75,000 bytes of UTF-8 text
_PAYLOAD = re.compile(r"\x1b\]52;c;[A-Za-z0-9+/=]*\x07")


def payload_size(text: str) -> int:
    """The base64 length of `text`'s UTF-8: what the terminal has to take."""
    return 4 * -(-len(text.encode("utf-8", "replace")) // 3)


def fits(text: str) -> bool:
    return payload_size(text) <= LIMIT


def osc52(text: str) -> str:
    """The sequence that puts `text` on the terminal's clipboard (what copy_to_clipboard writes)."""
    payload = base64.b64encode(text.encode("utf-8", "replace")).decode("ascii")
    return f"\x1b]52;c;{payload}\x07"


def is_clean(sequence: str) -> bool:
    """True when `sequence` is one OSC 52 write with nothing but base64 inside its framing."""
    return _PAYLOAD.fullmatch(sequence) is not None


def route_note(environ: Mapping[str, str]) -> tuple[str, bool]:
    """What may stand between this copy and the clipboard, in words, and whether it is
    known to fail (a warning) rather than merely possible."""
    if environ.get("TERM_PROGRAM") == "Apple_Terminal":
        return "macOS Terminal does not support OSC 52: nothing will arrive there (iTerm2, kitty, WezTerm do)", True
    if environ.get("STY"):
        return "GNU screen does not pass OSC 52 on: run the console outside screen, or use Export", True
    if environ.get("TMUX"):
        return "tmux passes it on only with `set -g set-clipboard on`", False
    return "whether your terminal took it, the console cannot see", False


def copied_notice(what: str, text: str, environ: Mapping[str, str]) -> tuple[str, bool]:
    """The words after a copy ("copied …, through the terminal …") and whether they warn."""
    note, warn = route_note(environ)
    count = len(text)
    unit = "character" if count == 1 else "characters"
    return f"Copied {what} ({count:,} {unit}) through the terminal (OSC 52): {note}.", warn


def too_big_notice(what: str, text: str) -> str:
    return (f"Not copied: {what} is {len(text):,} characters, more than terminals take through OSC 52 "
            f"(about {LIMIT * 3 // 4 // 1000} KB). Export it to a file instead (palette: Export to…).")
