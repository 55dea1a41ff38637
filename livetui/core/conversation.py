"""The conversation as the console shows it: turns, live transcripts, usage.

`Conversation.apply(event)` is the reducer: it updates the state and returns the
small list of changes the UI needs to repaint, so the UI never re-derives state.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from .carryover import PastTurn
from .events import (
    AudioChunk,
    Event,
    Grounding,
    InputTranscript,
    InteractionStatus,
    Interrupted,
    Modality,
    OutputTranscript,
    Source,
    TextDelta,
    TurnComplete,
    Usage,
)
from .latency import AnswerLatency
from .tools.card import ToolCard
from .usage import UsageTotals

Role = Literal["user", "model", "system"]
SystemKind = Literal["info", "divider", "error"]


@dataclass
class Turn:
    id: int
    role: Role
    modality: Modality = "TEXT"
    text: str = ""  # typed text, model text, or (audio) the transcript
    started: datetime = field(default_factory=datetime.now)
    ended: datetime | None = None
    interrupted: bool = False
    kind: SystemKind = "info"  # system lines only
    audio_seconds: float = 0.0
    usage: Usage | None = None
    thoughts: str = ""  # the model's thought parts: shown apart, never part of the answer
    working: bool = False  # the model still works on this request in the background
    tools: list[ToolCard] = field(default_factory=list)  # the function calls the model made in this answer
    latency: AnswerLatency | None = None  # an answer's, as far as measured (core/latency.py)
    sources: tuple[Source, ...] = ()  # the web pages a grounded answer rests on (Google Search), numbered from 1

    @property
    def open(self) -> bool:
        return self.ended is None


# -- changes the UI reacts to ---------------------------------------------------


@dataclass(frozen=True)
class TurnAdded:
    turn: Turn


@dataclass(frozen=True)
class TurnText:
    turn: Turn
    delta: str


@dataclass(frozen=True)
class TurnEnded:
    turn: Turn


@dataclass(frozen=True)
class TranscriptChanged:
    which: Literal["input", "output"]
    turn_id: int  # the turn this transcript belongs to
    text: str  # the whole transcript of that turn so far


@dataclass(frozen=True)
class UsageChanged:
    totals: UsageTotals


@dataclass(frozen=True)
class ToolCardChanged:
    """A function call's card was added to `turn` or its state moved (core/tools/desk.py)."""

    turn: Turn
    card: ToolCard


@dataclass(frozen=True)
class SourcesChanged:
    """A grounded answer's sources grew (they may come before, with or after its text)."""

    turn: Turn


Change = TurnAdded | TurnText | TurnEnded | TranscriptChanged | UsageChanged | ToolCardChanged | SourcesChanged


class Conversation:
    def __init__(self, clock: Callable[[], datetime] = datetime.now) -> None:
        self.turns: list[Turn] = []
        self.usage = UsageTotals()
        self._ids = itertools.count(1)
        self._clock = clock
        self.model_turn: Turn | None = None  # the answer in progress
        self.spoken_turn: Turn | None = None  # the user's speech in progress
        # Background reasoning (interactionStatus IN_PROGRESS): one request, several
        # generations, one answer turn until IDLE.
        self.working = False
        self._new_generation = False
        self._card_turns: dict[str, Turn] = {}  # a call id -> its answer (kept when the screen is cleared)

    # -- things the user did ---------------------------------------------------

    def add_user_text(self, text: str) -> list[Change]:
        turn = self._new("user", "TEXT", text)
        turn.ended = turn.started
        return [TurnAdded(turn)]

    def add_system(self, text: str, kind: SystemKind = "info") -> list[Change]:
        turn = self._new("system", "TEXT", text)
        turn.kind = kind
        turn.ended = turn.started
        return [TurnAdded(turn)]

    def restore(self, turns: list[tuple[Role, str, Modality, bool]] | list[tuple[Role, str, Modality, bool, datetime | None]]) -> list[Change]:
        """Earlier turns of a saved conversation, shown again (role, text, modality,
        interrupted, and when it began if known: local time, as live turns show)."""
        changes: list[Change] = []
        for role, text, modality, interrupted, *when in turns:
            turn = self._new(role, modality, text)
            turn.interrupted = interrupted
            if when and when[0] is not None:
                turn.started = when[0].astimezone().replace(tzinfo=None) if when[0].tzinfo else when[0]
            turn.ended = turn.started
            changes.append(TurnAdded(turn))
        return changes

    def clear(self) -> None:
        """Forget what is on screen; usage totals stay (they were spent)."""
        self.turns.clear()
        self.model_turn = None
        self.spoken_turn = None
        self.working = False

    def past_turns(self) -> list[PastTurn]:
        """What to carry into a new session: user and model turns with their text."""
        return [PastTurn(role=t.role, text=t.text) for t in self.turns if t.role != "system" and t.text.strip()]

    # -- what the session said -------------------------------------------------

    def apply(self, event: Event) -> list[Change]:
        match event:
            case TextDelta(text=text, thought=False):
                turn, changes = self._model("TEXT")
                text = self._joined(turn, text)
                turn.text += text
                return [*changes, TurnText(turn, text)]
            case TextDelta(text=text, thought=True):
                turn, changes = self._model("TEXT")
                turn.thoughts += text
                return [*changes, TurnText(turn, "")]
            case AudioChunk():
                turn, changes = self._model("AUDIO")
                turn.audio_seconds += event.seconds
                return changes
            case OutputTranscript(text=text) if text:
                turn, changes = self._model("AUDIO")
                text = self._joined(turn, text)
                turn.text += text
                return [*changes, TurnText(turn, text), TranscriptChanged("output", turn.id, turn.text)]
            case InputTranscript(text=text) if text:
                changes: list[Change] = []
                if self.spoken_turn is None:
                    self.spoken_turn = self._new("user", "AUDIO", "")
                    changes.append(TurnAdded(self.spoken_turn))
                turn = self.spoken_turn
                turn.text += text
                changes += [TurnText(turn, text), TranscriptChanged("input", turn.id, turn.text)]
                if event.finished:
                    changes += self._end_spoken()
                return changes
            case Interrupted():
                if self.model_turn is not None:
                    self.model_turn.interrupted = True
                    return [TurnText(self.model_turn, "")]
                return []
            case Usage():
                self.usage = self.usage.add(event)
                if self.model_turn is not None:
                    self.model_turn.usage = event
                return [UsageChanged(self.usage)]
            case Grounding():
                return self._ground(event)
            case InteractionStatus(in_progress=working):
                return self._set_working(working)
            case TurnComplete(in_progress=True):
                # One generation of the request ended; the answer goes on until IDLE.
                self._new_generation = True
                return self._end_spoken() + self._set_working(True)
            case TurnComplete():
                changes = self._end_spoken()
                self.working = False
                if self.model_turn is not None:
                    turn, self.model_turn = self.model_turn, None
                    turn.working = False
                    turn.ended = self._clock()
                    changes.append(TurnEnded(turn))
                return changes
        return []

    # -- function calls --------------------------------------------------------

    def add_tool_card(self, card: ToolCard, modality: Modality) -> list[Change]:
        """A call the model made: its card under the answer in progress, which it begins
        when none is open yet (a call can come before any words)."""
        turn, changes = self._model(modality)
        card.turn_id = turn.id
        turn.tools.append(card)
        self._card_turns[card.call_id] = turn
        return [*changes, ToolCardChanged(turn, card)]

    def tool_card_changed(self, card: ToolCard) -> list[Change]:
        """A card's state moved (answered, refused, cancelled…), whether or not its answer is still open."""
        turn = self._card_turns.get(card.call_id)
        if turn is None or card not in turn.tools:
            return []
        if card.done:
            del self._card_turns[card.call_id]  # no later change: forget it
        return [ToolCardChanged(turn, card)]

    # -- helpers ---------------------------------------------------------------

    def _new(self, role: Role, modality: Modality, text: str) -> Turn:
        turn = Turn(id=next(self._ids), role=role, modality=modality, text=text, started=self._clock())
        self.turns.append(turn)
        return turn

    def _model(self, modality: Modality) -> tuple[Turn, list[Change]]:
        if self.model_turn is not None:
            turn = self.model_turn
            if not turn.text and not turn.audio_seconds:  # only thoughts so far: the answer decides
                turn.modality = modality
            return turn, []
        # The answer starts: whatever the user was saying is over.
        changes = self._end_spoken()
        self.model_turn = self._new("model", modality, "")
        self.model_turn.working = self.working
        self._new_generation = False
        return self.model_turn, [*changes, TurnAdded(self.model_turn)]

    def _ground(self, grounding: Grounding) -> list[Change]:
        """Sources go to the answer in progress, else to the answer just ended (no user turn
        since); before any answer to the latest question, they begin that answer."""
        changes: list[Change] = []
        turn = self.model_turn
        if turn is None:
            last = next((t for t in reversed(self.turns) if t.role != "system"), None)
            if last is not None and last.role == "model":
                turn = last
            else:
                turn, changes = self._model("TEXT")
        known = {(s.title, s.uri) for s in turn.sources}
        new = tuple(s for s in grounding.sources if (s.title, s.uri) not in known)
        if not new:
            return changes
        turn.sources += new
        return [*changes, SourcesChanged(turn)]

    def _set_working(self, working: bool) -> list[Change]:
        self.working = working
        turn = self.model_turn
        if turn is None or turn.working == working:
            return []
        turn.working = working
        return [TurnText(turn, "")]

    def _joined(self, turn: Turn, text: str) -> str:
        """The first words of a later generation, set apart from the answer so far."""
        if not self._new_generation:
            return text
        self._new_generation = False
        if turn.text and not turn.text[-1].isspace() and not text[:1].isspace():
            return " " + text
        return text

    def _end_spoken(self) -> list[Change]:
        if self.spoken_turn is None:
            return []
        turn, self.spoken_turn = self.spoken_turn, None
        turn.ended = self._clock()
        return [TurnEnded(turn)]
