"""The exports made inside the console (the history screen's e, the palette's "Export as
…") leave the file 0600 even when it existed readable to others, as `livetui export -o` does."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from livetui.core.settings import Settings
from livetui.core.store import TranscriptStore
from livetui.ui.app import LiveTuiApp
from livetui.ui.screens.export import ExportPrompt
from livetui.ui.screens.history import HistoryScreen

from .helpers import Host, type_and_send, until
from .test_history import OLD, SIZE, answers, connected, opened, two_saved


def readable_old_export(path: Path) -> None:
    path.write_text("an older export, readable by all\n")
    path.chmod(0o644)


async def test_the_history_screens_export_rewrites_a_readable_file_0600(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    folder = tmp_path / "conversations"
    two_saved(folder)
    markdown = home / f"livetui-{OLD}.md"
    readable_old_export(markdown)
    app = Host(lambda: HistoryScreen(folder))
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot)
        await pilot.press("down", "e")
        await until(pilot, lambda: isinstance(app.screen, ExportPrompt))
        await pilot.press("enter")
        await until(pilot, lambda: "Rome." in markdown.read_text(), what="the export")
        await until(pilot, lambda: any("replaced the old file" in n.message for n in app._notifications))
    assert stat.S_IMODE(markdown.stat().st_mode) == 0o600
    assert sorted(p.name for p in home.iterdir()) == [markdown.name]


async def test_the_palettes_export_rewrites_a_readable_file_0600(backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    store = TranscriptStore.create(tmp_path / "conversations", environ={})
    exported = tmp_path / f"livetui-{store.id}.md"
    readable_old_export(exported)
    app = LiveTuiApp(Settings(), backend, audio=False, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: connected(app), what="connected")
        await type_and_send(pilot, "What is the capital of France?")
        await until(pilot, lambda: len(answers(app)) == 1, what="an answer")
        app.action_export("md")
        await until(pilot, lambda: "Paris" in exported.read_text(), what="the export")
    assert stat.S_IMODE(exported.stat().st_mode) == 0o600
