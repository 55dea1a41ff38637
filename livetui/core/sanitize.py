"""One rule for text from outside (the model, the service, files): safe to draw.

A terminal obeys control characters: ESC ] 0 ; … BEL retitles it, ESC [ 2 J clears it,
OSC 52 writes the clipboard, and bidi overrides reorder what the user reads. Outside
text is data, so every such character is shown as a visible stand-in instead of sent.
Newline and tab stay (they are layout, not commands); everything else — joiners,
combining marks, right-to-left letters, emoji — is kept exactly.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Bidi embeddings, overrides and isolates: they reorder the characters after them.
BIDI_CONTROLS = frozenset(range(0x202A, 0x202F)) | frozenset(range(0x2066, 0x206A))


def _stand_in(code: int) -> str:
    if code < 0x20:
        return chr(0x2400 + code)  # its Unicode control picture: ESC -> ␛, BEL -> ␇
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"  # C1 and bidi controls have no pictures: name them


_TABLE: dict[int, str] = {
    code: _stand_in(code)
    for code in (*range(0x00, 0x20), *range(0x7F, 0xA0), *sorted(BIDI_CONTROLS))
    if code not in (0x09, 0x0A)  # tab and newline
}


def safe_text(text: str) -> str:
    """`text` with every control character (C0 but newline and tab, DEL, C1) and bidi
    control shown as a visible stand-in, so no escape sequence survives; the rest exact."""
    return text.translate(_TABLE)


def is_safe(text: str) -> bool:
    """True when `text` holds nothing `safe_text` would replace."""
    return not any(ord(c) in _TABLE for c in text)


def pasted_text(text: str) -> str:
    """Text pasted into the terminal, safe to keep: a terminal sends each line break of a
    paste as CR (or CRLF), so those become newlines; the rest as `safe_text`."""
    return safe_text(text.replace("\r\n", "\n").replace("\r", "\n"))


# A JSON string may hold DEL, C1 and bidi controls raw (JSON escapes only C0): as \u
# escapes the value read back is the same, and the line is safe to print.
_JSON_TABLE: dict[int, str] = {code: f"\\u{code:04x}" for code in _TABLE}


def escape_in_json(line: str) -> str:
    """A JSON text with every control character `safe_text` replaces written as a \\u escape
    (same value once parsed). Only for valid JSON, where such characters sit inside strings."""
    return line.translate(_JSON_TABLE)


# A terminal cell holds neither a newline nor a tab (drawn raw, they move the cursor): the
# screen writer shows those too as stand-ins. Precompiled: it checks every frame.
_SCREEN_TABLE: dict[int, str] = {**_TABLE, 0x09: "\u2409", 0x0A: "\u240a"}
SCREEN_UNSAFE = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(_SCREEN_TABLE)) + "]")


def screen_text(text: str) -> str:
    """`safe_text(text)` with tab and newline shown as stand-ins too (␉ ␊): text for cells."""
    return text.translate(_SCREEN_TABLE)


LINK_CHARS = 2048  # a longer address is not one a person follows from a terminal
_LINK_SCHEMES = ("http", "https")


def safe_link(uri: str) -> str:
    """`uri` when it is a link safe to hand a terminal (OSC 8) or a Markdown reader: http(s),
    a host, at most LINK_CHARS, with no control character, space or bidi control in it; ""
    for anything else (javascript:, file:, an escape sequence, a line break...)."""
    if not uri or len(uri) > LINK_CHARS or not is_safe(uri) or any(c.isspace() for c in uri):
        return ""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return ""
    if parts.scheme.lower() not in _LINK_SCHEMES or not parts.hostname:
        return ""
    return uri
