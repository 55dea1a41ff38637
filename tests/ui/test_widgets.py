"""Small widgets' pure parts."""

from livetui.ui.widgets.meters import cells_for
from livetui.ui.widgets.tokens import context_gauge


def test_context_gauge_fills_toward_the_trigger():
    assert context_gauge(0, 100_000).plain == "ctx ·········· 0% of 100k"
    assert context_gauge(50_000, 100_000).plain == "ctx ▮▮▮▮▮····· 50% of 100k"
    assert context_gauge(250_000, 100_000).plain.startswith("ctx ▮▮▮▮▮▮▮▮▮▮ 100%")


def test_meter_cells_are_whole_and_clamped():
    assert cells_for(None, 20) == 0
    assert cells_for(-100, 20) == 0
    assert cells_for(0, 20) == 20
    assert cells_for(-30, 20) == 10
    assert cells_for(6, 20) == 20


async def test_meter_leaves_its_idle_text_for_a_silent_level():
    """"starting…" then silence: both draw 0 cells, but the bar must replace the words."""
    from textual.app import App, ComposeResult

    from livetui.ui.widgets.meters import LevelMeter

    class Host(App):
        def compose(self) -> ComposeResult:
            yield LevelMeter("mic")

    app = Host()
    async with app.run_test(size=(30, 3)) as pilot:
        meter = app.query_one(LevelMeter)
        meter.set_level(None, idle_text="starting…")
        await pilot.pause()
        drawn = lambda: "".join(s.text for s in meter.render_line(0))  # noqa: E731
        assert "starting…" in drawn()
        meter.set_level(-120.0)
        await pilot.pause()
        assert "starting…" not in drawn() and "·" in drawn()


async def test_a_transcript_line_that_grows_keeps_all_its_words_in_view():
    """A line grows a few words at a time: it is laid out again only when its height
    changes, so each of its rows must still be drawn whole, the last words included."""
    from textual.app import App, ComposeResult

    from livetui.ui.widgets.transcripts import TranscriptPane

    class Host(App):
        def compose(self) -> ComposeResult:
            yield TranscriptPane("Gemini said", "(nothing yet)")

    app = Host()
    async with app.run_test(size=(24, 12)) as pilot:
        pane = app.query_one(TranscriptPane)
        await pilot.pause()
        words = "one two three four five six seven eight nine ten eleven twelve".split()
        for n in range(1, len(words) + 1):
            pane.show(1, " ".join(words[:n]))
            await pilot.pause()
            [line] = [w for w in pane.children if not w.has_class("placeholder")]
            drawn = " ".join("".join(s.text for s in line.render_line(y)).strip() for y in range(line.size.height))
            assert drawn.split() == ["›", *words[:n]], n
            assert line.size.height == line.get_content_height(line.container_size, app.size, line.content_size.width)


def test_a_source_line_fits_its_width_keeping_the_domain_while_the_title_can_say_something() -> None:
    from rich.style import Style

    from livetui.core.events import Source
    from livetui.ui.widgets.sources import MIN_TITLE, source_line

    source = Source("The Eiffel Tower, explained at length", "https://explainer.example.net/eiffel", "explainer.example.net")
    wide = source_line(2, source, 80)
    assert wide.plain == "[2] The Eiffel Tower, explained at length · explainer.example.net"
    assert [span.style.link for span in wide.spans if isinstance(span.style, Style) and span.style.link] == [source.uri]
    cut = source_line(2, source, 50)
    assert cut.plain == "[2] The Eiffel Tower, exp… · explainer.example.net" and len(cut.plain) == 50
    narrow = source_line(2, source, 4 + len(" · explainer.example.net") + MIN_TITLE - 1)
    assert narrow.plain.startswith("[2] The Eiffel") and "explainer" not in narrow.plain  # the title, not the domain
    assert len(narrow.plain) <= 4 + len(" · explainer.example.net") + MIN_TITLE - 1
    same = source_line(1, Source("uefa.com", "https://vertexaisearch.cloud.google.com/x", "uefa.com"), 40)
    assert same.plain == "[1] uefa.com"  # a title that is the domain is not said twice
    unlinked = source_line(1, Source("No link", "", "example.com"), 40)
    assert not any(isinstance(span.style, Style) and span.style.link for span in unlinked.spans)


def test_a_sources_link_reaches_the_terminal_as_osc_8() -> None:
    from rich.console import Console
    from textual.strip import Strip

    from livetui.core.events import Source
    from livetui.ui.widgets.sources import source_line

    line = source_line(1, Source("A page", "https://example.org/a_(b)", "example.org"), 60)
    out = Strip(list(line.render(Console()))).render(Console(color_system="truecolor"))
    assert "\x1b]8;id=" in out and ";https://example.org/a_(b)\x1b\\" in out and "A page" in out
