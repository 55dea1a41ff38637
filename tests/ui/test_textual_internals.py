"""The private names of Textual and Rich that ui/textual_internals.py wraps are still
there and still do what the console relies on. A Textual or Rich upgrade that moves
one fails here, by name, rather than the console quietly losing its screen guard,
its changed-cells writer, its one-pass layout, F1's remapped keys or whole pastes."""

from __future__ import annotations

import inspect

import pytest
from rich.color import ColorSystem
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual.app import App, ComposeResult
from textual.geometry import Region, Size
from textual.screen import Screen
from textual.strip import SGR_STYLES, Strip
from textual.widget import Widget
from textual.widgets import Static

from livetui.ui import textual_internals as internals


def test_the_compositor_updates_are_where_they_were() -> None:
    strip = Strip([Segment("hi")])
    layout = internals.LayoutUpdate([[strip]], Region(0, 0, 2, 1))
    inline = internals.InlineUpdate([strip], clear=False)
    chops = internals.ChopsUpdate([{0: strip}], [(0, 0, 2)], [[2]])
    for update in (layout, inline, chops):
        assert isinstance(update, internals.CompositorUpdate)
        assert "hi" in update.render_segments(Console(color_system=None, force_terminal=True))
    # What ui/safescreen.py and ui/terminal.py read of them.
    assert layout.strips == [[strip]] and layout.region == Region(0, 0, 2, 1)
    assert (chops.chops, chops.spans, chops.chop_ends) == ([{0: strip}], [(0, 0, 2)], [[2]])
    assert inline.strips == [strip] and inline.clear is False


class Hooked(internals.FrameHook, App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.frames: list[object] = []

    def compose(self) -> ComposeResult:
        yield Static("hello")

    def frame(self, update: internals.CompositorUpdate) -> internals.CompositorUpdate:
        self.frames.append(update)
        return update


async def test_every_frame_goes_through_app_display() -> None:
    assert "renderable" in inspect.signature(App._display).parameters
    app = Hooked()
    async with app.run_test(size=(20, 3)) as pilot:
        await pilot.pause()
        assert app.frames and all(isinstance(frame, internals.CompositorUpdate) for frame in app.frames)


class Counting(internals.Compositor):
    reflows = 0

    def reflow(self, parent: Widget, size: Size) -> internals.ReflowResult:
        Counting.reflows += 1
        result = super().reflow(parent, size)
        internals.mark_full_map_fresh(self)
        return result


class OwnScreen(Screen):
    def __init__(self) -> None:
        super().__init__()
        internals.install_compositor(self, Counting())

    def compose(self) -> ComposeResult:
        yield Static("hello")


async def test_a_screen_lays_out_with_the_compositor_it_is_given() -> None:
    assert isinstance(Screen()._compositor, internals.Compositor)  # the attribute install_compositor replaces
    assert "_full_map_invalidated" in inspect.getsource(internals.Compositor)  # the flag mark_full_map_fresh clears
    assert hasattr(internals.Compositor(), "_full_map_invalidated")
    Counting.reflows = 0

    class Host(App[None]):
        def get_default_screen(self) -> Screen:
            return OwnScreen()

    async with Host().run_test(size=(20, 3)) as pilot:
        await pilot.pause()
        assert Counting.reflows > 0
        assert pilot.app.screen._compositor._full_map_invalidated is False


async def test_the_keymap_set_is_the_keymap_read() -> None:
    assert internals.keymap_of(App) == {}
    app = App()
    assert internals.keymap_of(app) == {}
    app.set_keymap({"help": "f11"})
    assert internals.keymap_of(app) == {"help": "f11"}


def test_style_and_strip_internals() -> None:
    bits = internals.attribute_bits(Style(bold=True, italic=True, underline=False))
    assert {SGR_STYLES[i] for i in range(bits.bit_length()) if bits & (1 << i)} == {"1", "3"}
    assert internals.attribute_bits(Style(color="red")) == 0
    assert internals.color_system(Console(color_system="256", force_terminal=True)) is ColorSystem.EIGHT_BIT
    assert internals.color_system(Console(color_system=None)) is ColorSystem.TRUECOLOR
    segments = [Segment("a"), Segment("b", Style(link="https://example.com"))]
    assert list(internals.strip_segments(Strip(segments))) == segments
    assert internals.style_link(segments[1].style) == "https://example.com"
    assert internals.style_link(Style()) is None


def test_the_linux_driver_makes_its_parser_and_decoder_from_module_names(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.drivers import linux_driver

    driver = internals.linux_driver_class()
    assert driver is linux_driver.LinuxDriver
    source = inspect.getsource(driver.run_input_thread)
    assert "XTermParser(" in source and "getincrementaldecoder(" in source
    assert linux_driver.XTermParser is internals.XTermParser
    monkeypatch.setattr(linux_driver, "XTermParser", linux_driver.XTermParser)  # restored afterwards
    monkeypatch.setattr(linux_driver, "getincrementaldecoder", linux_driver.getincrementaldecoder)

    class Parser(internals.XTermParser):
        pass

    def decoder(encoding: str):
        return lambda: None

    internals.patch_linux_input(Parser, decoder)
    assert linux_driver.XTermParser is Parser and linux_driver.getincrementaldecoder is decoder
