"""Settings that follow the model: which of them a model takes, and why not when it does not.

The settings screen shows a setting the model cannot take disabled, with this reason;
the config file and the flags refuse it with the same words. Nothing is silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import KNOWN, info, retired
from .tools.spec import ToolBox

__all__ = [
    "LEVELS",
    "Availability",
    "function_calls_for",
    "non_blocking_for",
    "show_thoughts_for",
    "thinking_fix",
    "thinking_level_for",
    "thinking_problems",
    "tool_notes",
]

LEVELS = ("minimal", "low", "medium", "high")  # every thinking level any Live model names


@dataclass(frozen=True)
class Availability:
    """Whether a model takes a setting; `reason` says why not (empty when it does)."""

    enabled: bool
    reason: str = ""
    levels: tuple[str, ...] = ()  # for the thinking level: the ones the model takes


def _or(items: tuple[str, ...]) -> str:
    quoted = [f"'{i}'" for i in items]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _no_thinking(model: str, unknown: str) -> Availability | None:
    """Why `model` takes no thinking setting at all (retired, unknown, or none), else None."""
    known = info(model)
    if retired(model):
        return Availability(False, f"{model} was retired")
    if known is None:
        return Availability(False, unknown)
    if known.thinking == "none":
        return Availability(False, f"{known.name} takes no thinking settings")
    return None


def thinking_level_for(model: str) -> Availability:
    if refused := _no_thinking(model, f"livetui does not know which thinking levels {model} takes"):
        return refused
    known = info(model)
    assert known is not None
    if known.thinking != "level":
        return Availability(False, f"{known.name} takes a thinking budget, not a level")
    return Availability(True, levels=known.thinking_levels)


def show_thoughts_for(model: str) -> Availability:
    if refused := _no_thinking(model, f"livetui does not know whether {model} sends thoughts"):
        return refused
    known = info(model)
    assert known is not None
    if not known.thoughts:
        return Availability(False, f"{known.name} sends no thoughts")
    return Availability(True)


def thinking_problems(model: str, level: str | None, show_thoughts: bool) -> dict[str, str]:
    """What `model` cannot take of these settings: {"thinking_level"|"show_thoughts": why}."""
    problems: dict[str, str] = {}
    if level is not None:
        can = thinking_level_for(model)
        if not can.enabled:
            problems["thinking_level"] = can.reason
        elif level not in can.levels:
            problems["thinking_level"] = f"{model} takes {_or(can.levels)}, not '{level}'"
    if show_thoughts:
        can = show_thoughts_for(model)
        if not can.enabled:
            problems["show_thoughts"] = can.reason
    return problems


def thinking_fix(model: str, key: str) -> str:
    """What to do about a problem `thinking_problems` found with `key` for `model`."""
    if key == "thinking_level" and thinking_level_for(model).enabled:
        return "use one of those, or remove it"
    can = thinking_level_for if key == "thinking_level" else show_thoughts_for
    takers = ", ".join(m.name for m in KNOWN if can(m.name).enabled)
    return f"remove it, or choose a model that takes it ({takers})"


_PIPELINES = {"translate": "the interpreter", "transcribe": "dictation"}


def function_calls_for(model: str, mode: str = "chat") -> Availability:
    """Whether declared functions are sent: a pipeline (the interpreter, dictation) takes none."""
    if mode in _PIPELINES:
        return Availability(False, f"{_PIPELINES[mode]} takes no tools")
    known = info(model)
    if known is not None and known.calls == "none":
        return Availability(False, f"{known.name} takes no tools")
    return Availability(True)


def non_blocking_for(model: str) -> Availability:
    """Whether `behavior: NON_BLOCKING` is sent; a model the console does not know gets it as declared."""
    known = info(model)
    if known is not None and known.calls == "sync":
        return Availability(False, f"{known.name} calls functions synchronously only")
    return Availability(True)


def tool_notes(model: str, mode: str, tools: ToolBox) -> tuple[str, ...]:
    """What of the declared functions this model (or mode) does not take, one line each, for
    the chat when a session starts: the connect config (core.connectconfig) leaves it out."""
    if not tools.functions:
        return ()
    calls = function_calls_for(model, mode)
    if not calls.enabled:
        names = ", ".join(f.name for f in tools.functions)
        return (f"tools not sent: {calls.reason} ({names})",)
    sync = non_blocking_for(model)
    asked = [f.name for f in tools.functions if f.behavior == "NON_BLOCKING"]
    if not sync.enabled and asked:
        return (f"{', '.join(asked)}: sent without behavior NON_BLOCKING · {sync.reason}: the model waits for each result",)
    return ()
