"""The wait the status bar shows: connecting, and a turn sent with no word of its reply yet."""

from __future__ import annotations

from livetui.core.events import InputTranscript, TextDelta, TurnComplete
from livetui.core.pending import Pending


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_connecting_is_shown_after_a_second_with_its_label() -> None:
    clock = Clock()
    pending = Pending(clock)
    pending.connecting("reconnecting 2/8…")
    clock.now += 0.5
    assert pending.line() == ""  # a normal wait is not worth a word
    clock.now += 3.7
    assert pending.line() == "reconnecting 2/8… 4 s"
    pending.connected()
    assert pending.line() == ""


def test_a_sent_turn_waits_until_its_reply_begins() -> None:
    clock = Clock()
    pending = Pending(clock)
    pending.sent()
    clock.now += 3.2
    assert pending.line() == "waiting for the reply… 3 s"
    pending.heard(InputTranscript("what the user said"))  # the user's own words are no reply
    assert pending.line() == "waiting for the reply… 3 s"
    pending.heard(TextDelta("Lis"))
    assert pending.line() == ""


def test_a_second_turn_waits_from_the_end_of_the_first_reply() -> None:
    clock = Clock()
    pending = Pending(clock)
    pending.sent()
    pending.sent()
    pending.heard(TextDelta("first"))
    clock.now += 5
    assert pending.line() == ""  # the first reply streams
    pending.heard(TurnComplete())
    clock.now += 2
    assert pending.line() == "waiting for the reply… 2 s"
    pending.heard(TextDelta("second"))
    pending.heard(TurnComplete())
    clock.now += 9
    assert pending.line() == ""


def test_a_failure_ends_every_wait() -> None:
    clock = Clock()
    pending = Pending(clock)
    pending.connecting()
    pending.sent()
    pending.stopped()
    clock.now += 10
    assert pending.line() == ""
