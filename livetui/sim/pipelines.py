"""The Live models that are pipelines rather than assistants: the interpreter and the
transcriber. A session on one of them hands each utterance to its pipeline instead of
answering it; the catalogue's `kind` says which (data, not model names)."""

from __future__ import annotations

from typing import Any

from .models import lookup
from .session_state import Pipeline
from .transcribe import Transcriber
from .translate import Translator, parse_translation_config

__all__ = ["AUDIO_ONLY", "pipeline_for"]

# What the service says to text sent to a model whose input is audio only (simulator's words).
AUDIO_ONLY = "This model accepts audio input only: send realtime_input audio."


def pipeline_for(model_name: str, setup: Any) -> Pipeline | None:
    """The pipeline for this setup's model; None for a conversational one.
    Raises ValueError (the 1007 reason) for a translation_config the interpreter cannot take."""
    model = lookup(model_name)
    if model is None or model.kind == "conversation":
        return None
    if model.kind == "translate":
        return Translator(parse_translation_config(setup, model.name))
    return Transcriber()
