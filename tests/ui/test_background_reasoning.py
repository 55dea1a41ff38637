"""The extended-thinking model in the console, against the simulator: "still working"
while it reasons in the background, one grouped answer, thoughts apart and collapsed,
thought tokens in the counter.

The simulator's background reasoning lasts a second of wall-clock time, however fast it
sends its output. The console asks AUDIO answers (as every conversational model today serves): the
answer's text is the output transcript.
"""

from __future__ import annotations

from textual.widgets import Collapsible

from livetui.core.settings import Settings
from livetui.ui.app import LiveTuiApp
from livetui.ui.widgets.chat import ModelMessage
from livetui.ui.widgets.status import StatusBar
from livetui.ui.widgets.thoughts import Thoughts
from livetui.ui.widgets.tokens import TokenCounter

from .conftest import frames
from .helpers import type_and_send, until

EXTENDED = "gemini-3.8-live-extended-thinking"


def connected(app: LiveTuiApp) -> bool:
    return app.query_one(StatusBar).status.state == "connected"


def answers(app: LiveTuiApp) -> list[ModelMessage]:
    return list(app.query(ModelMessage))


def settings(**changes) -> Settings:
    return Settings(model=EXTENDED, modality="AUDIO", **changes)


async def test_still_working_during_background_reasoning_then_one_answer(backend):
    app = LiveTuiApp(settings(), backend, audio=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: connected(app), what="connected")
        await type_and_send(pilot, "What is the capital of France?")
        bar = app.query_one(StatusBar)
        await until(pilot, lambda: bar.status.work == "still working…", what="still working in the status bar")
        (answer,) = answers(app)
        assert answer.turn.open and "still working…" in str(answer.border_title)
        assert "still working" in bar.render().plain
        await until(pilot, lambda: not answer.turn.open, timeout=30, what="the whole answer")
        await until(pilot, lambda: bar.status.work == "", what="the status bar no longer says it")
        assert "still working" not in str(answer.border_title)
        # The filler and the answer are one answer in the chat, as the request was one.
        assert len(answers(app)) == 1
        assert answer.turn.text.startswith("Let me think about that.") and "Paris" in answer.turn.text
        assert answer.thoughts is None  # not asked for
        # The service said turnComplete twice; the chat ended the answer once, at IDLE.
        done = [f for f in frames(backend, "out", "serverContent") if f["msg"]["serverContent"].get("turnComplete")]
        assert [f["msg"]["serverContent"].get("interactionStatus") for f in done] == ["IN_PROGRESS", "IDLE"]


async def test_thoughts_are_shown_apart_collapsed_and_counted(backend):
    app = LiveTuiApp(settings(show_thoughts=True), backend, audio=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: connected(app), what="connected")
        await type_and_send(pilot, "What is the capital of Spain?")
        await until(pilot, lambda: bool(answers(app)) and not answers(app)[0].turn.open, timeout=30, what="the answer")
        (answer,) = answers(app)
        thoughts = answer.thoughts
        assert isinstance(thoughts, Thoughts) and isinstance(thoughts, Collapsible)
        assert thoughts.collapsed, "collapsed by default"
        words = len(answer.turn.thoughts.split())
        assert thoughts.title == f"thoughts ({words} words)" and words > 3
        # Apart from the answer: never in its text (nor in what a new session carries).
        assert "capital of Spain" in answer.turn.thoughts
        assert "Madrid" in answer.turn.text and "The user asks" not in answer.turn.text
        assert all("The user asks" not in t.text for t in app.conversation.past_turns())
        said = app.query_one("#said")._texts  # the spoken-answer transcript pane
        assert "Madrid" in said[answer.turn.id] and not any("The user asks" in t for t in said.values())
        # Shown above the answer, dim; its text is hidden until opened.
        assert answer.children.index(thoughts) < answer.children.index(answer._body)
        assert thoughts.size.height == 1 and not thoughts.query_one(Collapsible.Contents).display
        # The title is re-laid out after its last word count: wait for that frame, not a timer.
        shown = lambda: _plain(thoughts.query_one("CollapsibleTitle")).strip()  # noqa: E731
        await until(pilot, lambda: shown() == f"▸ thoughts ({words} words)", what="the whole thoughts title")
        assert thoughts.styles.text_style.italic and thoughts.styles.color != answer._body.styles.color  # dim, apart
        # Opened from the keyboard: Tab reaches its title, Enter opens it...
        title = thoughts.query_one("CollapsibleTitle")
        for _ in range(len(app.screen.focus_chain)):
            if app.focused is title:
                break
            await pilot.press("tab")
        assert app.focused is title
        await pilot.press("enter")
        await until(pilot, lambda: not thoughts.collapsed and thoughts.size.height > 1, what="thoughts expanded")
        assert "capital of Spain" in _plain(thoughts.query_one(".thought-text"))
        # ... and a click on that one line closes it again.
        await pilot.click(title)
        await until(pilot, lambda: thoughts.collapsed and thoughts.size.height == 1, what="thoughts collapsed")
        # The counter shows the thought tokens the service reported.
        totals = app.query_one(TokenCounter).totals
        assert totals.thoughts > 0
        assert f"thoughts {totals.thoughts:,}" in _plain(app.query_one(TokenCounter))
    setup = frames(backend, "in", "setup")[0]["msg"]["setup"]
    assert setup["generationConfig"]["thinkingConfig"] in ({"include_thoughts": True}, {"includeThoughts": True})


def _plain(widget) -> str:
    """What the widget shows on screen now, line by line."""
    return "\n".join(widget.render_line(y).text for y in range(widget.size.height))
