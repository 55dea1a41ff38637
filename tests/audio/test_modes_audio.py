"""`livetui --translate fr` and `livetui --transcribe` end to end: settings from the
real flags, speech played into the virtual mic, real PortAudio capture and playback,
the real SDK, an in-process simulator; the conversation saved and exported."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from livetui.cli.args import load_settings
from livetui.core.modes import TRANSCRIBE_MODEL, TRANSLATE_MODEL
from livetui.core.store import TranscriptStore, export_markdown, load
from livetui.sim.translate import translate
from livetui.testing.pulse import Pulse
from livetui.ui.app import LiveTuiApp
from livetui.ui.widgets.chat import ModelMessage, UserMessage

from ..ui.helpers import until
from .test_voice_app import (
    PHRASE,
    SIZE,
    heard_by_sim,
    pane_texts,
    recording_covers,
    say_into_mic,
    served,
    simulator,
    sounding,
    sounds_like,
    start,
    status,
)

pytestmark = [pytest.mark.audio, pytest.mark.usefixtures("pulse")]


def flags(tmp_path: Path, *argv: str):
    """Settings as `livetui ARGV` makes them, with an empty config folder."""
    (tmp_path / "cfg").mkdir(exist_ok=True)
    return load_settings(list(argv), environ={"XDG_CONFIG_HOME": str(tmp_path / "cfg")})


def finished(app: LiveTuiApp, widget: type) -> list:
    return [w for w in app.query(widget) if not w.turn.open]


async def test_the_interpreter_hears_you_shows_both_sides_and_speaks_french(pulse: Pulse, tmp_path: Path) -> None:
    settings = flags(tmp_path, "--translate", "fr")
    store = TranscriptStore.create(tmp_path / "conversations", environ={})
    async with simulator(speed=1.0) as backend:
        app = LiveTuiApp(settings, backend, store=store)
        async with app.run_test(size=SIZE) as pilot:
            await start(pilot)
            assert status(app).mic.startswith("mic live"), "the interpreter listens from the start"
            with pulse.speaker_recorder() as recorder:
                speaker = say_into_mic(pulse)
                await until(pilot, lambda: finished(app, ModelMessage), timeout=60, what="the translation")
                assert app.session.voice is not None
                await until(pilot, lambda: not app.session.voice.buffer.playing, timeout=30, what="the translation to play out")
                await recording_covers(recorder, time.monotonic() + 0.3)
                x = recorder.samples()
                first_sent = served(backend, "modelTurn")[0]["t"]
                first_heard = recorder.time_of(int(sounding(x)[0])) if len(sounding(x)) else float("nan")
            assert speaker.wait(timeout=10) == 0

            [heard] = heard_by_sim(backend)
            assert sounds_like(heard, PHRASE)
            [said] = finished(app, UserMessage)
            [translation] = finished(app, ModelMessage)
            expected = translate(heard, "fr")
            assert said.turn.text == heard and said.turn.modality == "AUDIO"
            assert translation.turn.text.strip() == expected != heard, "the French, not the English"
            assert pane_texts(app, "heard") == [heard] and pane_texts(app, "said") == [expected]
            assert app.query_one("#said").border_title == "Translation · French"
            seconds = translation.turn.audio_seconds

    loud = sounding(x)
    assert len(loud), "the translation never came out of the speaker"
    span = (int(loud[-1]) - int(loud[0])) / 24_000
    print(f"\n[interpreter] heard {heard!r}, said {expected!r}: {seconds:.2f} s of audio, {span:.2f} s on the speaker")
    assert 0.5 * seconds < span <= seconds + 0.1
    assert first_heard >= first_sent
    exported = export_markdown(load(store.path))
    assert TRANSLATE_MODEL in exported and exported.index(heard) < exported.index(expected)


async def test_dictation_captions_what_you_say_and_says_nothing(pulse: Pulse, tmp_path: Path) -> None:
    settings = flags(tmp_path, "--transcribe")
    store = TranscriptStore.create(tmp_path / "conversations", environ={})
    async with simulator(speed=1.0) as backend:
        app = LiveTuiApp(settings, backend, store=store)
        async with app.run_test(size=SIZE) as pilot:
            await start(pilot)
            assert status(app).mic.startswith("mic live"), "dictation listens from the start (TEXT answers or not)"
            with pulse.speaker_recorder() as recorder:
                speaker = say_into_mic(pulse)
                await until(pilot, lambda: finished(app, UserMessage), timeout=60, what="the caption")
                await until(pilot, lambda: app.conversation.usage.turns >= 1, timeout=10, what="the caption's usage")
                await recording_covers(recorder, time.monotonic() + 0.3)
                x = recorder.samples()
            assert speaker.wait(timeout=10) == 0
            assert sounds_like("".join(heard_by_sim(backend)), PHRASE)
            [caption] = finished(app, UserMessage)
            assert caption.turn.text == "".join(heard_by_sim(backend))
            assert pane_texts(app, "heard") == [caption.turn.text]
            audio_parts = [r for r in served(backend, "modelTurn")
                           if any("inlineData" in part for part in r["msg"]["serverContent"]["modelTurn"]["parts"])]
            assert list(app.query(ModelMessage)) == [] and audio_parts == []
    assert len(sounding(x)) == 0, "nothing is spoken back"
    exported = export_markdown(load(store.path))
    assert TRANSCRIBE_MODEL in exported and caption.turn.text in exported
