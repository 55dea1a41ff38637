"""The history screen's detail line: a conversation's tokens and cost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path

from textual.widgets import Static

from livetui.core.events import Usage
from livetui.core.store import Record, TranscriptStore
from livetui.ui.screens.history import HistoryScreen

from .helpers import Host, until

CID = "20261202-100000-c0st"


def save(folder: Path, model: str, *usages: Usage) -> None:
    moments = (datetime(2026, 12, 2, 10, 0, tzinfo=UTC) + timedelta(seconds=n) for n in count())
    with TranscriptStore.create(folder, conversation_id=CID, clock=lambda: next(moments), environ={}) as store:
        store.write(Record.start(model, "AUDIO", "offline simulator"))
        store.write(Record.user(1, "Hello"))
        store.write(Record.model(2, "Hi!", "AUDIO"))
        for usage in usages:
            store.write(Record.usage(usage))


async def detail_of(folder: Path) -> str:
    app = Host(lambda: HistoryScreen(folder))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        await until(pilot, lambda: screen.loaded, what="the list to load")
        await pilot.pause()
        return str(screen.query_one("#detail", Static).render())


async def test_the_detail_line_shows_tokens_and_cost(tmp_path: Path) -> None:
    usage = Usage(522, 42, 564, thoughts=136, prompt_by_modality={"TEXT": 332, "AUDIO": 190}, response_by_modality={"AUDIO": 42})
    save(tmp_path, "gemini-3.8-live", usage)
    # 522 x $0.75 + (42 + 136 thoughts) x $4.50 per 1M (prices.toml) = $0.0011925; "~": not Google's own prices
    assert " · 564 tokens · ~$0.00119" in await detail_of(tmp_path)


async def test_unknown_prices_say_so_and_no_usage_says_nothing(tmp_path: Path) -> None:
    save(tmp_path / "a", "gemini-3.1-flash-live-preview", Usage(10, 10, 20))
    assert " · 20 tokens · cost unknown" in await detail_of(tmp_path / "a")
    save(tmp_path / "b", "gemini-3.8-live")
    assert "tokens" not in await detail_of(tmp_path / "b")
