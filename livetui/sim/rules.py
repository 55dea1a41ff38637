"""What each Live model refuses at setup, as today's service refuses it.

One entry point, `check(setup, model)`: the setup message as the client sent it and the
catalogue's `Model` for the name it gave; the answer is None (accepted) or the close
code and reason the connection ends with. The rules ask the `Model` what it takes
(data in `models.py`), never its name, so a new model is a new catalogue entry.

Field names are looked up under both spellings (`wire.field`): the SDK camel-cases only
the keys its converter names, and `thinkingConfig` or `proactivity` keep snake_case keys.

Wordings: the 1008 "not found" and the 1007 "non-audio request" are the service's own
(field reports); the others are the simulator's, one per rule, saying what to change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .models import Model
from .wire import field

__all__ = ["Refusal", "check", "not_found", "response_modality"]

Refusal = tuple[int, str]
Rule = Callable[[Mapping[str, Any], Model], "Refusal | None"]

INVALID = 1007  # the setup asks for something this model does not take
NOT_FOUND = 1008


def not_found(name: str, api_version: str) -> Refusal:
    """The service's answer to a model it does not serve (unknown, or shut down)."""
    resource = name if name.startswith(("models/", "tunedModels/")) else f"models/{name}"
    return NOT_FOUND, f"{resource} is not found for API version {api_version}, or is not supported for bidiGenerateContent."


def response_modality(setup: Mapping[str, Any], model: Model) -> str:
    """The modality a session answers in: the one asked for, else AUDIO where the model
    speaks, else the one it has (the transcription model answers in TEXT)."""
    asked = field(field(setup, "generationConfig"), "responseModalities")
    if asked:
        return str(asked[0]).upper()
    return "AUDIO" if model.accepts("AUDIO") else min(model.modalities)


def check(setup: Mapping[str, Any], model: Model) -> Refusal | None:
    """None when `model` takes this setup; otherwise why the connection is closed."""
    if model.retired:
        return None  # served (with --retired-models) as in 2025, when any config was taken
    for rule in RULES:
        refusal = rule(setup, model)
        if refusal is not None:
            return refusal
    return None


# -- the rules, in the order a setup is read -----------------------------------------


def _modality(setup: Mapping[str, Any], model: Model) -> Refusal | None:
    asked = field(field(setup, "generationConfig"), "responseModalities") or []
    for modality in (str(m).upper() for m in asked):
        if model.accepts(modality):
            continue
        if modality == "TEXT":
            return INVALID, "Cannot extract voices from a non-audio request."
        return INVALID, f"Response modality {modality} is not supported by {model.resource}; use {', '.join(sorted(model.modalities))}."
    return None


def _thinking(setup: Mapping[str, Any], model: Model) -> Refusal | None:
    thinking = field(field(setup, "generationConfig"), "thinkingConfig")
    if thinking is None:
        return None
    if model.thinking == "none":
        return INVALID, f"thinking_config is not supported by {model.resource}; omit it."
    level = field(thinking, "thinkingLevel")
    if level is not None and str(level).upper() == "THINKING_LEVEL_UNSPECIFIED":
        level = None
    budget = field(thinking, "thinkingBudget")
    if level is not None and budget is not None:
        return INVALID, "thinking_level and thinking_budget cannot be set together."
    if level is not None:
        if model.thinking != "level":
            return INVALID, f"thinking_level is not supported by {model.resource}; use thinking_budget."
        if str(level).lower() not in model.thinking_levels:
            return INVALID, f"thinking_level {str(level).upper()} is not supported by {model.resource}; use {'/'.join(model.thinking_levels)}."
    if budget is not None and model.thinking != "budget":
        return INVALID, f"thinking_budget is not supported by {model.resource}; use thinking_level."
    if field(thinking, "includeThoughts") is True and not model.thoughts:
        return INVALID, f"include_thoughts is not supported by {model.resource}."
    return None


def _proactivity(setup: Mapping[str, Any], model: Model) -> Refusal | None:
    proactivity = field(setup, "proactivity")
    if proactivity is None:
        return None
    if not model.proactive_audio:
        return INVALID, f"Proactive audio is not supported by {model.resource}; remove the proactivity config."
    if field(proactivity, "proactiveAudio") is False and not model.proactive_audio_off:
        return INVALID, f"Proactive audio is always on for {model.resource}; proactive_audio=false is not allowed."
    return None


def _affective_dialog(setup: Mapping[str, Any], model: Model) -> Refusal | None:
    given = field(field(setup, "generationConfig"), "enableAffectiveDialog")
    if given is None:
        given = field(setup, "enableAffectiveDialog")
    if given is not None and not model.affective_dialog:
        return INVALID, f"Affective dialog is not supported by {model.resource}; remove enable_affective_dialog."
    return None


def _tools(setup: Mapping[str, Any], model: Model) -> Refusal | None:
    for tool in field(setup, "tools") or []:
        declarations = field(tool, "functionDeclarations")
        if declarations:
            if model.calls == "none":
                return INVALID, f"Function calling is not supported by {model.resource}."
            if model.calls == "sync" and any(
                str(field(d, "behavior") or "").upper() == "NON_BLOCKING" for d in declarations
            ):
                return INVALID, f"Asynchronous function calls (behavior NON_BLOCKING) are not supported by {model.resource}."
        if not model.search and (field(tool, "googleSearch") is not None or field(tool, "googleSearchRetrieval") is not None):
            return INVALID, f"Google Search is not supported by {model.resource}."
    return None


def _system_instruction(setup: Mapping[str, Any], model: Model) -> Refusal | None:
    if field(setup, "systemInstruction") is not None and not model.system_instruction:
        return INVALID, f"System instruction is not supported by {model.resource}."
    return None


RULES: tuple[Rule, ...] = (_modality, _thinking, _proactivity, _affective_dialog, _tools, _system_instruction)
