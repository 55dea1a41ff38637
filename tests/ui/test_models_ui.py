"""Which model, in the app, against the simulator: a retired model named before connecting
(typed text kept, sent once another is chosen), the settings picker offering the service's
Live models, and the settings that follow the model disabled with their reason."""

from __future__ import annotations

import math

from textual.widgets import Label, Select, Static, Switch

from livetui.core.livemodels import known_live_models
from livetui.core.settings import Settings
from livetui.sim import SimOptions, Simulator
from livetui.sim.models import CATALOGUE, RETIRED
from livetui.ui.app import LiveTuiApp
from livetui.ui.screens.settings import SettingsScreen
from livetui.ui.widgets.chat import ModelMessage, SystemLine
from livetui.ui.widgets.status import StatusBar

from .conftest import SimBackend, frames
from .helpers import type_and_send, until

SIZE = (100, 30)
OLD = "gemini-live-2.5-flash-preview"
NATIVE = "gemini-2.5-flash-native-audio-preview-12-2025"


def lines(app: LiveTuiApp, kind: str) -> list[str]:
    return [str(line.turn.text) for line in app.query(SystemLine) if line.turn.kind == kind]


def state(app: LiveTuiApp) -> str:
    return app.query_one(StatusBar).status.state


def offered(screen: SettingsScreen) -> list[str]:
    select = screen.query_one("#model", Select)
    return [str(value) for _, value in select._options if value is not Select.NULL]


async def open_settings(pilot) -> SettingsScreen:  # type: ignore[no-untyped-def]
    await pilot.press("f2")
    await until(pilot, lambda: isinstance(pilot.app.screen, SettingsScreen), what="the settings screen")
    screen = pilot.app.screen
    await until(pilot, lambda: screen.models_loaded, what="the model list")
    await pilot.pause()
    return screen


async def retired_sim() -> Simulator:
    """A simulator that lists (and serves) the retired models too (the simcat part's switch)."""
    try:
        options = SimOptions(speed=math.inf, retired_models=True)  # type: ignore[call-arg]
    except TypeError:  # not in SimOptions on this branch yet: the server reads it with getattr
        options = SimOptions(speed=math.inf)
        object.__setattr__(options, "retired_models", True)
    return await Simulator(options, keep_frames=True).start()


async def test_a_retired_model_is_named_before_connecting_and_typed_text_waits_for_another(backend: SimBackend) -> None:
    app = LiveTuiApp(Settings(model=OLD), backend, audio=False)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: state(app) == "failed", what="the refusal")
        [line] = lines(app, "error")
        assert line.startswith(f"not connected: {OLD} was retired (shut down 2025-12-09)")
        assert NATIVE in line and "F2" in line
        assert frames(backend, "in", "setup") == [], "never connected to a model known to be shut down"

        await type_and_send(pilot, "What is the capital of France?")
        await until(pilot, lambda: len(lines(app, "error")) == 2, what="the second refusal")
        assert frames(backend, "in", "setup") == [] and app.session.outbox.unsent == 1, "the question is kept, not sent"

        screen = await open_settings(pilot)
        assert screen.query_one("#model", Select).value == OLD
        assert offered(screen)[-1] == OLD, "the current model stays on offer, though the service does not list it"
        assert str(screen.query_one("#model", Select)._options[-1][0]) == f"{OLD} · retired 2025-12-09"
        assert str(screen.query_one("#thinking_level_why", Label).render()) == f"{OLD} was retired"
        note = screen.query_one("#model_note", Static)
        assert note.display and str(note.render()).startswith(f"{OLD} was shut down on 2025-12-09; use {NATIVE}")
        screen.query_one("#model", Select).value = "gemini-3.8-live"
        await pilot.pause()
        assert not note.display, str(note.render())
        await pilot.press("ctrl+s")
        await until(pilot, lambda: any(not m.turn.open for m in app.query(ModelMessage)), what="the kept question's answer")
        answer = next(m for m in app.query(ModelMessage) if not m.turn.open)
        assert "Paris" in answer.turn.text
        [setup] = frames(backend, "in", "setup")
        assert setup["msg"]["setup"]["model"] == "models/gemini-3.8-live"
        assert app.session.outbox.unsent == 0


async def test_the_picker_offers_the_service_s_live_models_and_the_default_is_marked(backend: SimBackend) -> None:
    app = LiveTuiApp(Settings(), backend, audio=False)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: state(app) == "connected", what="the session")
        screen = await open_settings(pilot)
        assert offered(screen) == [m.name for m in CATALOGUE], "the simulator's Live models, none of its others"
        assert screen.listing_problem == ""
        select = screen.query_one("#model", Select)
        prompts = {str(value): str(prompt) for prompt, value in select._options}
        assert prompts["gemini-3.8-live"] == "gemini-3.8-live · default"
        assert prompts["gemini-3.5-transcribe-live"] == "gemini-3.5-transcribe-live"


async def test_settings_the_model_cannot_take_are_disabled_with_the_reason(backend: SimBackend) -> None:
    app = LiveTuiApp(Settings(), backend, audio=False)  # gemini-3.8-live: no thinking settings
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        level, thoughts = screen.query_one("#thinking_level", Select), screen.query_one("#show_thoughts", Switch)
        assert level.disabled and thoughts.disabled
        why = str(screen.query_one("#thinking_level_why", Label).render())
        assert why == "gemini-3.8-live takes no thinking settings"
        assert str(screen.query_one("#show_thoughts_why", Label).render()) == why

        screen.query_one("#model", Select).value = "gemini-3.1-flash-live-preview"  # it takes both
        await pilot.pause()
        assert not level.disabled and not thoughts.disabled
        assert [str(v) for _, v in level._options] == ["", "minimal", "low", "medium", "high"]
        assert str(screen.query_one("#thinking_level_why", Label).render()) == ""
        level.value = "minimal"
        thoughts.value = True
        await pilot.pause()

        screen.query_one("#model", Select).value = "gemini-3.8-live-extended-thinking"  # no "minimal" there
        await pilot.pause()
        assert level.value == "" and [str(v) for _, v in level._options] == ["", "low", "medium", "high"]
        level.value = "high"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.settings.model == "gemini-3.8-live-extended-thinking", what="the new settings")
        await until(pilot, lambda: len(frames(backend, "in", "setup")) == 2, what="the new session")
    assert (app.settings.thinking_level, app.settings.show_thoughts) == ("high", True)
    setup = frames(backend, "in", "setup")[-1]["msg"]["setup"]
    thinking = setup["generationConfig"]["thinkingConfig"]  # the SDK passes these keys through in snake_case
    assert {key.replace("_", "").lower(): value for key, value in thinking.items()} == {"thinkinglevel": "HIGH", "includethoughts": True}


async def test_choosing_a_retired_model_names_it_and_it_is_not_saved() -> None:
    sim = await retired_sim()
    try:
        backend = SimBackend(sim)
        app = LiveTuiApp(Settings(), backend, audio=False)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: state(app) == "connected", what="the session")
            screen = await open_settings(pilot)
            assert offered(screen) == [m.name for m in CATALOGUE + RETIRED]
            select = screen.query_one("#model", Select)
            prompts = {str(value): str(prompt) for prompt, value in select._options}
            assert prompts[OLD] == f"{OLD} · retired 2025-12-09"
            select.value = OLD
            await pilot.pause()
            note = str(screen.query_one("#model_note", Static).render())
            assert note == f"{OLD} was shut down on 2025-12-09; use {NATIVE} or gemini-3.8-live (the default)"
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.screen is screen, "not saved: the console does not connect to a model that was shut down"
            assert str(screen.query_one("#error", Static).render()) == f"Model: {note}"
            assert screen.focused is select
            await pilot.press("escape")
        assert app.settings.model == "gemini-3.8-live" and len(frames(backend, "in", "setup")) == 1
    finally:
        await sim.stop()


async def test_when_the_service_refuses_the_list_the_known_models_are_offered_with_a_note() -> None:
    sim = await Simulator(SimOptions(speed=math.inf, reject_keys=frozenset({"test-key"})), keep_frames=True).start()
    try:
        app = LiveTuiApp(Settings(), SimBackend(sim), audio=False)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: state(app) == "failed", what="the refused key")
            screen = await open_settings(pilot)
            assert offered(screen) == [m.name for m in known_live_models()]
            note = str(screen.query_one("#model_note", Static).render())
            assert note.startswith("the service's list is not available (the API key was refused")
            assert note.endswith("offering the models livetui knows") and "\n" not in note
    finally:
        await sim.stop()
