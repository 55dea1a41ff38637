"""The parts of copying and of $EDITOR that need no terminal: an answer's code blocks as
the chat's Markdown reads them, which editor runs, and the temporary file's life."""

from __future__ import annotations

import os
from pathlib import Path

from livetui.ui.codeblocks import code_blocks
from livetui.ui.editor import edit_in, editor_command


def test_code_blocks_fenced_indented_and_in_lists() -> None:
    text = (
        "Intro\n\n```python\nprint(1)\n```\n\n"
        "    indented = True\n\n"
        "1. Then:\n\n   ~~~sh title\n   echo two\n   ~~~\n\n"
        "> ```\n> quoted\n> ```\n\n"
        "Not code: `inline`.\n\n```\nunclosed at the end"
    )
    blocks = code_blocks(text)
    assert [(b.language, b.code) for b in blocks] == [
        ("python", "print(1)\n"),
        ("", "indented = True\n"),
        ("sh", "echo two\n"),  # in a list item: its indent is the item's, not the code's
        ("", "quoted\n"),
        ("", "unclosed at the end"),  # (an unclosed fence runs to the end)
    ]
    assert blocks[0].title == "python · 1 line · print(1)"
    assert code_blocks("no code here, only `inline`") == []


def test_which_editor(tmp_path: Path, monkeypatch) -> None:
    assert editor_command({"VISUAL": "code --wait", "EDITOR": "vi"}) == ["code", "--wait"]
    assert editor_command({"VISUAL": " ", "EDITOR": "emacs -nw"}) == ["emacs", "-nw"]
    assert editor_command({"EDITOR": "'my editor' -x"}) == ["my editor", "-x"]
    (tmp_path / "nano").write_text("#!/bin/sh\n")
    (tmp_path / "nano").chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert editor_command({}) == [str(tmp_path / "nano")]  # nothing set: an installed one
    monkeypatch.setenv("PATH", str(tmp_path / "none"))
    assert editor_command({}) is None


def _script(tmp_path: Path, body: str) -> list[str]:
    script = tmp_path / "ed.sh"
    script.write_text("#!/bin/sh\n" + body)
    return ["sh", str(script)]


def test_the_file_is_private_and_removed_and_its_text_comes_back(tmp_path: Path) -> None:
    seen = tmp_path / "seen"
    command = _script(tmp_path, f'cp "$1" {seen}; ls -l "$1" > {seen}.mode; echo "$1" > {seen}.path; printf "new\\r\\ntext\\n" > "$1"\n')
    with open(os.devnull, "w") as terminal:
        edited = edit_in(command, "old\ntext", terminal)
    assert edited.text == "new\ntext" and edited.problem == ""  # CRLF read as line breaks, the last one dropped
    assert seen.read_text() == "old\ntext\n"
    assert (seen.parent / "seen.mode").read_text().startswith("-rw-------")
    assert not Path((seen.parent / "seen.path").read_text().strip()).exists()


def test_a_failing_or_missing_editor_gives_no_text(tmp_path: Path) -> None:
    with open(os.devnull, "w") as terminal:
        failed = edit_in(_script(tmp_path, 'echo "$1" > ' + str(tmp_path / "path") + "\nexit 4\n"), "draft", terminal)
        missing = edit_in([str(tmp_path / "no-such-editor")], "draft", terminal)
    assert failed.text is None and "exited with status 4" in failed.problem
    assert not Path((tmp_path / "path").read_text().strip()).exists()
    assert missing.text is None and "cannot run the editor" in missing.problem
