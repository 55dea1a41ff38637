"""The simulator's reasoning rules, read from a setup: who thinks, who shows thoughts,
which calls run NON_BLOCKING."""

from __future__ import annotations

from livetui.sim.reasoning import Reasoning, scheduling, thought_text


def setup(model: str, thinking: dict | None = None) -> dict:
    out: dict = {"model": f"models/{model}", "generationConfig": {"responseModalities": ["AUDIO"]}}
    if thinking is not None:
        out["generationConfig"]["thinkingConfig"] = thinking
    return out


def test_the_extended_thinking_model_always_reasons_in_the_background():
    r = Reasoning.from_setup(setup("gemini-3.8-live-extended-thinking"))
    assert r.background and r.thinks and not r.include_thoughts
    assert Reasoning.from_setup(setup("gemini-3.8-live-extended-thinking", {"include_thoughts": True})).include_thoughts


def test_other_models_think_only_when_the_setup_asks_and_never_in_the_background():
    assert Reasoning.from_setup(setup("gemini-3.8-live")) == Reasoning(async_calls=True, async_allowed=True)
    leveled = Reasoning.from_setup(setup("gemini-3.1-flash-live-preview", {"thinkingLevel": "low", "includeThoughts": True}))
    assert leveled.thinks and leveled.include_thoughts and not leveled.background
    assert not Reasoning.from_setup(setup("gemini-3.1-flash-live-preview")).thinks
    assert Reasoning.from_setup(setup("no-such-model")) == Reasoning()
    budget = "gemini-2.5-flash-native-audio-preview-12-2025"
    assert Reasoning.from_setup(setup(budget, {"thinking_budget": 1024})).thinks
    assert not Reasoning.from_setup(setup(budget, {"thinking_budget": 0, "include_thoughts": True})).thinks  # off


def test_calls_are_non_blocking_by_default_only_on_the_3_8_models():
    live = Reasoning.from_setup(setup("gemini-3.8-live"))
    assert live.non_blocking("") and live.non_blocking("non_blocking") and not live.non_blocking("BLOCKING")
    legacy = Reasoning.from_setup(setup("gemini-3.1-flash-live-preview"))
    assert not legacy.non_blocking("") and not legacy.non_blocking("NON_BLOCKING")  # synchronous only
    older = Reasoning.from_setup(setup("gemini-2.5-flash-native-audio-preview-12-2025"))
    assert not older.non_blocking("") and older.non_blocking("NON_BLOCKING")  # only when declared


def test_scheduling_defaults_to_when_idle():
    assert scheduling({}) == "WHEN_IDLE"
    assert scheduling({"scheduling": "interrupt"}) == "INTERRUPT"
    assert scheduling({"scheduling": "SILENT"}) == "SILENT"
    assert scheduling({"scheduling": "SCHEDULING_UNSPECIFIED"}) == "WHEN_IDLE"


def test_thoughts_quote_the_request_briefly():
    assert "capital of Peru" in thought_text("What is the capital of Peru?")
    assert len(thought_text("word " * 100)) < 160
    assert "repeat" in thought_text("")
