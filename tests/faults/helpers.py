"""What the fault tests share: the real console's environment with homes of its own, and
a check that nothing but the console's own control sequences reached the terminal."""

from __future__ import annotations

import re
import time
from pathlib import Path

from livetui.testing.pty import Console
from livetui.testing.simproc import SimProcess, clean_env

# Every escape sequence (CSI, OSC, DCS, two-byte ESC x), and the 8-bit C1 controls as UTF-8.
_SEQUENCE = re.compile(
    rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|P[^\x1b]*(?:\x1b\\)?|[ -/]*[0-~]?)|\xc2[\x80-\x9f]"
)
# What Textual writes itself: colours and attributes, cursor moves, its terminal modes
# (alternate screen, mouse, bracketed paste, focus, sync output) and their queries, the
# mouse pointer's shape (OSC 22) and the kitty keyboard protocol.
_OWN = re.compile(
    rb"\x1b\[[0-9;]*m|\x1b\[\d+;\d+H|\x1b\[\?(?:7|25|1000|1003|1004|1006|1015|1049|2004|2026|2048)[hl]"
    rb"|\x1b\[\?\d+\$p|\x1b\]22;[a-z-]+\x07|\x1b\[>\d+u|\x1b\[<u"
)
# Raw C0 controls other than the ones a screen writer uses (CR, LF, BS) and ESC itself.
_RAW_CONTROL = re.compile(rb"[\x00-\x07\x0b-\x0c\x0e-\x1a\x1c-\x1f\x7f]")

# What Textual's driver writes as it leaves application mode (a ctrl+q exit ends so):
# the alternate screen left, the cursor shown, mouse tracking off.
RESTORING = (b"\x1b[?1049l", b"\x1b[?25h", b"\x1b[?1000l", b"\x1b[?1003l", b"\x1b[?1015l", b"\x1b[?1006l")
FINAL_MODES = re.compile(rb"(?:\x1b\[[?<>]?[0-9;]*[a-zA-Z])+\Z")  # the escape sequences the output ends with


def foreign_sequences(drawn: bytes) -> list[bytes]:
    """The control sequences in `drawn` that the console's own screen writer does not send."""
    foreign = [m.group() for m in _SEQUENCE.finditer(drawn) if not _OWN.fullmatch(m.group())]
    stripped = _SEQUENCE.sub(b"", drawn)
    return foreign + _RAW_CONTROL.findall(stripped)


def homes(tmp_path: Path) -> dict[str, str]:
    """XDG homes of the test's own, so nothing is read from or written to the user's."""
    folders = {
        "XDG_CONFIG_HOME": tmp_path / "config",
        "XDG_DATA_HOME": tmp_path / "data",
        "XDG_STATE_HOME": tmp_path / "state",
        "XDG_CACHE_HOME": tmp_path / "cache",
    }
    for folder in folders.values():
        folder.mkdir(exist_ok=True)
    return {name: str(folder) for name, folder in folders.items()}


def console_env(tmp_path: Path, sim: SimProcess | None = None, **extra: str) -> dict[str, str]:
    """The console's environment: its own homes, a real terminal type, and the simulator's
    three variables when `sim` is given (without it the console embeds its own)."""
    wire = {}
    if sim is not None:
        wire = {
            "GOOGLE_GEMINI_BASE_URL": sim.exports["GOOGLE_GEMINI_BASE_URL"],
            "SSL_CERT_FILE": sim.exports["SSL_CERT_FILE"],
            "GEMINI_API_KEY": "any",
        }
    return clean_env(**homes(tmp_path), TERM="xterm-256color", **wire, **extra)


def saved(tmp_path: Path) -> list[Path]:
    """The conversations the console saved under `tmp_path`'s data home."""
    return sorted((tmp_path / "data" / "livetui" / "conversations").glob("*.jsonl"))


def assert_terminal_restored(screen: bytes) -> None:
    """The output ends as a ctrl+q exit ends it: every mode the console set is reset, no traceback."""
    tail = FINAL_MODES.search(screen)
    assert tail is not None, f"the output ends with drawing, not a restored terminal: {screen[-200:]!r}"
    for sequence in RESTORING:
        assert sequence in tail.group(), f"{sequence!r} missing at the end: {tail.group()!r}"
    assert b"Traceback" not in screen


def wait_shown(console: Console, line: str, timeout: float = 10.0) -> None:
    """Wait until the screen shows `line`, however the chat wrapped it (mid-word too:
    spaces are left out of the comparison)."""
    deadline = time.monotonic() + timeout
    while "".join(line.split()) not in "".join(console.text().split()):
        assert time.monotonic() < deadline, f"never showed {line!r}; the screen:\n{console.text()}"
        console.read_once(min(0.2, max(0.0, deadline - time.monotonic())))
