"""Copying inside the app (Pilot): the keys and what they take, the refusals, and the
editor's key with no terminal to give it (the real terminal: test_copy_and_editor_pty.py)."""

from __future__ import annotations

from livetui.core.clipboard import LIMIT
from livetui.core.settings import Settings
from livetui.ui.app import LiveTuiApp
from livetui.ui.widgets.prompt import PromptArea

from .helpers import type_and_send, until
from .test_app import connected, finished


def _said(app: LiveTuiApp, words: str) -> bool:
    return any(words in str(n.message) for n in app._notifications)


async def test_the_keys_copy_the_answer_and_refuse_what_is_not_there(backend) -> None:
    app = LiveTuiApp(Settings(modality="TEXT"), backend, audio=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: connected(app), what="connected")
        await pilot.press("ctrl+y")
        await until(pilot, lambda: _said(app, "No answer with text"), what="nothing to copy")
        await type_and_send(pilot, "What is the capital of France?")
        await until(pilot, lambda: finished(app, 1), what="an answer")
        await pilot.press("ctrl+y")
        await until(pilot, lambda: app.clipboard != "", what="a copy")
        assert "Paris" in app.clipboard and app.clipboard == app.conversation.turns[-1].text
        await pilot.press("ctrl+o")
        await until(pilot, lambda: _said(app, "no code block"), what="no code block")
        # A raw control code (none gets this far: decode made it safe) is its stand-in in the
        # copy too, so a paste of it cannot end the shell's bracketed paste early.
        app.copy_out("raw text", "a\x1b[201~b\x07")
        assert app.clipboard == "a␛[201~b␇"
        # Past what terminals take: nothing sent (not a part), and why.
        app.copy_out("the test text", "x" * LIMIT)
        await until(pilot, lambda: _said(app, "Not copied"), what="the refusal")
        assert app.clipboard != "x" * LIMIT
        # No terminal to give the editor (a headless run): the prompt stays, the reason shown.
        await pilot.press("k", "e", "p", "t")
        await pilot.press("ctrl+g")
        await until(pilot, lambda: _said(app, "needs a terminal") or _said(app, "No editor"), what="the editor refused")
        assert app.query_one(PromptArea).text == "kept"
