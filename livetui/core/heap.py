"""Garbage collection kept short enough not to be heard.

A full (oldest generation) collection walks every object the collector tracks and
holds the GIL while it does: in a running console, 90–115 ms each, about every ten
seconds. When one falls just as an answer starts, the session's thread cannot read
the answer's second chunk until it ends, and the speaker runs dry: the one 100 ms
hole the audio bench heard in 30 answers. Almost all of those objects live as long
as the process (modules, classes, Textual's widgets, the SDK's client), so once the
session is up they are moved out of the collector's sight (`gc.freeze`): later full
collections walk only what came after, 7–27 ms in the same run. What is frozen is
never collected; garbage alive at that moment is a one-off, bounded loss.
"""

from __future__ import annotations

import asyncio
import gc

_frozen = False


def freeze_long_lived() -> bool:
    """Once per process: hide the objects alive now from future collections. Returns
    whether this call froze them (False: done before)."""
    global _frozen
    if _frozen:
        return False
    _frozen = True
    gc.freeze()
    return True


async def freeze_once_connected(connected: asyncio.Event) -> None:
    """Freeze once the first session is up: what exists then lives as long as the console."""
    await connected.wait()
    freeze_long_lived()
