"""The last line of defence: no text in a frame reaches the terminal as a control code.

Outside text is made safe where it enters (core.sanitize: decode, store load, device
and model lists). A path that forgot would let a model's ``ESC ] 0 ; … BEL`` retitle the
user's terminal, so every frame is checked once more on its way out (`LiveTuiApp.frame`,
with or without the changed-cells writer): a character a cell cannot hold (C0 controls
with tab and newline, DEL, C1, bidi controls) in a segment's text or link is drawn as
its stand-in. Control segments are Textual's own sequences and pass as they are.

This runs for every frame, so the common case is one precompiled search per segment and
no copies: a strip, and an update, are rebuilt only when a search finds something.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from operator import itemgetter

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from ..core.sanitize import SCREEN_UNSAFE, screen_text
from .textual_internals import (
    ChopsUpdate,
    CompositorUpdate,
    InlineUpdate,
    LayoutUpdate,
    strip_segments,
    style_link,
)


def _safe_segment(segment: Segment) -> Segment:
    text, style, control = segment
    if control:
        return segment
    if style is not None and style.link and SCREEN_UNSAFE.search(style.link):
        style = style + Style(link=screen_text(style.link))
    return Segment(screen_text(text), style)


def safe_strip(strip: Strip) -> Strip:
    """`strip` itself when it is clean; else a copy that shows its control characters."""
    search = SCREEN_UNSAFE.search
    for text, style, control in strip:
        if (search(text) or (style is not None and style.link and search(style.link))) and not control:
            return Strip([_safe_segment(segment) for segment in strip])
    return strip


_text, _style = itemgetter(0), itemgetter(1)


def _clean(strips: Iterable[Strip]) -> bool:
    """True when no segment of `strips` needs a stand-in: one search of all their text and
    links, gathered by C-level iteration (no Python code per segment). Control segments
    count too: a false alarm only sends the update through the exact, slower check."""
    segments = list(chain.from_iterable(map(strip_segments, strips)))
    search = SCREEN_UNSAFE.search
    if search("".join(map(_text, segments))):
        return False
    return not search("".join(filter(None, map(style_link, filter(None, map(_style, segments))))))


def _safe_lines(lines: list) -> list | None:
    """Lines of strips with the unsafe ones replaced; None when all were clean."""
    if _clean(chain.from_iterable(lines)):
        return None
    return [[safe_strip(strip) for strip in line] for line in lines]


def _safe_chops(update: ChopsUpdate) -> ChopsUpdate:
    chops = update.chops
    written = sorted({y for y, _, _ in update.spans})  # only the lines this update writes
    if _clean(filter(None, chain.from_iterable(chops[y].values() for y in written))):
        return update
    safe = list(chops)
    for y in written:
        safe[y] = {x: None if strip is None else safe_strip(strip) for x, strip in chops[y].items()}
    return ChopsUpdate(safe, update.spans, update.chop_ends)


def safe_update(update: CompositorUpdate) -> CompositorUpdate:
    """`update` itself when all its text is clean; else a copy that draws control characters
    as stand-ins (a line may then be wider than its region: the terminal clips it)."""
    if isinstance(update, ChopsUpdate):
        return _safe_chops(update)
    if isinstance(update, LayoutUpdate):
        lines = _safe_lines(update.strips)
        return update if lines is None else LayoutUpdate(lines, update.region)
    if isinstance(update, InlineUpdate):
        lines = _safe_lines([update.strips])
        return update if lines is None else InlineUpdate(lines[0], update.clear)
    return update
