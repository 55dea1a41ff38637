"""StopOnSignals with a real (headless) Textual app: the signal's timing does not matter."""

from __future__ import annotations

import os
import signal

import pytest
from textual.app import App

from livetui.cli.stopsignals import StopOnSignals


class Waiting(App[None]):
    """Runs until asked to exit; on mount it may send itself a signal (the loop is running then)."""

    def __init__(self, signum: int | None = None) -> None:
        super().__init__()
        self._signum = signum

    def on_mount(self) -> None:
        if self._signum is not None:
            os.kill(os.getpid(), self._signum)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_while_the_app_runs_ends_it(signum: int) -> None:
    app = Waiting(signum)
    with StopOnSignals(app) as stop:
        app.run(headless=True)  # would never return without the exit the handler asked for
    assert stop.received == signum
    assert stop.exit_code(0) == 128 + signum


def test_a_signal_before_the_app_starts_ends_it_as_soon_as_it_runs() -> None:
    app = Waiting()
    with StopOnSignals(app) as stop:
        os.kill(os.getpid(), signal.SIGTERM)  # during start-up: no event loop yet
        app.run(headless=True)
    assert stop.exit_code(0) == 143


def test_the_previous_handlers_come_back_and_no_signal_keeps_the_apps_code() -> None:
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)
    stop = StopOnSignals(Waiting())
    with stop:
        assert signal.getsignal(signal.SIGTERM) != before[0]
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)) == before
    assert stop.received is None and stop.exit_code(1) == 1
