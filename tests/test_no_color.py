"""NO_COLOR: the real console in a pty draws no colour, our own styles included.

Textual answers NO_COLOR with a filter that turns every colour to its grey (App.no_color):
the boxes and highlights stay visible, no hue is left. The same run without NO_COLOR
shows hues, so the check can fail."""

from __future__ import annotations

import re
from pathlib import Path

from livetui.testing.pty import Console
from livetui.testing.simproc import clean_env

SGR = re.compile(rb"\x1b\[([0-9;:]*)m")
ACHROMATIC_16 = {30, 37, 39, 40, 47, 49, 90, 97, 100, 107}  # black, white, grey, the defaults


def hues(drawn: bytes) -> list[str]:
    """Every colour in the SGR codes of `drawn` that is not a grey."""
    found: list[str] = []
    for match in SGR.finditer(drawn):
        params = [int(p) if p else 0 for p in re.split(rb"[;:]", match.group(1))]
        i = 0
        while i < len(params):
            p = params[i]
            if p in (38, 48) and i + 1 < len(params) and params[i + 1] == 2:
                r, g, b = params[i + 2 : i + 5]
                if not r == g == b:
                    found.append(f"{p};2;{r};{g};{b}")
                i += 5
                continue
            if p in (38, 48) and i + 1 < len(params) and params[i + 1] == 5:
                n = params[i + 2]
                if not (n >= 232 or n in (0, 7, 8, 15, 16, 59, 102, 145, 188, 231)):
                    found.append(f"{p};5;{n}")
                i += 3
                continue
            if (30 <= p <= 49 or 90 <= p <= 107) and p not in ACHROMATIC_16:
                found.append(str(p))
            i += 1
    return found


def drawn_while_talking(tmp_path: Path, **env: str) -> bytes:
    home = tmp_path / ("nocolor" if env else "colour")
    environ = clean_env(XDG_DATA_HOME=str(home / "data"), XDG_STATE_HOME=str(home / "state"),
                        XDG_CONFIG_HOME=str(home / "config"), TERM="xterm-256color", COLORTERM="truecolor")
    environ.pop("NO_COLOR", None)  # the developer's own, if set
    console = Console(["--no-mic"], {**environ, **env}, size=(100, 30))
    try:
        console.expect(b"connected")
        console.send(b"What is the capital of Portugal?\r")  # a chat box, the tokens pane, the status
        console.expect(b"Lisbon")
        assert console.quit(timeout=30) == 0
    finally:
        if console.status is None:
            console.kill()
    return bytes(console.screen)


def test_no_color_leaves_no_hue_on_the_screen(tmp_path: Path) -> None:
    coloured = drawn_while_talking(tmp_path)
    assert hues(coloured), "the console without NO_COLOR draws in colour"
    plain = drawn_while_talking(tmp_path, NO_COLOR="1")
    assert SGR.search(plain)  # styled still (bold, reverse, greys): only the hues are gone
    assert hues(plain) == []
