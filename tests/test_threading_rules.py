"""The threading rule of docs/architecture.md that can be read from the code: nothing
in livetui/ calls `call_from_thread`. It blocks the calling thread until the UI's loop
has run the call, so a PortAudio or network thread would wait behind a repaint; thread
workers post a message instead (post_message is thread-safe and never waits).

The check also runs on synthetic code that breaks the rule, so a check that silently
stopped catching anything would fail too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "livetui"


def blocking_calls(source: str) -> list[int]:
    """Lines that name `call_from_thread` (a call, or the method passed along as a value)."""
    return [node.lineno for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Attribute) and node.attr == "call_from_thread"]


def test_nothing_in_livetui_calls_call_from_thread() -> None:
    found = [f"{path.relative_to(PACKAGE.parent)}:{line}" for path in sorted(PACKAGE.rglob("*.py")) for line in blocking_calls(path.read_text())]
    assert not found, f"call_from_thread blocks the calling thread; post a message instead: {found}"


@pytest.mark.parametrize(
    "source",
    [
        "self.app.call_from_thread(self._show, devices)\n",
        "run = app.call_from_thread\nrun(print)\n",
    ],
)
def test_the_check_catches_call_from_thread(source: str) -> None:
    assert blocking_calls(source) == [1]


def test_the_check_allows_post_message() -> None:
    assert blocking_calls("self.post_message(Found(devices))\n# call_from_thread in a comment is no call\n") == []
