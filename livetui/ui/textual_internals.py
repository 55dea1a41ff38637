"""Every private name of Textual (and of Rich, its renderer) that the console relies on.

Textual has no public hook for what these do: check each frame on its way to the
terminal, write only changed cells, skip a second layout pass, read a paste as data.
Each use is here, once, with why; tests/ui/test_textual_internals.py fails by name
when a Textual or Rich upgrade moves one, instead of the console breaking quietly.
Nothing else in livetui imports a private module or reads a private attribute.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from operator import attrgetter
from typing import Any

from rich.color import ColorSystem
from rich.console import Console
from rich.style import Style

# The frames the compositor hands to App._display: a whole layout, changed chops of
# lines, or inline lines. The safety check and the changed-cells writer rebuild them.
from textual._compositor import (
    ChopsUpdate,
    Compositor,
    CompositorUpdate,
    InlineUpdate,
    LayoutUpdate,
    ReflowResult,
)

# Textual's input parser: ui/safeinput.py's PasteParser cuts pastes out ahead of it.
from textual._xterm_parser import XTermParser
from textual.app import App
from textual.driver import Driver
from textual.screen import Screen

__all__ = [
    "ChopsUpdate",
    "Compositor",
    "CompositorUpdate",
    "FrameHook",
    "InlineUpdate",
    "LayoutUpdate",
    "ReflowResult",
    "XTermParser",
    "attribute_bits",
    "color_system",
    "install_compositor",
    "keymap_of",
    "linux_driver_class",
    "mark_full_map_fresh",
    "patch_linux_input",
    "strip_segments",
    "style_link",
]


# --- frames on their way out (App._display) ------------------------------------------


class FrameHook:
    """Mix into an App (before App): every compositor frame passes through `frame`
    before Textual writes it. App._display is the one place all frames go through."""

    def frame(self, update: CompositorUpdate) -> CompositorUpdate:
        return update

    def _display(self, screen: Screen, renderable: Any) -> None:
        if isinstance(renderable, CompositorUpdate):
            renderable = self.frame(renderable)
        super()._display(screen, renderable)  # type: ignore[misc]


# --- the compositor (ui/screens/main.py) ------------------------------------------------


def install_compositor(screen: Screen, compositor: Compositor) -> None:
    """Give a screen its compositor (Textual makes a plain one in Screen.__init__)."""
    screen._compositor = compositor


def mark_full_map_fresh(compositor: Compositor) -> None:
    """Say that the full map is current (after a full reflow, which rebuilds it)."""
    compositor._full_map_invalidated = False


# --- the keymap (set_keymap's map: F1 and on-screen hints show keys as remapped) --------


def keymap_of(app: App | type[App]) -> Mapping[str, str]:
    """The binding id -> key(s) map given to App.set_keymap ({} before any, or for a class)."""
    return getattr(app, "_keymap", None) or {}


# --- Rich styles and strips (ui/terminal.py, ui/safescreen.py: per cell, so fast) -------

# A strip's segments without a copy, a style's link: read per segment, by C-level getters.
strip_segments: Callable[[Any], list] = attrgetter("_segments")
style_link: Callable[[Style], str | None] = attrgetter("_link")


def attribute_bits(style: Style) -> int:
    """The attributes (bold, italic…) a style turns on, as bits in SGR_STYLES order."""
    return style._attributes & style._set_attributes


def color_system(console: Console) -> ColorSystem:
    """The console's colour system (truecolor where the console has none)."""
    return console._color_system or ColorSystem.TRUECOLOR


# --- Textual's Linux driver (ui/safeinput.py) ------------------------------------------


def linux_driver_class() -> type[Driver] | None:
    """Textual's POSIX terminal driver; None where there is no termios."""
    try:
        from textual.drivers.linux_driver import LinuxDriver
    except ImportError:
        return None
    return LinuxDriver


def patch_linux_input(parser: type, decoder: Callable[[str], Callable[[], Any]]) -> None:
    """Make the Linux driver's input thread read with `parser` and `decoder`: its
    run_input_thread makes them from these module-level names when it starts."""
    from textual.drivers import linux_driver

    linux_driver.XTermParser = parser  # type: ignore[misc]
    linux_driver.getincrementaldecoder = decoder  # type: ignore[assignment]
