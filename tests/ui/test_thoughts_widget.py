"""The thoughts widget and the status bar's "still working", in a tiny host app."""

from __future__ import annotations

from textual.app import App, ComposeResult

from livetui.ui.widgets.status import StatusBar
from livetui.ui.widgets.thoughts import Thoughts, plain, title_for


def test_thought_text_is_data_not_control_codes():
    assert plain("a\x1b[31mred\x07\nnext") == "a\u241b[31mred\u2407\nnext"  # ␛ and ␇: shown, not obeyed
    assert title_for("one") == "thoughts (1 word)" and title_for("a b c") == "thoughts (3 words)"


async def test_thoughts_start_collapsed_and_follow_their_text():
    class Host(App):
        def compose(self) -> ComposeResult:
            yield Thoughts("first idea")
            yield StatusBar()

    app = Host()
    async with app.run_test(size=(60, 8)) as pilot:
        thoughts = app.query_one(Thoughts)
        assert thoughts.collapsed and thoughts.size.height == 1
        thoughts.show("first idea, then a second")
        await pilot.pause()
        assert thoughts.title == "thoughts (5 words)"
        bar = app.query_one(StatusBar)
        bar.set(state="connected", work="still working…")
        await pilot.pause()
        line = "".join(s.text for s in bar.render_line(0))
        assert line.index("connected") < line.index("still working…")
        bar.set(work="")
        await pilot.pause()
        assert "still working" not in "".join(s.text for s in bar.render_line(0))
