"""The reducer: events in, state and the changes to repaint out."""

from __future__ import annotations

from datetime import datetime, timedelta

from livetui.core.conversation import Conversation, TranscriptChanged, TurnAdded, TurnEnded, TurnText, UsageChanged
from livetui.core.events import (
    AudioChunk,
    InputTranscript,
    Interrupted,
    OutputTranscript,
    TextDelta,
    TurnComplete,
    Usage,
)


def clock():
    t = datetime(2026, 1, 1, 12, 0, 0)
    while True:
        yield t
        t += timedelta(seconds=1)


def conversation() -> Conversation:
    ticks = clock()
    return Conversation(clock=lambda: next(ticks))


def test_a_streamed_text_answer_is_one_turn_with_every_delta():
    c = conversation()
    c.add_user_text("Hi")
    first = c.apply(TextDelta("Hel"))
    assert isinstance(first[0], TurnAdded) and first[0].turn.role == "model"
    assert isinstance(first[1], TurnText) and first[1].delta == "Hel"
    assert c.apply(TextDelta("lo")) == [TurnText(c.turns[1], "lo")]
    assert c.apply(TextDelta("hidden", thought=True)) == [TurnText(c.turns[1], "")]  # kept apart, not as text
    ended = c.apply(TurnComplete())
    assert ended == [TurnEnded(c.turns[1])]
    assert c.turns[1].text == "Hello" and c.turns[1].thoughts == "hidden" and not c.turns[1].open
    assert c.apply(TurnComplete()) == [], "a second turnComplete ends nothing"


def test_audio_answers_take_their_text_from_the_output_transcript():
    c = conversation()
    changes = c.apply(AudioChunk(b"\0\0" * 2400))
    turn = c.turns[0]
    assert turn.modality == "AUDIO" and abs(turn.audio_seconds - 0.1) < 1e-9
    assert [type(x) for x in changes] == [TurnAdded]
    changes = c.apply(OutputTranscript("Hello"))
    assert TranscriptChanged("output", turn.id, "Hello") in changes
    c.apply(OutputTranscript(" there"))
    assert turn.text == "Hello there"


def test_spoken_input_becomes_a_user_turn_that_ends_when_the_answer_starts():
    c = conversation()
    c.apply(InputTranscript("what is"))
    c.apply(InputTranscript(" the weather"))
    spoken = c.turns[0]
    assert spoken.role == "user" and spoken.modality == "AUDIO" and spoken.text == "what is the weather" and spoken.open
    changes = c.apply(TextDelta("Sunny"))
    assert changes[0] == TurnEnded(spoken)
    assert not spoken.open


def test_finished_input_transcript_ends_the_spoken_turn():
    c = conversation()
    changes = c.apply(InputTranscript("hello", finished=True))
    assert isinstance(changes[-1], TurnEnded)


def test_interrupted_marks_the_answer():
    c = conversation()
    c.apply(TextDelta("A long"))
    c.apply(Interrupted())
    c.apply(TurnComplete())
    assert c.turns[0].interrupted


def test_usage_adds_up_and_lands_on_the_answer():
    c = conversation()
    c.apply(TextDelta("x"))
    u1 = Usage(prompt=10, response=2, total=12, prompt_by_modality={"TEXT": 10}, response_by_modality={"TEXT": 2})
    [change] = c.apply(u1)
    assert isinstance(change, UsageChanged) and change.totals.total == 12
    c.apply(TurnComplete())
    c.apply(AudioChunk(b"\0\0"))
    c.apply(Usage(prompt=14, response=32, total=46, prompt_by_modality={"TEXT": 14}, response_by_modality={"AUDIO": 32}))
    assert c.turns[0].usage == u1
    assert c.usage.turns == 2 and c.usage.total == 58
    assert dict(c.usage.response_by_modality) == {"TEXT": 2, "AUDIO": 32}


def test_past_turns_skip_system_lines_and_empty_turns():
    c = conversation()
    c.add_user_text("What is the capital of France?")
    c.apply(TextDelta("Paris"))
    c.apply(TurnComplete())
    c.add_system("switched", "divider")
    c.apply(AudioChunk(b"\0\0"))  # an answer with no words
    c.apply(TurnComplete())
    assert [(t.role, t.text) for t in c.past_turns()] == [("user", "What is the capital of France?"), ("model", "Paris")]


def test_clear_forgets_turns_but_not_what_was_spent():
    c = conversation()
    c.apply(Usage(total=5))
    c.add_user_text("x")
    c.clear()
    assert c.turns == [] and c.usage.total == 5
