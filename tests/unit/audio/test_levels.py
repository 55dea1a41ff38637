"""The level meter's peak hold and decay, on an injected clock."""

from __future__ import annotations

import threading

import pytest

from livetui.core.audio.levels import LevelMeter
from livetui.core.audio.pcm import SILENCE_DBFS, dbfs

from .signals import pcm16, tone


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


SILENT_BLOCK = bytes(320)  # 10 ms at 16 kHz
CLICK = pcm16(tone(1000, 16000, 0.01, amplitude=0.5))  # about -9 dBFS
QUIET = pcm16(tone(1000, 16000, 0.01, amplitude=0.05))  # about -29 dBFS


def test_no_reading_until_fed_and_after_reset() -> None:
    meter = LevelMeter(clock=Clock())
    assert meter.level() is None
    meter.feed(SILENT_BLOCK)
    assert meter.level() == SILENCE_DBFS
    meter.feed(CLICK)
    meter.reset()
    assert meter.level() is None
    meter.feed(SILENT_BLOCK)
    assert meter.level() == SILENCE_DBFS  # the click's peak went with the reset


def test_a_click_is_held_then_decays() -> None:
    clock = Clock()
    meter = LevelMeter(hold_s=0.3, decay_db_per_s=20.0, clock=clock)
    click = dbfs(CLICK)
    meter.feed(CLICK)
    for _ in range(29):  # silence after the click, up to 0.29 s later
        clock.t += 0.01
        meter.feed(SILENT_BLOCK)
        assert meter.level() == pytest.approx(click)
    clock.t += 0.01 + 0.5  # 0.5 s into the decay
    meter.feed(SILENT_BLOCK)
    assert meter.level() == pytest.approx(click - 10.0)
    clock.t += 10.0
    assert meter.level() == SILENCE_DBFS


def test_the_current_block_wins_over_a_lower_held_peak() -> None:
    clock = Clock()
    meter = LevelMeter(hold_s=0.3, decay_db_per_s=20.0, clock=clock)
    meter.feed(CLICK)
    clock.t += 0.1
    meter.feed(QUIET)  # quieter, during the hold: the peak stays
    assert meter.level() == pytest.approx(dbfs(CLICK))
    clock.t += 2.0  # the peak has decayed 36 dB, below the quiet tone
    meter.feed(QUIET)
    assert meter.level() == pytest.approx(dbfs(QUIET))
    clock.t += 0.01
    meter.feed(CLICK)  # a new, louder peak restarts the hold
    clock.t += 0.29
    meter.feed(SILENT_BLOCK)
    assert meter.level() == pytest.approx(dbfs(CLICK))


def test_feeding_from_another_thread_while_reading() -> None:
    meter = LevelMeter()
    loud = pcm16(tone(1000, 16000, 0.01, amplitude=1.0))
    blocks = [SILENT_BLOCK, QUIET, loud] * 300
    feeder = threading.Thread(target=lambda: [meter.feed(b) for b in blocks])
    feeder.start()
    readings = []
    while feeder.is_alive():
        readings.append(meter.level())
    feeder.join()
    valid = [r for r in readings if r is not None]
    assert all(SILENCE_DBFS <= r <= dbfs(loud) + 1e-9 for r in valid)
    assert meter.level() == pytest.approx(dbfs(loud))  # held: the last loud block was just now
