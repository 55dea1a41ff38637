"""The setup rules alone: the cases no catalogue model reaches over the wire, and the
limits every reason must keep."""

from __future__ import annotations

from dataclasses import replace

import pytest

from livetui.sim.models import CATALOGUE, RETIRED, Model, lookup
from livetui.sim.rules import check, not_found, response_modality

LEVELS = next(m for m in CATALOGUE if m.thinking == "level")
# Thinking levels, but no thought parts: no model today, so only a unit test reaches it.
NO_THOUGHTS = replace(LEVELS, name="no-thoughts", thoughts=False)

# Everything a setup can ask that some model refuses, in both spellings the SDK uses.
EVERYTHING = [
    {"generationConfig": {"responseModalities": ["TEXT"]}},
    {"generationConfig": {"responseModalities": ["AUDIO"]}},
    {"generationConfig": {"thinkingConfig": {"thinking_level": "MINIMAL"}}},
    {"generationConfig": {"thinkingConfig": {"thinkingLevel": "XHIGH"}}},
    {"generationConfig": {"thinkingConfig": {"thinking_budget": 5}}},
    {"generationConfig": {"thinkingConfig": {"include_thoughts": True}}},
    {"generationConfig": {"enableAffectiveDialog": True}},
    {"proactivity": {"proactive_audio": False}},
    {"proactivity": {"proactiveAudio": True}},
    {"tools": [{"functionDeclarations": [{"name": "f", "behavior": "NON_BLOCKING"}]}]},
    {"tools": [{"googleSearch": {}}]},
    {"systemInstruction": {"parts": [{"text": "x"}]}},
]


def test_include_thoughts_only_where_the_model_sends_thoughts() -> None:
    setup = {"generationConfig": {"thinkingConfig": {"thinking_level": "low", "include_thoughts": True}}}
    assert check(setup, LEVELS) is None
    assert check(setup, NO_THOUGHTS) == (1007, "include_thoughts is not supported by models/no-thoughts.")
    setup["generationConfig"]["thinkingConfig"]["include_thoughts"] = False
    assert check(setup, NO_THOUGHTS) is None, "asking for no thoughts is no error"


def test_an_unspecified_thinking_level_is_no_level() -> None:
    budget = next(m for m in CATALOGUE if m.thinking == "budget")
    setup = {"generationConfig": {"thinkingConfig": {"thinking_level": "THINKING_LEVEL_UNSPECIFIED", "thinking_budget": 0}}}
    assert check(setup, budget) is None


@pytest.mark.parametrize("model", CATALOGUE + RETIRED, ids=lambda m: m.name)
def test_every_reason_fits_a_close_frame_uncut(model: Model) -> None:
    for setup in EVERYTHING:
        refusal = check(setup, model)
        if refusal is not None:
            code, reason = refusal
            assert code == 1007 and len(reason.encode()) <= 123, reason


@pytest.mark.parametrize("model", RETIRED, ids=lambda m: m.name)
def test_retired_models_when_served_take_everything(model: Model) -> None:
    assert all(check(setup, model) is None for setup in EVERYTHING)


def test_the_default_answer_is_spoken_except_where_the_model_only_writes() -> None:
    assert response_modality({}, lookup("gemini-3.8-live")) == "AUDIO"
    assert response_modality({}, lookup("gemini-3.5-transcribe-live")) == "TEXT"
    assert response_modality({"generation_config": {"response_modalities": ["text"]}}, lookup("gemini-3.8-live")) == "TEXT"


def test_not_found_keeps_a_models_or_tuned_models_prefix() -> None:
    assert not_found("m", "v1")[1].startswith("models/m is not found for API version v1,")
    assert not_found("models/m", "v1beta")[1].startswith("models/m is not found for API version v1beta,")
    assert not_found("tunedModels/t", "v1")[1].startswith("tunedModels/t is not found")
