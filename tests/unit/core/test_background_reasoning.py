"""Background reasoning in the console's core: interactionStatus, thoughts, thought tokens.

Decoded from real SDK messages; reduced by the conversation: one request stays ONE
answer until IDLE, thoughts stay apart from the answer's text.
"""

from __future__ import annotations

from google.genai import types

from livetui.core.conversation import Conversation, TurnAdded, TurnEnded, TurnText
from livetui.core.decode import describe_message, events_from_message
from livetui.core.events import (
    AudioChunk,
    InteractionStatus,
    OutputTranscript,
    TextDelta,
    TurnComplete,
    Usage,
)
from livetui.core.usage import UsageTotals


def wire(data: dict) -> types.LiveServerMessage:
    return types.LiveServerMessage.model_validate(data)


def test_interaction_status_rides_before_the_turn_complete_it_came_with():
    events = events_from_message(wire({"serverContent": {"turnComplete": True, "interactionStatus": "IN_PROGRESS"}}))
    assert events == [InteractionStatus("IN_PROGRESS"), TurnComplete(in_progress=True)]
    events = events_from_message(wire({"serverContent": {"turnComplete": True, "interactionStatus": "IDLE"}}))
    assert events == [InteractionStatus("IDLE"), TurnComplete(in_progress=False)]


def test_a_status_alone_is_an_event_and_unknown_values_are_ignored():
    assert events_from_message(wire({"serverContent": {"interactionStatus": "IN_PROGRESS"}})) == [InteractionStatus("IN_PROGRESS")]
    assert events_from_message(wire({"serverContent": {"interactionStatus": "REQUIRES_ACTION"}})) == [InteractionStatus("IDLE")]
    assert events_from_message(wire({"serverContent": {"interactionStatus": "INTERACTION_STATUS_UNSPECIFIED"}})) == []
    assert events_from_message(wire({"serverContent": {"turnComplete": True}})) == [TurnComplete()]


def test_thought_parts_decode_as_thoughts_and_the_log_says_so():
    msg = wire({"serverContent": {"modelTurn": {"parts": [{"text": "pondering", "thought": True}, {"text": "answer"}]}}})
    assert events_from_message(msg) == [TextDelta("pondering", thought=True), TextDelta("answer")]
    kind, summary = describe_message(wire({"serverContent": {"turnComplete": True, "interactionStatus": "IN_PROGRESS"}}))
    assert kind == "serverContent.turnComplete" and "still working" in summary


def test_thought_and_tool_use_tokens_reach_the_totals():
    msg = wire(
        {
            "usageMetadata": {
                "promptTokenCount": 10,
                "responseTokenCount": 20,
                "thoughtsTokenCount": 40,
                "toolUsePromptTokenCount": 5,
                "totalTokenCount": 75,
            }
        }
    )
    (usage,) = events_from_message(msg)
    assert usage == Usage(prompt=10, response=20, total=75, thoughts=40, tool_use_prompt=5)
    totals = UsageTotals().add(usage).add(usage)
    assert (totals.thoughts, totals.tool_use_prompt, totals.total) == (80, 10, 150)


def audio(seconds: float = 0.1) -> AudioChunk:
    return AudioChunk(b"\0\0" * int(24000 * seconds))


def test_one_request_is_one_answer_until_idle():
    c = Conversation()
    c.add_user_text("What is the capital of France?")
    added = c.apply(audio())
    c.apply(OutputTranscript("Let me think about that."))
    # The filler's generation ends: the request goes on.
    changes = c.apply(InteractionStatus("IN_PROGRESS")) + c.apply(TurnComplete(in_progress=True))
    answer = c.turns[1]
    assert [type(x) for x in added] == [TurnAdded]
    assert changes == [TurnText(answer, "")]  # a repaint: it now says it is still working
    assert answer.open and answer.working and c.model_turn is answer and c.working
    c.apply(TextDelta("The capital of France is Paris.", thought=True))
    c.apply(audio())
    c.apply(OutputTranscript("The capital of France is Paris."))
    assert len([t for t in c.turns if t.role == "model"]) == 1
    assert answer.text == "Let me think about that. The capital of France is Paris."
    assert answer.thoughts == "The capital of France is Paris."
    idle = c.apply(InteractionStatus("IDLE")) + c.apply(TurnComplete())
    assert idle == [TurnText(answer, ""), TurnEnded(answer)]
    assert not answer.open and not answer.working and not c.working
    assert abs(answer.audio_seconds - 0.2) < 1e-9


def test_thoughts_never_reach_the_text_or_what_is_carried_over():
    c = Conversation()
    c.apply(TextDelta("secret reasoning", thought=True))
    c.apply(audio())
    c.apply(OutputTranscript("Paris."))
    c.apply(TurnComplete())
    (turn,) = c.turns
    assert turn.modality == "AUDIO"  # the answer, not the thoughts that came first, decides
    assert turn.text == "Paris." and "secret" not in turn.text
    assert [p.text for p in c.past_turns()] == ["Paris."]


def test_without_interaction_status_every_turn_complete_ends_the_answer():
    c = Conversation()
    c.apply(OutputTranscript("One."))
    c.apply(TurnComplete())
    c.apply(OutputTranscript("Two."))
    c.apply(TurnComplete())
    assert [t.text for t in c.turns] == ["One.", "Two."]
    assert not any(t.working for t in c.turns)


def test_a_forced_end_closes_a_working_answer():
    # The console ends an answer itself (session left, switch): no IDLE will come.
    c = Conversation()
    c.apply(OutputTranscript("Let me think."))
    c.apply(TurnComplete(in_progress=True))
    assert c.model_turn is not None
    assert c.apply(TurnComplete()) == [TurnEnded(c.turns[0])]
    assert c.model_turn is None and not c.working and not c.turns[0].working
