"""Waiting on the app without sleeping a fixed time; a host app for one screen."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen


async def until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 10.0, what: str = "") -> None:
    """Let the app run until `condition()` holds (checked after each message pump cycle)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await pilot.pause(0.01)


async def type_and_send(pilot: Pilot, text: str) -> None:
    """Put text in the prompt as if typed, then press Enter."""
    from livetui.ui.widgets.prompt import PromptArea

    prompt = pilot.app.query_one(PromptArea)
    prompt.focus()
    prompt.load_text(text)
    await pilot.press("enter")


UNSET = object()  # what a Host's result is until its screen is dismissed


class Host(App):
    """Pushes one screen on mount and keeps what it dismissed with."""

    def __init__(self, make: Callable[[], Screen]) -> None:
        super().__init__()
        self.make = make
        self.result: Any = UNSET
        self.animation_level = "none"

    def on_mount(self) -> None:
        self.push_screen(self.make(), self.done)

    def done(self, result: Any) -> None:
        self.result = result
