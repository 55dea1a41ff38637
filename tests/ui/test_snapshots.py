"""Pictures of the console at 80x24 and 120x40, against a `livetui-sim` process.

The states are those of tests/ui/states.py, which scripts/screenshots.py pictures
too. Update the baselines with:

    .venv/bin/python -m pytest tests/ui/test_snapshots.py --snapshot-update

then look at them (the failure report, snapshot_report.html, shows both side by side).
"""

from __future__ import annotations

import pytest

from .states import STATES, State, make_app, sim_backend

SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def sim_process():
    """A fresh simulator per picture: session ids count from 1 in each."""
    with sim_backend() as backend:
        yield backend


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("state", STATES, ids=lambda s: s.name)
def test_snapshot(snap_compare, sim_process, state: State, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(sim_process), terminal_size=size, run_before=state.run_before)
