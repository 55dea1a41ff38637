"""A new turn reaches the screen in one frame, and its layout is paid once."""

from __future__ import annotations

from textual.app import App, ComposeResult

from livetui.core.settings import Settings
from livetui.ui.app import LiveTuiApp
from livetui.ui.screens.main import OnceCompositor
from livetui.ui.widgets.chat import ChatView, UserMessage
from livetui.ui.widgets.prompt import PromptArea

from .conftest import SimBackend
from .helpers import until


def connected(app: LiveTuiApp) -> bool:
    return app.session.live is not None and app.session.connected.is_set()


async def test_the_prompt_clears_once_the_turn_is_in_the_chat_and_keeps_what_is_typed_next(backend: SimBackend) -> None:
    app = LiveTuiApp(Settings(), backend, audio=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: connected(app))
        prompt = app.query_one(PromptArea)
        chat = app.query_one(ChatView)
        in_chat_when_cleared: list[bool] = []
        clear = prompt.clear

        def watched_clear() -> None:
            in_chat_when_cleared.append(any(isinstance(w, UserMessage) and w.turn.text == "first" for w in chat.children))
            clear()

        prompt.clear = watched_clear  # type: ignore[method-assign]
        prompt.focus()
        prompt.load_text("first")
        await pilot.press("enter", "n", "e", "x", "t")  # typed at once after Enter: nothing lost
        await until(pilot, lambda: prompt.text == "next", what="the next words in the prompt")
        assert in_chat_when_cleared == [True]
        assert [w.turn.text for w in chat.children if isinstance(w, UserMessage)] == ["first"]
        await pilot.press("enter", "enter")  # a second Enter does not send the same text again
        await until(pilot, lambda: prompt.text == "")
        await pilot.pause()
        assert [w.turn.text for w in chat.children if isinstance(w, UserMessage)] == ["first", "next"]


async def test_a_prompt_nobody_answers_still_clears() -> None:
    class Host(App):
        def compose(self) -> ComposeResult:
            yield PromptArea()

    app = Host()
    async with app.run_test(size=(40, 5)) as pilot:
        prompt = app.query_one(PromptArea)
        prompt.SHOWN_WAIT = 0.01
        prompt.focus()
        prompt.load_text("hello")
        await pilot.press("enter")
        await until(pilot, lambda: prompt.text == "", what="the prompt cleared")
        assert prompt.past_inputs == ["hello"]


async def test_a_layout_arranges_the_screen_once(backend: SimBackend) -> None:
    """Textual 8.2 arranged every widget twice per layout once anything had scrolled."""
    app = LiveTuiApp(Settings(), backend, audio=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: connected(app))
        compositor = app.screen._compositor
        assert isinstance(compositor, OnceCompositor)
        arranged: list[str] = []
        arrange_root, reflow = compositor._arrange_root, compositor.reflow

        def counting_arrange(*args, **kwargs):
            arranged.append("arrange")
            return arrange_root(*args, **kwargs)

        def counting_reflow(*args, **kwargs):
            arranged.append("reflow")
            return reflow(*args, **kwargs)

        compositor._arrange_root = counting_arrange  # type: ignore[method-assign]
        compositor.reflow = counting_reflow  # type: ignore[method-assign]
        chat = app.query_one(ChatView)
        for n in range(12):  # taller than the pane: it scrolls, and each new turn moves the rest
            await chat.add_turn(app.conversation.add_user_text(f"line {n}")[0].turn)  # type: ignore[attr-defined]
            await pilot.pause()
        assert chat.max_scroll_y > 0
        reflows = arranged.count("reflow")
        assert reflows >= 1
        assert arranged.count("arrange") == reflows, arranged
