"""The real console hides its long-lived objects from full collections once its first
session is up (core/heap.py): shorter garbage-collection pauses while answers play."""

from __future__ import annotations

import pytest

from livetui.core import heap
from livetui.core.settings import Settings
from livetui.sim import SimOptions, Simulator
from livetui.ui import app as app_module

from .conftest import SimBackend
from .helpers import until


async def test_the_console_freezes_once_its_first_session_is_up(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bool] = []
    monkeypatch.setattr(heap, "freeze_long_lived", lambda: calls.append(True) or True)
    async with Simulator(SimOptions()) as sim:
        app = app_module.LiveTuiApp(Settings(), SimBackend(sim), freeze_heap=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: app.session.connected.is_set(), what="the session to connect")
            await until(pilot, lambda: bool(calls), what="the freeze")
    assert calls == [True]
