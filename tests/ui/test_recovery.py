"""Sessions that survive: goAway hand-off, drops, refused handles, errors that stop."""

from __future__ import annotations

import math

from livetui.core.settings import Settings
from livetui.sim import SimOptions, Simulator
from livetui.ui.app import LiveTuiApp
from livetui.ui.widgets.chat import ModelMessage, SystemLine
from livetui.ui.widgets.status import StatusBar

from .conftest import SimBackend, frames
from .helpers import type_and_send, until


def state(app: LiveTuiApp) -> str:
    return app.query_one(StatusBar).status.state


def answers(app: LiveTuiApp) -> list[ModelMessage]:
    return [m for m in app.query(ModelMessage) if not m.turn.open]


def system_lines(app: LiveTuiApp) -> list[str]:
    return [str(line.turn.text) for line in app.query(SystemLine)]


async def sim_backend(**options) -> tuple[Simulator, SimBackend]:
    options.setdefault("speed", math.inf)
    sim = await Simulator(SimOptions(**options), keep_frames=True).start()
    return sim, SimBackend(sim)


async def test_goaway_moves_to_a_new_connection_with_the_handle():
    sim, backend = await sim_backend(goaway_after=1.0, goaway_time_left=3.0)
    try:
        app = LiveTuiApp(Settings(), backend, audio=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: state(app) == "connected")
            await type_and_send(pilot, "What is the capital of Norway?")
            await until(pilot, lambda: len(answers(app)) == 1)
            # goAway comes one second into the session; the app moves before the deadline.
            await until(pilot, lambda: len(frames(backend, "in", "setup")) == 2 and state(app) == "connected", what="hand-off")
            await type_and_send(pilot, "What did I ask you before?")
            await until(pilot, lambda: len(answers(app)) == 2)
            assert "capital of Norway" in answers(app)[1].turn.text
            assert not any("ended" in line for line in system_lines(app)), "a hand-off is not an error"
        setups = frames(backend, "in", "setup")
        assert setups[1]["msg"]["setup"]["sessionResumption"]["handle"]
        # No context replay was needed: the service kept the session.
        second = [f for f in frames(backend, "in", "client_content") if f["conn"] == setups[1]["conn"]]
        assert all(f["msg"]["client_content"]["turnComplete"] for f in second)
    finally:
        await sim.stop()


async def test_a_dropped_connection_reconnects_and_typed_text_is_sent_once():
    sim, backend = await sim_backend(drop_after=1.0)
    try:
        app = LiveTuiApp(Settings(), backend, audio=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: state(app) == "connected")
            await type_and_send(pilot, "What is the capital of Peru?")
            await until(pilot, lambda: len(answers(app)) == 1)
            await until(pilot, lambda: state(app).startswith("reconnecting"), what="the drop")
            await type_and_send(pilot, "What is the capital of Chile?")  # typed while reconnecting
            await until(pilot, lambda: len(answers(app)) == 2, what="the queued question answered")
            assert "Santiago" in answers(app)[1].turn.text
            assert any("reconnect" in line for line in system_lines(app))
        asked = [f for f in frames(backend, "in", "client_content") if "Chile" in str(f["msg"])]
        assert len([f for f in asked if f["msg"]["client_content"]["turnComplete"]]) == 1, "sent exactly once"
    finally:
        await sim.stop()


async def test_a_refused_handle_restores_the_conversation_in_a_fresh_session():
    sim, backend = await sim_backend()
    try:
        app = LiveTuiApp(Settings(), backend, audio=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: state(app) == "connected")
            await type_and_send(pilot, "What is the capital of Kenya?")
            await until(pilot, lambda: len(answers(app)) == 1 and app.session.handle is not None)
            sim.resumable.clear()  # the service forgets: the handle will be refused
            assert sim.drop_connections() == 1
            await until(pilot, lambda: state(app) == "connected" and len(frames(backend, "in", "setup")) >= 3, what="restored")
            await type_and_send(pilot, "What did I ask you before?")
            await until(pilot, lambda: len(answers(app)) == 2)
            assert "capital of Kenya" in answers(app)[1].turn.text
    finally:
        await sim.stop()


async def test_a_refused_key_is_said_once_and_not_retried():
    sim, backend = await sim_backend(reject_keys=frozenset({"test-key"}))
    try:
        app = LiveTuiApp(Settings(), backend, audio=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: state(app) == "failed")
            lines = [line for line in system_lines(app) if "API key" in line]
            assert len(lines) == 1 and "GEMINI_API_KEY" in lines[0]
            await pilot.pause(0.3)
            assert len(frames(backend, "in", "setup")) == 1, "no retry loop"
            assert state(app) == "failed"
    finally:
        await sim.stop()
