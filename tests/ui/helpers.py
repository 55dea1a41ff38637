"""Waiting on the app without sleeping a fixed time."""

from __future__ import annotations

import asyncio
from typing import Callable

from textual.pilot import Pilot


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
