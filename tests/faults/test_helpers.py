"""The fault suite's own yardstick: it must tell the console's sequences from hostile ones."""

from __future__ import annotations

import pytest

from .helpers import foreign_sequences

OWN = b"\x1b[?1049h\x1b[?25l\x1b[1;1H\x1b[0;38;2;1;2;3;48;2;4;5;6mtext\x1b[0m\r\n\x1b]22;default\x07\x1b[?2026$p\x1b[>1u\x1b[<u\x1b[?1049l"


def test_the_consoles_own_sequences_are_not_foreign() -> None:
    assert foreign_sequences(OWN) == []


@pytest.mark.parametrize(
    "hostile",
    [
        b"\x1b]0;pwned\x07",  # retitle
        b"\x1b]52;c;cHduZWQ=\x07",  # clipboard
        b"\x1b[2J",  # clear
        "\u009b1049l".encode(),  # 8-bit CSI
        b"\x07",  # bell
        b"\x1bc",  # full reset
        b"\x1bP1$qm\x1b\\",  # DCS query
    ],
)
def test_hostile_sequences_are_foreign(hostile: bytes) -> None:
    assert foreign_sequences(OWN + hostile), hostile
