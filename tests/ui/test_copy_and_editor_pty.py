"""Copy and $EDITOR in the real console, in a pseudo-terminal, as a user runs it: what the
terminal receives for a copy is the OSC 52 write of exactly the text (decoded from the
bytes read), and an editor's saved text lands in the prompt (sent with Enter, saved as the
turn), while a failing one leaves the prompt as it was."""

from __future__ import annotations

import base64
import re
import time
from dataclasses import replace
from pathlib import Path

from livetui.core.clipboard import osc52
from livetui.core.store import Record, new_conversation_id, read_records
from livetui.core.store.records import now, stamp
from livetui.testing.pty import Console
from livetui.testing.simproc import SimProcess
from tests.faults.helpers import console_env, saved, wait_shown

# The simulator's answers are spoken, their transcript plain words: an answer with code
# blocks comes from a saved conversation, continued (as history's continue does).
ANSWER = 'Two ways:\n\n```python\nprint("one")\n```\n\nor in the shell:\n\n```sh\necho two\n```\n\nDone.'
OSC52 = re.compile(rb"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07")


def _env(tmp_path: Path, sim: SimProcess | None = None, **extra: str) -> dict[str, str]:
    env = console_env(tmp_path, sim, **extra)
    for name in ("TMUX", "STY", "VISUAL", "EDITOR", "TERM_PROGRAM"):
        if name not in extra:
            env.pop(name, None)
    return env


def _copied(console: Console, timeout: float = 10.0) -> str:
    """The text of the next OSC 52 write the terminal receives (from the last mark on)."""
    deadline = time.monotonic() + timeout
    start = console._mark  # noqa: SLF001 - the harness's own mark
    while not (found := OSC52.search(bytes(console.screen[start:]))):
        assert time.monotonic() < deadline, f"no OSC 52 write; the output ended with {bytes(console.screen[-300:])!r}"
        console.read_once(0.2)
    console.mark()
    return base64.b64decode(found.group(1), validate=True).decode("utf-8")


def _users(tmp_path: Path) -> list[str]:
    [path] = saved(tmp_path)
    _, records, _ = read_records(path)
    return [r.get("text") for r in records if r.kind == "user"]


def _saved_conversation(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "livetui" / "conversations"
    folder.mkdir(parents=True)
    t = stamp(now())
    records = [Record.start("gemini-3.8-live", "TEXT", "simulator"), Record.user(1, "show me"), Record.model(2, ANSWER)]
    (folder / f"{new_conversation_id(now())}.jsonl").write_text("".join(replace(r, t=t).to_line() + "\n" for r in records))


def test_copies_reach_the_terminal_as_osc_52(tmp_path: Path) -> None:
    _saved_conversation(tmp_path)
    # No key: the console's own simulator. Inside tmux (as $TMUX says): the notice names its setting.
    console = Console(["--resume", "--no-mic", "--modality", "text"], _env(tmp_path, TMUX="/tmp/tmux-0/default,1,0"), size=(100, 30))
    try:
        console.expect(b"connected")
        wait_shown(console, "Done.")
        console.mark()
        console.send(b"\x19")  # ctrl+y: the last answer
        answer = _copied(console)
        wait_shown(console, "set-clipboard")  # one word: the toast wraps at spaces
        console.send(b"\x0f")  # ctrl+o: two blocks, so the picker, the last highlighted
        wait_shown(console, "Copy which code block")
        console.send(b"\r")
        last_block = _copied(console)
        console.send(b"\x0f")
        wait_shown(console, "Copy which code block")
        console.send(b"\x1b[A\r")  # up: the first block
        first_block = _copied(console)
        console.send(b"\x1by")  # alt+y: the conversation as Markdown
        markdown = _copied(console)
        status = console.quit()
    finally:
        if console.status is None:
            console.kill()
    assert status == 0
    assert answer == ANSWER
    assert (first_block, last_block) == ('print("one")\n', "echo two\n")
    assert markdown.startswith("# Conversation ") and "**You**" in markdown and ANSWER in markdown
    # Exactly the bytes core.clipboard says: nothing of the text outside the base64.
    assert osc52(ANSWER).encode() in console.screen


FAKE_EDITOR = """#!/bin/sh
cp "$1" "$EDIT_DIR/seen"
stat -c %a "$1" > "$EDIT_DIR/mode"
echo "$1" > "$EDIT_DIR/path"
printf 'from the editor\\nsecond line\\n' > "$1"
"""


def test_the_editor_writes_the_prompt_and_the_screen_is_drawn_again(tmp_path: Path) -> None:
    script = tmp_path / "reply.toml"
    script.write_text('[[reply]]\ntext = "ANSWERED"\nrepeat = true\n')
    editor = tmp_path / "fake-editor.sh"
    editor.write_text(FAKE_EDITOR)
    (tmp_path / "edit").mkdir()
    with SimProcess("--speed", "max", "--script", str(script)) as sim:
        env = _env(tmp_path, sim, EDITOR=f"sh {editor}", EDIT_DIR=str(tmp_path / "edit"))
        console = Console(["--modality", "text"], env, size=(100, 30))
        try:
            console.expect(b"connected")
            console.send(b"a draft")
            wait_shown(console, "a draft")
            console.mark()
            console.send(b"\x07")  # ctrl+g
            wait_shown(console, "second line")
            # The whole screen is written again after the editor: the footer's keys too, which
            # the changed-cells writer never writes twice (they never change).
            console.expect(b"Text/Audio")
            redrawn = bytes(console.screen[console._mark :])  # noqa: SLF001
            console.send(b"\r")
            console.expect(b"ANSWERED")
            status = console.quit()
        finally:
            if console.status is None:
                console.kill()
    assert status == 0
    assert redrawn.index(b"\x1b[?1049l") < redrawn.index(b"\x1b[?1049h") < redrawn.index(b"Text/Audio")  # left, back, drawn
    users = _users(tmp_path)
    assert users == ["from the editor\nsecond line"]
    edit = tmp_path / "edit"
    assert (edit / "seen").read_text() == "a draft\n"
    assert (edit / "mode").read_text().strip() == "600"
    assert not Path((edit / "path").read_text().strip()).exists()  # removed


def test_a_failing_editor_leaves_the_prompt_as_it_was(tmp_path: Path) -> None:
    script = tmp_path / "reply.toml"
    script.write_text('[[reply]]\ntext = "ANSWERED"\nrepeat = true\n')
    with SimProcess("--speed", "max", "--script", str(script)) as sim:
        console = Console(["--modality", "text"], _env(tmp_path, sim, VISUAL="sh -c 'exit 3'"), size=(100, 30))
        try:
            console.expect(b"connected")
            console.send(b"kept draft")
            wait_shown(console, "kept draft")
            console.send(b"\x07")
            wait_shown(console, "exited with status 3")
            console.send(b"\r")
            console.expect(b"ANSWERED")
            status = console.quit()
        finally:
            if console.status is None:
                console.kill()
    assert status == 0
    users = _users(tmp_path)
    assert users == ["kept draft"]
