"""Hostile text for property tests: arbitrary strings biased toward what a terminal obeys."""

from __future__ import annotations

from hypothesis import strategies as st

# C0, DEL, C1, bidi embeddings/overrides/isolates: every character a terminal may act on.
CONTROLS = "".join(chr(c) for c in (*range(0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)))
# Whole sequences an attacker would send, and Unicode that must come through untouched.
KNOWN = (
    "\x1b]0;pwned\x07",  # retitle
    "\x1b]52;c;cHduZWQ=\x07",  # write the clipboard
    "\x1b[2J",  # clear
    "\x1b[?1049l",  # leave the alternate screen
    "\x1b[?25l",  # hide the cursor
    "\x9b2J",  # 8-bit CSI
    "\x1bP+q544e\x1b\\",  # DCS query
    "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\",  # a hyperlink
    "\x1b[6n",  # ask for the cursor position
    "\x1bc",  # reset the terminal
    "\x1b[?1000h",  # mouse tracking
    "\x1b]0;pwned\x1b\\",
    "\x1b[31m",
    "\r\x1b[K",
    "\u202etxt.exe",
    "[bold red]markup[/]",  # Rich/Textual markup, for toasts
    "[link=http://x]y[/link]",
    "[@click=app.quit]q[/]",
    "👩\u200d👩\u200d👧",
    "e\u0301",
    "שלום",
    "مرحبا",
)

_piece = st.one_of(
    st.text(alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from(CONTROLS)), max_size=20),
    st.sampled_from(KNOWN),
)
hostile_text = st.lists(_piece, min_size=1, max_size=5).map("".join)
"""One string: arbitrary, biased toward control characters and escape sequences."""
