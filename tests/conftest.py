"""Shared fixtures: a simulator per test, and the real SDK pointed at it."""

from __future__ import annotations

import math
import os
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from livetui.sim import SimOptions, Simulator

# The SDK honours these; a developer's real key must never reach a test.
for _name in ("GOOGLE_API_KEY", "GEMINI_API_KEY", "GOOGLE_GEMINI_BASE_URL", "GOOGLE_GENAI_USE_VERTEXAI"):
    os.environ.pop(_name, None)
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
# The tests choose their data folders (XDG_DATA_HOME); a developer's own must not override them.
os.environ.pop("LIVETUI_DATA_DIR", None)

MakeSim = Callable[..., Awaitable[Simulator]]


@pytest.fixture
async def make_sim() -> AsyncIterator[MakeSim]:
    """`await make_sim(speed=..., ...)`: a started simulator, stopped after the test.
    Unpaced by default, so tests don't wait for real time unless they ask to."""
    sims: list[Simulator] = []

    async def make(**options: object) -> Simulator:
        options.setdefault("speed", math.inf)
        sim = await Simulator(SimOptions(**options), keep_frames=True).start()  # type: ignore[arg-type]
        sims.append(sim)
        return sim

    yield make
    for sim in sims:
        await sim.stop()


@pytest.fixture
async def sim(make_sim: MakeSim) -> Simulator:
    return await make_sim()
