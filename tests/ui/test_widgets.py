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
