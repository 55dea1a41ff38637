"""A model answer full of escape codes never reaches the terminal as control codes.

The real `livetui` command runs in a pseudo-terminal against `livetui-sim`, whose
scripted reply retitles the terminal, writes the clipboard (OSC 52), clears the screen,
leaves the alternate screen and reverses text with a bidi override; every byte the
console drew is searched for those sequences, and the screen shows them as text.
"""

from __future__ import annotations

from pathlib import Path

from livetui.testing.pty import Console
from livetui.testing.simproc import SimProcess

from .helpers import console_env, foreign_sequences

# TOML's \u escapes: the script carries the raw control characters to the simulator.
SCRIPT = r'''
[[reply]]
text = "title\u001b]0;pwned\u0007 clip\u001b]52;c;cHduZWQ=\u0007 csi\u009b1049l wipe\u001b[2Jafter-clear \u202etxt.exe"
repeat = true
'''
HOSTILE = (b"\x1b]0;pwned", b"\x1b]52;c;cHduZWQ", b"\x1b[2Jafter-clear")


def test_escape_codes_from_the_model_are_shown_not_obeyed(tmp_path: Path) -> None:
    script = tmp_path / "hostile.toml"
    script.write_text(SCRIPT)
    with SimProcess("--speed", "max", "--script", str(script)) as sim:
        env = console_env(tmp_path, sim)
        console = Console(["--modality", "audio"], env, size=(160, 40))  # the answer's transcript is on screen
        try:
            console.expect(b"connected")
            console.send(b"hello\r")
            console.expect("␛[2Jafter-clear".encode())  # drawn as text
            console.expect(b"<U+202E>txt.exe")
            status = console.quit()
        finally:
            if console.status is None:
                console.kill()
    drawn = bytes(console.screen)
    assert status == 0
    assert foreign_sequences(drawn) == []
    for sequence in HOSTILE:
        assert sequence not in drawn, f"{sequence!r} reached the terminal"
    text = drawn.decode("utf-8", "replace")
    assert "\x9b" not in text and "\u202e" not in text  # 8-bit CSI and the bidi override, as characters
