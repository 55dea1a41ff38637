"""`livetui --list-devices`: the audio devices as a table, or one line saying why there are none."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, TextIO

from .text import first_line, one_line


def list_devices(out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Print the audio devices as a table: 0; or one line on `err` and 1 when there are none."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        # Imported here: PyAudio (and PortAudio under it) only when asked, and its absence is one line.
        from ..core.audio.discovery import list_devices as query
        from ..core.audio.portaudio import AudioUnavailable
        from ..core.audio.quiet import quiet_stderr
    except ImportError as exc:
        return _no_devices(err, f"cannot load the audio library ({first_line(exc)})")
    try:
        with quiet_stderr():  # PortAudio and ALSA talk on fd 2 while they probe
            devices = list(query())
    except (AudioUnavailable, OSError) as exc:
        return _no_devices(err, first_line(exc))
    if not devices:
        return _no_devices(err, "PortAudio sees none")
    print(format_devices(devices), file=out)
    return 0


def _no_devices(err: TextIO, why: str) -> int:
    print(f"livetui: no audio devices: {why}", file=err)
    return 1


def format_devices(devices: Sequence[Any]) -> str:
    """A table: index, input and output channels (* marks the defaults), default rate, name."""
    header = ("index", "in", "out", "rate", "name")
    rows = [
        (str(d.index), str(d.max_input_channels), str(d.max_output_channels), str(round(d.default_rate)), one_line(d.name))
        for d in devices
    ]
    marks = [("*" if d.is_default_input else " ", "*" if d.is_default_output else " ") for d in devices]
    width = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]

    def line(row: tuple[str, ...], mark: tuple[str, str]) -> str:
        index, inputs, outputs, rate, name = row
        cells = (index.rjust(width[0]), inputs.rjust(width[1]) + mark[0], outputs.rjust(width[2]) + mark[1], rate.rjust(width[3]))
        return ("  ".join(cells) + "  " + name).rstrip()

    lines = [line(header, (" ", " ")), *(line(row, mark) for row, mark in zip(rows, marks))]
    if any(mark != (" ", " ") for mark in marks):
        lines.append("* the default input (in) and output (out)")
    return "\n".join(lines)
