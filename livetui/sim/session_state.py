"""What one Live connection holds, and how it sends: the state every part of a session
shares (`SessionState`), the input a turn starts from (`UserInput`), and the two seams
to its neighbours, as protocols so no module imports the one that uses it: `SimHost`,
what a session needs of the simulator that accepted it (the server's `Simulator`), and
`Pipeline`, what the interpreter and the transcriber are given instead of an answer."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from .answer import Answer, PlaybackClock
from .brain import Brain
from .context import Context
from .framelog import FrameLog
from .options import SimOptions
from .reasoning import Reasoning
from .reply import Reply
from .script import Script
from .setup_config import SetupConfig
from .vad import Vad

__all__ = ["INPUT_RATE", "Pipeline", "SessionState", "SimHost", "UserInput"]

INPUT_RATE = 16000


@dataclass(frozen=True)
class UserInput:
    text: str = ""
    pcm: bytes = b""  # 16 kHz speech still to be recognised
    modality: Literal["TEXT", "AUDIO"] = "TEXT"
    tool_result: tuple[Reply, Any] | None = None  # a NON_BLOCKING call's result to speak


class SimHost(Protocol):
    """What a session uses of the simulator that accepted it."""

    options: SimOptions
    frames: FrameLog
    script: Script | None
    resumable: dict[str, Context]  # resumption handle -> saved conversation

    def count_session(self) -> int: ...


class Pipeline(Protocol):
    async def hear(self, session: SessionState, user: UserInput) -> None: ...


class SessionState:
    """One connection's state; `LiveSession` adds what changes it, part by part."""

    config: SetupConfig  # read by the session's `run` before anything else happens

    def __init__(self, sim: SimHost, ws: ServerConnection, conn_id: int, api_key: str | None) -> None:
        self.sim = sim
        self.ws = ws
        self.conn_id = conn_id
        self.api_key = api_key
        self.context = Context()
        self.turns: asyncio.Queue[UserInput] = asyncio.Queue()
        self.answer: Answer | None = None
        self.playback = PlaybackClock()
        self.turn_open = False  # an answer's turnComplete has not been sent yet
        self.turn_closed = asyncio.Event()
        self.tool_waiters: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.cancelled_calls: set[str] = set()
        self.reasoning = Reasoning()
        self.async_calls: dict[str, Reply] = {}  # NON_BLOCKING calls still running on the client
        self.results_due = 0  # their results queued to be spoken
        self.held_results: list[UserInput] = []  # results that wait for the user to finish speaking
        self.pending_user: list[str] = []  # client content sent without turn_complete
        self.vad: Vad | None = None
        self.activity_pcm: bytearray | None = None  # manual activity (VAD disabled)
        self.silence_timer: asyncio.TimerHandle | None = None
        self.tasks: list[asyncio.Task[Any]] = []
        self.brain: Brain
        self.pipeline: Pipeline | None = None  # interpreter or transcriber: utterances go to it, not answered

    # -- sending ---------------------------------------------------------------

    async def send(self, msg: dict[str, Any]) -> None:
        self.sim.frames.write(self.conn_id, "out", msg)
        try:
            # Binary frames holding UTF-8 JSON, as the real service sends them.
            await self.ws.send(json.dumps(msg, separators=(",", ":")).encode("utf-8"))
        except ConnectionClosed:
            pass

    async def close(self, code: int, reason: str) -> None:
        await self.ws.close(code, reason.encode("utf-8")[:123].decode("utf-8", "ignore"))

    def _owed(self) -> bool:
        """A request still has work in the background: calls running, results to speak."""
        return bool(self.async_calls) or self.results_due > 0
