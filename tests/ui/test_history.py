"""The history screen: list, filter, read, continue and export saved conversations, by keys."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import Input, Static

from livetui.core.settings import Settings
from livetui.core.store import Record, TranscriptStore, load
from livetui.ui.app import LiveTuiApp
from livetui.ui.screens.export import ExportPrompt
from livetui.ui.screens.history import (
    EMPTY,
    ConversationView,
    HistoryChoice,
    HistoryScreen,
)
from livetui.ui.widgets.chat import ModelMessage, SystemLine, UserMessage
from livetui.ui.widgets.status import StatusBar

from .conftest import frames
from .helpers import UNSET, Host, type_and_send, until

SIZE = (80, 24)
START = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)

OLD = "20250314-093000-aaaa"
NEW = "20250315-180000-bbbb"



def save(folder: Path, cid: str, turns: list[tuple[str, str]], *, at: datetime, model: str = "gemini-x", handle: str | None = None) -> Path:
    """A conversation on disk, as the app writes one; its file last written at `at`."""
    moments = (at + timedelta(seconds=n) for n in count())
    with TranscriptStore.create(folder, conversation_id=cid, clock=lambda: next(moments), environ={}) as store:
        store.write(Record.start(model, "TEXT", "offline simulator"))
        for n, (question, answer) in enumerate(turns, 1):
            store.write(Record.user(n, question))
            store.write(Record.model(n, answer))
        if handle:
            store.write(Record.handle(handle))
    os.utime(store.path, (at.timestamp(), at.timestamp()))
    return store.path


def two_saved(folder: Path) -> None:
    save(folder, OLD, [("What is the capital of Italy?", "Rome.")], at=START)
    save(
        folder,
        NEW,
        [("Tell me about the Moon", "It orbits the Earth."), ("How far away is it?", "About 384,400 km.")],
        at=START + timedelta(days=1),
        model="gemini-live-2.5-flash-preview",
    )


async def opened(pilot) -> HistoryScreen:
    screen = pilot.app.screen
    assert isinstance(screen, HistoryScreen)
    await until(pilot, lambda: screen.loaded, what="the list to load")
    await pilot.pause()
    return screen


def ids(screen: HistoryScreen) -> list[str]:
    return [info.id for info in screen.table.rows]


def counts(screen: Screen) -> str:
    return str(screen.query_one("#counts", Static).render())


async def viewing(pilot) -> ConversationView:
    await until(pilot, lambda: isinstance(pilot.app.screen, ConversationView) and pilot.app.screen.loaded, what="the view")
    return pilot.app.screen


# -- the list -------------------------------------------------------------------------


async def test_lists_conversations_most_recent_first(tmp_path: Path) -> None:
    two_saved(tmp_path)
    app = Host(lambda: HistoryScreen(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        assert ids(screen) == [NEW, OLD]
        assert counts(screen) == "2 conversations, most recent first"
        table = screen.table
        assert table.render_line(0).text.split() == ["started", "turns", "model", "title"]
        first, second = table.render_line(1).text, table.render_line(2).text
        local = START.astimezone()
        assert f"{(local + timedelta(days=1)):%Y-%m-%d %H:%M}" in first
        assert " 4  " in first and "gemini-live-2.5-f…" in first and "Tell me about the Moon" in first
        assert f"{local:%Y-%m-%d %H:%M}" in second and " 2  " in second and "What is the capital of Italy?" in second
        assert all(len(table.render_line(y).text) <= 80 for y in range(3))
        assert screen.focused is table and table.cursor == 0
        assert str(screen.query_one("#detail", Static).render()).startswith(NEW)
        await pilot.press("down")
        assert table.current.id == OLD
        assert str(screen.query_one("#detail", Static).render()).startswith(OLD)
        await pilot.press("home")
        assert table.current.id == NEW
        await pilot.press("end")
        assert table.current.id == OLD


async def test_typing_filters_by_title_or_id(tmp_path: Path) -> None:
    two_saved(tmp_path)
    app = Host(lambda: HistoryScreen(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        await pilot.press(*"italy")  # a letter on the list starts the filter
        await pilot.pause()
        box = screen.query_one("#filter", Input)
        assert screen.focused is box and box.value == "italy"
        assert ids(screen) == [OLD]
        assert counts(screen) == "1 of 2 conversations match “italy”"
        await pilot.press("escape")  # clears the filter, back on the list
        await pilot.pause()
        assert box.value == "" and ids(screen) == [NEW, OLD] and screen.focused is screen.table
        await pilot.press("slash", *"0315-18")  # "/" too; part of an id
        await pilot.pause()
        assert ids(screen) == [NEW]
        await pilot.press(*"ce")  # in the filter c and e are letters, not keys
        await pilot.pause()
        assert app.result is UNSET and not isinstance(app.screen, ExportPrompt)
        assert ids(screen) == [] and "No conversation matches" in screen.table.render_line(1).text
        await pilot.press("escape", "escape")  # clear, then close
        await pilot.pause()
        assert app.result is None


async def test_a_slow_folder_never_blocks_the_screen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from livetui.ui.screens import history

    two_saved(tmp_path)
    gate = threading.Event()
    real = history.list_conversations

    def slow(directory: Path | None = None) -> list:
        gate.wait(10)
        return real(directory)

    monkeypatch.setattr(history, "list_conversations", slow)
    app = Host(lambda: HistoryScreen(tmp_path))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, HistoryScreen) and not screen.loaded
            assert counts(screen) == "Loading conversations…"
            await pilot.press(*"moon")  # the screen answers keys while the folder is read
            await pilot.pause()
            assert screen.query_one("#filter", Input).value == "moon" and not screen.loaded
            gate.set()
            await until(pilot, lambda: screen.loaded, what="the list")
            await pilot.pause()
            assert ids(screen) == [NEW]  # the filter typed meanwhile applies
    finally:
        gate.set()


async def test_enter_reads_a_conversation_and_escape_comes_back(tmp_path: Path) -> None:
    two_saved(tmp_path)
    app = Host(lambda: HistoryScreen(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        await pilot.press("down", "enter")
        view = await viewing(pilot)
        assert "# Conversation " + OLD in view.source
        assert "What is the capital of Italy?" in view.source and "Rome." in view.source
        assert "read only" in str(view.query_one("#about", Static).render())
        await pilot.press("pagedown", "end", "escape")  # scrolls by keys, then back
        await pilot.pause()
        assert app.screen is screen and screen.table.current.id == OLD
        await pilot.press(*"moon", "enter")  # Enter in the filter reads the match
        view = await viewing(pilot)
        assert "Tell me about the Moon" in view.source and "About 384,400 km." in view.source


async def test_c_continues_from_the_list_and_from_the_view(tmp_path: Path) -> None:
    two_saved(tmp_path)
    app = Host(lambda: HistoryScreen(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot)
        await pilot.press("down", "c")
        await pilot.pause()
        assert app.result == HistoryChoice("continue", OLD, tmp_path / f"{OLD}.jsonl")
        assert not isinstance(app.screen, HistoryScreen)
    app = Host(lambda: HistoryScreen(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot)
        await pilot.press("enter")
        await viewing(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert app.result == HistoryChoice("continue", NEW, tmp_path / f"{NEW}.jsonl")
        assert not isinstance(app.screen, (HistoryScreen, ConversationView))


async def test_the_current_conversation_is_not_continued_again(tmp_path: Path) -> None:
    two_saved(tmp_path)
    app = Host(lambda: HistoryScreen(tmp_path, current_id=NEW))
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        assert "the conversation you are in" in str(screen.query_one("#detail", Static).render())
        await pilot.press("c")
        await pilot.pause()
        assert app.screen is screen and app.result is UNSET


async def test_escape_closes(tmp_path: Path) -> None:
    two_saved(tmp_path)
    app = Host(lambda: HistoryScreen(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert app.result is None and not isinstance(app.screen, HistoryScreen)


@pytest.mark.parametrize("exists", [True, False])
async def test_an_empty_folder_says_so(tmp_path: Path, exists: bool) -> None:
    folder = tmp_path / "conversations"
    if exists:
        folder.mkdir()
    app = Host(lambda: HistoryScreen(folder))
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        assert counts(screen) == EMPTY
        assert EMPTY in screen.table.render_line(1).text
        await pilot.press("enter", "c", "e")  # nothing to act on: a word, no crash
        await pilot.pause()
        assert app.screen is screen and app.result is UNSET


async def test_corrupt_files_never_crash_it(tmp_path: Path) -> None:
    two_saved(tmp_path)
    (tmp_path / "garbage.jsonl").write_bytes(b"\x00\xff\xfe not json\n{\"kind\": 5}\n[1, 2\n")
    torn = save(tmp_path, "20250313-080000-cccc", [("Is this torn?", "Yes.")], at=START - timedelta(days=1))
    with torn.open("ab") as f:
        f.write(b'{"v":1,"t":"2025-03-13T08:00:09+00:00","kind":"user","turn":2,"te')
    os.utime(torn, ((START - timedelta(days=1)).timestamp(),) * 2)
    (tmp_path / "folder.jsonl").mkdir()  # not a file: left out
    os.utime(tmp_path / "garbage.jsonl", ((START - timedelta(days=2)).timestamp(),) * 2)
    app = Host(lambda: HistoryScreen(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        assert ids(screen) == [NEW, OLD, "20250313-080000-cccc", "garbage"]
        assert "(nothing said yet)" in screen.table.render_line(4).text
        await pilot.press("end", "enter")  # read what can be read of it
        view = await viewing(pilot)
        assert "# Conversation garbage" in view.source
        await pilot.press("escape", "up", "enter")
        view = await viewing(pilot)
        assert "Is this torn?" in view.source
        await pilot.press("escape")
        # A file gone since the list was read: one line, no crash.
        (tmp_path / f"{OLD}.jsonl").unlink()
        await pilot.press("home", "down", "enter")
        view = await viewing(pilot)
        assert view.problem is not None and "no such conversation file" in view.problem
        assert "Cannot open this conversation" in view.source
        await pilot.press("c")  # cannot continue what cannot be read
        await pilot.pause()
        assert app.screen is view and app.result is UNSET
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert app.result is None


async def test_export_from_the_list_and_the_view(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    folder = tmp_path / "conversations"
    two_saved(folder)
    app = Host(lambda: HistoryScreen(folder))
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        await pilot.press("down", "e")
        await until(pilot, lambda: isinstance(app.screen, ExportPrompt))
        box = app.screen.query_one("#path", Input)
        assert box.value == str(home / f"livetui-{OLD}.md")
        await pilot.press("enter")
        markdown = home / f"livetui-{OLD}.md"
        await until(pilot, lambda: markdown.exists() and "Rome." in markdown.read_text(), what="the Markdown export")
        assert app.screen is screen
        assert markdown.read_text().startswith(f"# Conversation {OLD}")
        assert markdown.stat().st_mode & 0o777 == 0o600
        # JSONL by the extension; a name that names no format is refused in the prompt.
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ExportPrompt))
        prompt = app.screen
        await pilot.press("backspace", "backspace", *"txt", "enter")
        await pilot.pause()
        assert app.screen is prompt
        assert "End the name in .md" in str(prompt.query_one("#error", Static).render())
        await pilot.press("backspace", "backspace", "backspace", *"jsonl", "enter")
        jsonl = home / f"livetui-{OLD}.jsonl"
        await until(pilot, lambda: jsonl.exists() and jsonl.read_text().count("\n") == 3, what="the JSONL export")
        assert [line for line in jsonl.read_text().splitlines() if '"kind":"user"' in line]
        # From the view; Escape in the prompt cancels.
        await pilot.press("up", "enter")
        view = await viewing(pilot)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ExportPrompt))
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is view and not (home / f"livetui-{NEW}.md").exists()
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ExportPrompt))
        await pilot.press("enter")
        await until(pilot, lambda: (home / f"livetui-{NEW}.md").exists() and "384,400" in (home / f"livetui-{NEW}.md").read_text())
        # A folder where the file should go: said in the prompt, which stays.
        (home / "taken.md").mkdir()
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ExportPrompt))
        prompt = app.screen
        prompt.query_one("#path", Input).value = str(home / "taken.md")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is prompt and "is a folder" in str(prompt.query_one("#error", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is view


async def test_export_failure_is_one_notification(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    two_saved(tmp_path)
    app = Host(lambda: HistoryScreen(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ExportPrompt))
        (tmp_path / f"{NEW}.jsonl").unlink()  # gone before it is written out
        await pilot.press("enter")
        await until(pilot, lambda: any("Export failed" in n.message for n in app._notifications), what="a notification")
        [note] = [n for n in app._notifications if "Export failed" in n.message]
        assert note.severity == "error" and "\n" not in note.message
        assert not (tmp_path / f"livetui-{NEW}.md").exists()


# -- in the console -------------------------------------------------------------------


def connected(app: LiveTuiApp) -> bool:
    return app.query_one(StatusBar).status.state == "connected"


def answers(app: LiveTuiApp) -> list[ModelMessage]:
    return [m for m in app.query(ModelMessage) if not m.turn.open]


def palette_highlights(app: App, title: str) -> bool:
    from textual.command import CommandList, CommandPalette

    if not isinstance(app.screen, CommandPalette):
        return False
    option = app.screen.query_one(CommandList).highlighted_option
    return option is not None and str(option.prompt).startswith(title)


def system_lines(app: LiveTuiApp) -> list[str]:
    return [line.turn.text for line in app.query(SystemLine)]


@pytest.mark.parametrize("handle", [None, "a-handle-the-service-forgot"])
async def test_continue_a_saved_conversation_and_export(backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, handle: str | None) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    folder = tmp_path / "conversations"
    old = save(folder, OLD, [("What is the capital of Italy?", "Rome is the capital of Italy.")], at=START, handle=handle)
    store = TranscriptStore.create(folder, environ={})
    app = LiveTuiApp(Settings(), backend, audio=False, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: connected(app), what="connected")
        await type_and_send(pilot, "What is the capital of France?")
        await until(pilot, lambda: len(answers(app)) == 1, what="an answer")
        assert "Paris" in answers(app)[0].turn.text

        # Export this conversation from the palette, by keys.
        await pilot.press("ctrl+p")
        await pilot.press(*"Export as Markdown")
        await until(pilot, lambda: palette_highlights(app, "Export as Markdown"), what="the palette to offer it")
        await pilot.press("enter")
        exported = tmp_path / f"livetui-{store.id}.md"
        await until(pilot, lambda: exported.exists() and "Paris" in exported.read_text(), what="the export")
        text = exported.read_text()
        assert text.startswith(f"# Conversation {store.id}") and "What is the capital of France?" in text
        await until(pilot, lambda: any(str(exported) in n.message for n in app._notifications), what="the notification")

        # F10: the history; the older conversation, found by typing; c continues it.
        await pilot.press("f10")
        screen = await opened(pilot)
        assert ids(screen) == [store.id, OLD]
        await pilot.press(*"italy")
        await pilot.pause()
        assert ids(screen) == [OLD]
        await pilot.press("escape")  # clear the filter: the list has the focus again
        await pilot.press("down", "c")
        await until(pilot, lambda: f"continuing conversation {OLD}" in system_lines(app) and connected(app), what="continued")
        assert app.screen is app.screen_stack[0]
        assert [m.turn.text for m in app.query(UserMessage)] == ["What is the capital of Italy?"]
        assert [m.turn.text for m in answers(app)] == ["Rome is the capital of Italy."]
        assert app.session.transcript.store is not store and app.session.transcript.store.path == old
        await type_and_send(pilot, "What did I ask you before?")
        await until(pilot, lambda: len(answers(app)) == 2, what="the answer in the continued conversation")
        assert "capital of Italy" in answers(app)[1].turn.text
        if handle:  # tried first; refused by the service, so the conversation was replayed
            assert any("no longer knows this session" in line for line in system_lines(app))
            setups = [f["msg"]["setup"] for f in frames(backend, "in", "setup")]
            assert setups[-2].get("sessionResumption", {}).get("handle") == handle

    continued = load(old)
    spoken = [t.text for t in continued.turns if t.role != "system"]
    assert spoken[:2] == ["What is the capital of Italy?", "Rome is the capital of Italy."]
    assert spoken[2] == "What did I ask you before?" and "capital of Italy" in spoken[3]
    assert "What is the capital of Italy?" not in (folder / f"{store.id}.jsonl").read_text()
    first = [t.text for t in load(folder / f"{store.id}.jsonl").turns if t.role != "system"]
    assert first[0] == "What is the capital of France?" and "Paris" in first[1]


async def test_export_without_a_transcript_says_so(backend) -> None:
    app = LiveTuiApp(Settings(), backend, audio=False)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: connected(app))
        app.action_export("jsonl")
        await until(pilot, lambda: any("not being saved" in n.message for n in app._notifications))
