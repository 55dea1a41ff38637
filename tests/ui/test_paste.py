"""A paste into the prompt, read from the terminal's bytes as the console reads them
(ui/safeinput.PasteParser), against the simulator: its control codes arrive as visible text,
in order; line breaks, tabs and Unicode exactly; and that is what the model and the
transcript get."""

from __future__ import annotations

from pathlib import Path

from livetui.core.settings import Settings
from livetui.core.store import TranscriptStore, read_records
from livetui.ui.app import LiveTuiApp
from livetui.ui.safeinput import END, START, PasteParser
from livetui.ui.widgets.chat import UserMessage
from livetui.ui.widgets.prompt import PromptArea

from .conftest import frames
from .helpers import until

UNICODE = "👩\u200d👩\u200d👧 e\u0301 שלום مرحبا 🇫🇷 ﷽"  # joiners, a combining mark, RTL letters, emoji
PASTED = f"first\x1b]0;pwned\x07 \x1b[2J\tcolumn\r\nsecond \x9b1049l \u202eexe.txt\x00 {UNICODE}"
SHOWN = f"first␛]0;pwned␇ ␛[2J\tcolumn\nsecond <U+009B>1049l <U+202E>exe.txt␀ {UNICODE}"


async def test_a_pasted_text_is_shown_in_order_and_sent_as_shown(backend, tmp_path: Path) -> None:
    store = TranscriptStore.create(tmp_path / "conversations", environ={})
    app = LiveTuiApp(Settings(modality="TEXT"), backend, audio=False, store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.session.connected.is_set(), what="connected")
        prompt = app.query_one(PromptArea)
        prompt.focus()
        await pilot.press("a", "b")  # typed, then pasted, then typed: the order kept
        parser = PasteParser()
        for event in [*parser.feed(START + PASTED + END + "z"), *parser.tick()]:
            app.post_message(event)  # as the driver's input thread hands them over
        await until(pilot, lambda: prompt.text.endswith("z"), what="the paste and the key after it")
        assert prompt.text == "ab" + SHOWN + "z"
        await pilot.press("enter")
        await until(pilot, lambda: len(app.query(UserMessage)) == 1, what="the turn in the chat")
        assert app.query_one(UserMessage).turn.text == "ab" + SHOWN + "z"
        await until(pilot, lambda: frames(backend, "in", "client_content"), what="the text sent")
    [sent] = [f["msg"]["client_content"] for f in frames(backend, "in", "client_content")]
    assert sent["turns"][0]["parts"][0]["text"] == "ab" + SHOWN + "z"
    _, records, _ = read_records(store.path)
    assert [r.get("text") for r in records if r.kind == "user"] == ["ab" + SHOWN + "z"]
