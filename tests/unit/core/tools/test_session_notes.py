"""When a session starts, the chat says what of the declared functions the model does not take."""

from __future__ import annotations

from pathlib import Path

from livetui.core.events import SessionStarted
from livetui.core.session import SessionController
from livetui.core.settings import Settings
from livetui.core.tools.load import load_tools

from ..test_session_controller import FakeHost

TOOLS = '[[function]]\nname = "get_weather"\nanswer = "user"\nbehavior = "NON_BLOCKING"\n\n[[function]]\nname = "ask_me"\nanswer = "user"\n'


async def lines_at_start(settings: Settings) -> list[str]:
    host = FakeHost()
    session = SessionController(settings, backend=None, host=host)
    try:
        await session.receive(SessionStarted(session_id="s", modality="AUDIO", model=settings.model, line="connected"), session.generation)
        return host.lines()
    finally:
        await session.net.aclose()


async def test_the_synchronous_model_s_start_says_non_blocking_was_left_out(tmp_path: Path) -> None:
    (tmp_path / "t.toml").write_text(TOOLS)
    settings = Settings(model="gemini-3.1-flash-live-preview", tools=load_tools(tmp_path / "t.toml"))
    assert await lines_at_start(settings) == [
        "connected",
        "get_weather: sent without behavior NON_BLOCKING · gemini-3.1-flash-live-preview calls functions synchronously only: the model waits for each result",
    ]


async def test_a_model_that_takes_them_all_gets_just_the_connected_line(tmp_path: Path) -> None:
    (tmp_path / "t.toml").write_text(TOOLS)
    assert await lines_at_start(Settings(tools=load_tools(tmp_path / "t.toml"))) == ["connected"]
