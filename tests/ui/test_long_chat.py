"""A long conversation keeps only its latest turns as widgets (so the console does
not slow down or grow as it goes); the earlier ones come back with PageUp."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from livetui.core.settings import Settings
from livetui.core.store import load
from livetui.ui.app import LiveTuiApp
from livetui.ui.widgets.chat import ChatView

from .conftest import SimBackend
from .helpers import type_and_send, until
from .test_history import save

SIZE = (100, 30)


@pytest.fixture(autouse=True)
def small_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ChatView, "keep", 6)
    monkeypatch.setattr(ChatView, "page", 4)


def shown(app: LiveTuiApp) -> list[str]:
    """The texts of the turn widgets on screen, in order."""
    chat = app.query_one(ChatView)
    return [w.turn.text for w in chat._turn_widgets()]  # type: ignore[attr-defined]


def notice(app: LiveTuiApp) -> str:
    found = app.query("#earlier")
    return str(found.first().render()) if found else ""


async def test_only_the_latest_turns_are_widgets_and_pageup_brings_back_earlier(backend: SimBackend) -> None:
    app = LiveTuiApp(Settings(), backend, audio=False)
    async with app.run_test(size=SIZE) as pilot:
        chat = app.query_one(ChatView)
        await until(pilot, lambda: app.session.live is not None and app.session.connected.is_set())
        for n in range(8):
            await type_and_send(pilot, f"Q{n} note")
            await until(pilot, lambda: sum(t.role == "model" and not t.open for t in app.conversation.turns) == n + 1)
        await pilot.pause()
        turns = app.conversation.turns
        assert len(turns) == 17  # "connected", then 8 questions and 8 answers
        assert shown(app) == [t.text for t in turns[-6:]]
        assert [t.text for t in chat.hidden] == [t.text for t in turns[:11]]
        assert notice(app).startswith("11 earlier turns")

        await pilot.press("ctrl+home")  # the oldest shown, and a page more above it
        await pilot.pause()
        assert shown(app) == [t.text for t in turns[7:]] and len(chat.hidden) == 7
        assert chat.scroll_y == 0
        await pilot.press("pageup")  # at the top: the next page
        await pilot.pause()
        assert shown(app) == [t.text for t in turns[3:]] and notice(app).startswith("3 earlier turns")

        # While the reader is up there, new turns do not pull the page away...
        await type_and_send(pilot, "Q8 note")
        await until(pilot, lambda: turns[-1].role == "model" and not turns[-1].open)
        await pilot.pause()
        assert shown(app)[0] == turns[3].text
        # ...and back at the newest, the next turn trims the screen to the latest again.
        await pilot.press("ctrl+end")
        await type_and_send(pilot, "Q9 note")
        await until(pilot, lambda: sum(t.role == "model" and not t.open for t in turns) == 10)
        await pilot.pause()
        assert shown(app) == [t.text for t in turns[-6:]]
        assert len(chat.hidden) + len(shown(app)) == len(turns)

        await pilot.press("ctrl+l")
        await pilot.pause()
        assert shown(app) == [] and chat.hidden == [] and notice(app) == ""


async def test_a_long_saved_conversation_draws_only_its_end(backend: SimBackend, tmp_path: Path) -> None:
    path = save(tmp_path, "long", [(f"Question {n}?", f"Answer **{n}**.") for n in range(30)], at=datetime(2026, 1, 2, 3, 4, 5))
    app = LiveTuiApp(Settings(modality="TEXT"), backend, audio=False, restore=load(path))
    async with app.run_test(size=SIZE) as pilot:
        chat = app.query_one(ChatView)
        await until(pilot, lambda: any("continuing conversation" in t.text for t in app.conversation.turns))
        # The session's own line comes when it connects, and is trimmed after the frame
        # that shows it: wait for both rather than for one pause, which raced the connection.
        await until(pilot, lambda: app.session.state == "connected", what="the session")
        await until(pilot, lambda: len(chat._turn_widgets()) <= 6, what="the chat trimmed to its latest turns")
        assert any(text.startswith("continuing conversation") for text in shown(app))
        assert "Answer **29**." in shown(app)
        assert len(chat.hidden) + len(shown(app)) == len(app.conversation.turns)
        await pilot.press("ctrl+home")
        await pilot.pause()
        assert "Question 27?" in shown(app)  # the page above came back, drawn from the conversation


async def test_restored_turns_keep_their_time_and_leave_the_connection_chatter_out(backend: SimBackend, tmp_path: Path) -> None:

    from livetui.core.store import Record, TranscriptStore

    began = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    with TranscriptStore.create(tmp_path, conversation_id="old", clock=lambda: began, environ={}) as store:
        store.write(Record.start("gemini-x", "TEXT", "offline simulator"))
        store.write(Record.system("connected · TEXT answers"))
        store.write(Record.user(1, "What is the capital of Peru?"))
        store.write(Record.system("connection lost · reconnecting"))
        store.write(Record.model(1, "Lima."))
        store.write(Record.system("the API key was refused", "error"))
    app = LiveTuiApp(Settings(), backend, audio=False, restore=load(store.path))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: any("continuing conversation" in t.text for t in app.conversation.turns))
        restored = app.conversation.turns[:3]
        assert [t.text for t in restored] == ["What is the capital of Peru?", "Lima.", "the API key was refused"]
        local = began.astimezone().replace(tzinfo=None)
        assert all(t.started == local for t in restored)
        assert local.strftime("%H:%M:%S") in str(app.query_one(f"#turn-{restored[0].id}").border_title)


async def test_each_answer_is_drawn_once(backend: SimBackend) -> None:
    """The Markdown on screen is the answer's text, exactly: a first part is not drawn twice."""
    from livetui.ui.widgets.chat import ModelMessage

    app = LiveTuiApp(Settings(), backend, audio=False)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.session.connected.is_set())
        for n in range(2):
            await type_and_send(pilot, f"Question {n}: what is the capital of France?")
            await until(pilot, lambda: sum(t.role == "model" and not t.open for t in app.conversation.turns) == n + 1)
        await pilot.pause()
        bodies = [(w._body.source, w.turn.text) for w in app.query(ModelMessage)]
        assert len(bodies) == 2 and all(source == text == "The capital of France is Paris." for source, text in bodies)
