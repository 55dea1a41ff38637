"""A paste full of escape codes, into the real console in a pseudo-terminal: it lands in the
prompt as visible text, whole and in order between the keys typed around it (Textual alone
typed what followed an ESC as keys, ahead of the rest), is sent and saved as shown, and
nothing of it reaches the terminal as a control code."""

from __future__ import annotations

from pathlib import Path

from livetui.core.store import read_records
from livetui.testing.pty import Console
from livetui.testing.simproc import SimProcess

from .helpers import console_env, foreign_sequences, saved

PASTED = "one\x1b]0;pwned\x07 two\x1b[2J\tthree\rfour \x1b[?1049l\u202eRTL 👩\u200d👩\u200d👧 e\u0301 שלום"
SHOWN = "one␛]0;pwned␇ two␛[2J\tthree\nfour ␛[?1049l<U+202E>RTL 👩\u200d👩\u200d👧 e\u0301 שלום"
SCRIPT = '[[reply]]\ntext = "ANSWERED"\nrepeat = true\n'


def test_a_hostile_paste_is_text_in_the_prompt_and_in_the_transcript(tmp_path: Path) -> None:
    script = tmp_path / "reply.toml"
    script.write_text(SCRIPT)
    with SimProcess("--speed", "max", "--script", str(script)) as sim:
        console = Console(["--modality", "text"], console_env(tmp_path, sim), size=(100, 30))
        try:
            console.expect(b"connected")
            console.send(b"ab\x1b[200~" + PASTED.encode() + b"\x1b[201~z")
            console.expect("␛]0;pwned␇ two␛[2J".encode())
            console.expect("RTL 👩\u200d👩\u200d👧".encode())
            console.send(b"\r")  # one turn: nothing of the paste was taken for Enter
            console.expect(b"ANSWERED")
            status = console.quit()
        finally:
            if console.status is None:
                console.kill()
    assert status == 0
    assert foreign_sequences(bytes(console.screen)) == []
    [path] = saved(tmp_path)
    _, records, _ = read_records(path)
    assert [r.get("text") for r in records if r.kind == "user"] == ["ab" + SHOWN + "z"]
