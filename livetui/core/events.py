"""Typed events: what a Live session says, in the console's own words.

The session layer turns every SDK `LiveServerMessage` into these small frozen
dataclasses; the UI, the conversation state and the transcript store consume
only these, never SDK objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .audio.rates import OUTPUT_RATE
from .latency import LatencySummary
from .sanitize import safe_text
from .tools.card import ToolCard

Modality = Literal["TEXT", "AUDIO"]


@dataclass(frozen=True)
class SessionStarted:
    session_id: str | None
    modality: Modality
    model: str
    line: str = ""  # what the chat says of it: the answers it gives, or the mode's own words


@dataclass(frozen=True)
class TextDelta:
    """A piece of the model's text answer (TEXT modality)."""

    text: str
    thought: bool = False


@dataclass(frozen=True)
class AudioChunk:
    """PCM16LE mono from the model (AUDIO modality)."""

    data: bytes = field(repr=False)
    rate: int = OUTPUT_RATE

    @property
    def seconds(self) -> float:
        return len(self.data) / 2 / self.rate


@dataclass(frozen=True)
class InputTranscript:
    """A piece of what the user said, as the service heard it."""

    text: str
    finished: bool = False


@dataclass(frozen=True)
class OutputTranscript:
    """A piece of what the model said aloud."""

    text: str
    finished: bool = False


@dataclass(frozen=True)
class GenerationComplete:
    pass


@dataclass(frozen=True)
class Interrupted:
    """Barge-in: the rest of the answer will never come; drop what is queued."""

    heard: float = 1.0  # of the answer's audio, the share the speaker had played (set by the session)


@dataclass(frozen=True)
class TurnComplete:
    reason: str | None = None
    # interactionStatus IN_PROGRESS rode along: one generation ended, the request goes on
    # (background reasoning); the answer is over only at IDLE.
    in_progress: bool = False


@dataclass(frozen=True)
class InteractionStatus:
    """Where the model is with the user's request: IN_PROGRESS while it works in the
    background (more output may follow), IDLE when all of it is done."""

    status: str

    @property
    def in_progress(self) -> bool:
        return self.status == "IN_PROGRESS"


@dataclass(frozen=True)
class Usage:
    prompt: int = 0
    response: int = 0
    total: int = 0
    cached: int = 0
    thoughts: int = 0
    tool_use_prompt: int = 0
    prompt_by_modality: Mapping[str, int] = field(default_factory=dict)
    response_by_modality: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class FunctionCall:
    id: str
    name: str
    args: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ToolCall:
    calls: tuple[FunctionCall, ...]


@dataclass(frozen=True)
class ToolCallCancellation:
    ids: tuple[str, ...]


@dataclass(frozen=True)
class Source:
    """One web page an answer was grounded on (Google Search): safe text, and a link
    kept only when it is http(s) with nothing a terminal would obey in it ("" else)."""

    title: str
    uri: str = ""
    domain: str = ""


@dataclass(frozen=True)
class Grounding:
    """An answer's groundingMetadata: the pages it rests on, and what was searched."""

    sources: tuple[Source, ...] = ()
    queries: tuple[str, ...] = ()


@dataclass(frozen=True)
class GoAway:
    time_left_s: float | None


@dataclass(frozen=True)
class ResumptionHandle:
    handle: str | None
    resumable: bool


@dataclass(frozen=True)
class SessionError:
    """The session ended or failed to start; `code` is the WebSocket close code
    when there was one (1007 bad key/request, 1008 not found, 1011 server...)."""

    message: str
    code: int | None = None
    retired_model: str | None = None  # set when the console would not connect: the model was shut down
    cause: str = ""  # a failed connection's kind (core.netcause.Kind): what recovery decides by

    def __post_init__(self) -> None:
        # The words are the service's (a close reason) or a library's: shown and saved, never obeyed.
        object.__setattr__(self, "message", safe_text(self.message))


@dataclass(frozen=True)
class SessionClosed:
    """We closed the session on purpose (quit, new session, modality switch)."""


# -- the session controller's news (core/session.py), for the screen ----------


@dataclass(frozen=True)
class ConnectionState:
    """Where the connection stands: "connecting", "connected", "moving", "reconnecting
    2/8…", "failed"; `note` says what is coming ("moving connection in 7 s")."""

    state: str
    note: str = ""


@dataclass(frozen=True)
class AnswerHeard:
    """Of a spoken answer cut short, the share the person heard (0..1): the rest of its
    transcript is shown as never heard."""

    turn_id: int
    fraction: float


@dataclass(frozen=True)
class AudioOnlyRefused:
    """The model refused to answer in text; the person may take audio answers shown as text."""

    message: str


@dataclass(frozen=True)
class ToolAsk:
    """A call the person answers (core/tools/desk.py): the host opens the dialog, which
    answers through `SessionController.answer_call`. `schedulings`: the choice offered
    for a NON_BLOCKING result (empty for a BLOCKING one), the first being the default."""

    card: ToolCard
    description: str = ""
    schedulings: tuple[str, ...] = ()


@dataclass(frozen=True)
class LatencyMeasured:
    """An answer's latency moved (core/latency.py): the session's summary as it stands now."""

    turn_id: int
    summary: LatencySummary


SessionNews = ConnectionState | AnswerHeard | AudioOnlyRefused | ToolAsk | LatencyMeasured


Event = (
    SessionStarted
    | TextDelta
    | AudioChunk
    | InputTranscript
    | OutputTranscript
    | GenerationComplete
    | Interrupted
    | TurnComplete
    | InteractionStatus
    | Usage
    | ToolCall
    | ToolCallCancellation
    | Grounding
    | GoAway
    | ResumptionHandle
    | SessionError
    | SessionClosed
)
