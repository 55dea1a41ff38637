"""Input from the terminal, read as data: a paste arrives whole and in order, and bytes
that are not UTF-8 do not end the console.

Textual's input parser reads an ESC inside a paste as the start of a key sequence: what
follows it is sent as key presses (ESC itself as "^", BEL as ctrl+g, CR as Enter — a
half-pasted line could be sent) ahead of the text before it, which is pasted last. A
paste is data, so `PasteParser` cuts it out of the input before Textual's parser sees
it: everything between ``ESC [ 200 ~`` and ``ESC [ 201 ~`` becomes one `events.Paste`
in order, its control characters shown as stand-ins (`core.sanitize.pasted_text`: this is
where pasted text enters the app, for every widget). Keys around it go through Textual's
parser as before.

Bytes that are not UTF-8 (a terminal in another encoding, 8-bit meta keys) made Textual's
input thread fail, and the console ended at once, silently: they are read as U+FFFD.

Textual's Linux driver makes its parser and decoder from module-level names in
`run_input_thread`; `SafeInputDriver` points those names (in Textual's module, for the
process: there is one terminal) at these before the thread starts reading
(`textual_internals.patch_linux_input`).
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterable
from functools import partial

from textual import events
from textual.driver import Driver
from textual.message import Message

from ..core.sanitize import pasted_text
from .textual_internals import XTermParser, linux_driver_class, patch_linux_input

START, END = "\x1b[200~", "\x1b[201~"


def _split_marker(data: str, marker: str, shortest: int) -> int:
    """How many characters at the end of `data` could begin `marker` (at least `shortest`)."""
    for keep in range(min(len(marker) - 1, len(data)), shortest - 1, -1):
        if marker.startswith(data[-keep:]):
            return keep
    return 0


class PasteParser(XTermParser):
    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self._pasted: list[str] | None = None  # the paste so far, while inside one
        self._held = ""  # the start of a marker that the next read should complete
        self._fed = False  # since the last tick: a tick with nothing fed means a pause in the input

    def feed(self, data: str) -> Iterable[Message]:
        if not data:  # the end of input
            held, self._held = self._held, ""
            if held and self._pasted is None:
                yield from super().feed(held)
            yield from super().feed("")
            return
        self._fed = True
        data, self._held = self._held + data, ""
        while data:
            if self._pasted is None:
                at = data.find(START)
                if at < 0:
                    keep = _split_marker(data, START, 1)  # (a lone ESC too: see tick)
                    if keep:
                        data, self._held = data[:-keep], data[-keep:]
                    if data:
                        yield from super().feed(data)
                    return
                if at:
                    yield from super().feed(data[:at])
                self._pasted, data = [], data[at + len(START) :]
            else:
                at = data.find(END)
                if at < 0:
                    keep = _split_marker(data, END, 1)
                    self._pasted.append(data[: len(data) - keep])
                    self._held = data[len(data) - keep :]
                    return
                text = "".join(self._pasted) + data[:at]
                self._pasted, data = None, data[at + len(END) :]
                yield events.Paste(pasted_text(text))

    def tick(self) -> Iterable[Message]:
        """The driver ticks after each round of reads, and after each 0.1 s without input."""
        if self._held and self._pasted is None and not self._fed:  # input paused: not a paste
            held, self._held = self._held, ""
            if held == "\x1b":  # the Escape key, as soon as Textual's parser would tell it
                yield events.Key("escape", "\x1b")
            else:
                yield from super().feed(held)
        self._fed = False
        yield from super().tick()


def _lenient_decoder(encoding: str) -> Callable[[], codecs.IncrementalDecoder]:
    return partial(codecs.getincrementaldecoder(encoding), errors="replace")


def safe_input(driver_class: type[Driver]) -> type[Driver]:
    """`driver_class`, or a subclass that reads input with `PasteParser` and a lenient
    decoder where Textual's Linux driver is used (not on Windows, nor the test driver)."""
    linux = linux_driver_class()
    if linux is None or not issubclass(driver_class, linux):  # no termios, or not Textual's terminal driver
        return driver_class

    class SafeInputDriver(driver_class):  # type: ignore[valid-type, misc]
        def run_input_thread(self) -> None:
            patch_linux_input(PasteParser, _lenient_decoder)  # before the thread makes its parser
            super().run_input_thread()

    return SafeInputDriver
