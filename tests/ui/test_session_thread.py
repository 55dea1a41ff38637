"""The session does not wait for the screen: while the UI's loop is busy (here,
blocked outright for 0.6 s), answers keep arriving on the session's own thread."""

from __future__ import annotations

import json
import time
from pathlib import Path

from livetui.core.settings import Settings
from livetui.testing.simproc import SimProcess
from livetui.ui.app import LiveTuiApp

from .helpers import type_and_send, until
from .states import SimProcessBackend


def sent_text(log: Path) -> str:
    """The answer's transcript the simulator sent, from its frame log (the default
    model only speaks: its text answers are that transcript)."""
    records = [json.loads(line) for line in log.read_text().splitlines()]
    return "".join(
        r["msg"].get("serverContent", {}).get("outputTranscription", {}).get("text", "")
        for r in records if r.get("dir") == "out"
    )


async def test_answers_keep_arriving_while_the_ui_loop_is_blocked(tmp_path: Path) -> None:
    # A simulator process, not one on this loop: blocking the UI's loop must not stop it.
    log = tmp_path / "frames.jsonl"
    # The story (three minutes of speech) spoken 20 times faster than real time.
    with SimProcess("--speed", "20", "--log", str(log)) as sim:
        app = LiveTuiApp(Settings(), SimProcessBackend(dict(sim.exports)), audio=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: app.session.live is not None and app.session.connected.is_set(), timeout=20)
            await type_and_send(pilot, "Tell me a story in markdown")

            def streaming() -> bool:
                turn = app.conversation.model_turn
                return turn is not None and len(turn.text) > 20

            await until(pilot, streaming, what="the answer streaming")

            # Block the UI's loop (this one) until five more answer parts have arrived:
            # only a session on a loop of its own can receive them meanwhile.
            def parts() -> int:
                return len(app.eventlog.entries(kinds={"serverContent.modelTurn"}))

            before, deadline = parts(), time.monotonic() + 5
            while parts() < before + 5:
                assert time.monotonic() < deadline, f"{parts() - before} answer parts arrived in 5 s with the UI's loop blocked"
                time.sleep(0.01)
            # ...and the UI catches up with them: nothing is lost.
            await until(pilot, lambda: not app.conversation.turns[-1].open, timeout=60, what="the answer's end")
    answer = app.conversation.turns[-1]
    assert answer.role == "model" and len(answer.text) > 1000
    assert answer.text == sent_text(log)
