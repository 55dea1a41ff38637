"""The functions a user declared for the model, and how each call of one is answered.

Read from a declarations file (`--tools FILE`, `[tools] file`); nothing the model asks
for runs unless it is declared here, and a command is an argv list, never a shell line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

__all__ = ["BEHAVIORS", "SCHEDULINGS", "Behavior", "CommandAnswer", "Scheduling", "ToolBox", "ToolSpec", "UserAnswer"]

Behavior = Literal["BLOCKING", "NON_BLOCKING"]
Scheduling = Literal["INTERRUPT", "WHEN_IDLE", "SILENT"]
BEHAVIORS: tuple[Behavior, ...] = ("BLOCKING", "NON_BLOCKING")
SCHEDULINGS: tuple[Scheduling, ...] = ("INTERRUPT", "WHEN_IDLE", "SILENT")


@dataclass(frozen=True)
class CommandAnswer:
    """A local program answers: the call's arguments as JSON on its stdin, its result as
    JSON on its stdout, its stderr to the log."""

    argv: tuple[str, ...]
    timeout_s: float = 10.0
    max_output_bytes: int = 65_536  # more than this on stdout is an error, not a truncated result
    cwd: Path | None = None  # the declarations file's folder: relative paths in argv mean from there


@dataclass(frozen=True)
class UserAnswer:
    """The person answers in a dialog: a result as JSON or plain text, or a refusal."""


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    parameters: Mapping[str, Any] = field(default_factory=dict, hash=False)  # a JSON schema (type: object)
    answered_by: CommandAnswer | UserAnswer = field(default_factory=UserAnswer)
    behavior: Behavior | None = None  # None: the model's own default (NON_BLOCKING on 3.8)
    scheduling: Scheduling | None = None  # for NON_BLOCKING results; None: WHEN_IDLE, or chosen in the dialog
    line: int = 0  # where the file declares it (1-based; 0 when unknown)


@dataclass(frozen=True)
class ToolBox:
    """Everything declared for a session's `tools`."""

    functions: tuple[ToolSpec, ...] = ()
    source: Path | None = None  # the declarations file
    search: bool = False  # Google Search grounding (`--search`)

    def get(self, name: str) -> ToolSpec | None:
        return next((f for f in self.functions if f.name == name), None)

    def __bool__(self) -> bool:
        return bool(self.functions) or self.search
