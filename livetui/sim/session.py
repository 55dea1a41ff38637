"""One Live connection: setup, the user's turns in, the model's answers out.

The reader loop (`run`) never waits on an answer: answers stream from their own task,
so that user speech arriving meanwhile can interrupt them (barge-in).

Here: the handshake, each client message, speech and activity detection, barge-in and
tool responses. The answers are in `answering`, the state all parts share in
`session_state`, the setup message's reading in `setup_config`, the close reasons in
`errors`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from typing import Any

import numpy as np
import soxr
from websockets.exceptions import ConnectionClosed

from . import recognize, rules
from .answer import PlaybackClock
from .answering import Answering
from .brain import Brain
from .context import text_item
from .errors import BAD_JSON, BAD_KEY, DEADLINE, NO_SESSION, NOT_FOUND, QUOTA, Closed, check_fields
from .models import lookup
from .pipelines import AUDIO_ONLY, pipeline_for
from .reasoning import Reasoning, scheduling
from .reply import Reply
from .session_state import INPUT_RATE, UserInput
from .setup_config import SetupConfig, content_text, declares_search
from .tools import function_decls_from_setup
from .vad import Vad
from .wire import decode_bytes, field, pcm_rate

log = logging.getLogger("livetui.sim")


class LiveSession(Answering):
    """One connection, served from `run` until either side closes it."""

    # -- the connection --------------------------------------------------------

    async def run(self) -> None:
        try:
            self.config = await self._setup()
            await self.send({"setupComplete": {}})  # the real service names no session
            self._start_timers()
            self.tasks.append(asyncio.create_task(self._turn_loop(), name=f"turns-{self.conn_id}"))
            async for frame in self.ws:
                await self._handle(frame)
        except Closed as closed:
            await self.close(closed.code, closed.reason)
        except ConnectionClosed:
            pass
        finally:
            if self.silence_timer:
                self.silence_timer.cancel()
            if self.answer:
                self.answer.stop()
            for task in self.tasks:
                task.cancel()
            await asyncio.gather(*self.tasks, return_exceptions=True)

    async def _setup(self) -> SetupConfig:
        try:
            frame = await asyncio.wait_for(self.ws.recv(), timeout=30)
        except TimeoutError:
            raise Closed(1007, "Request contains an invalid argument.") from None
        msg = self._parse(frame)
        if self.api_key is None or self.api_key in self.sim.options.reject_keys:
            raise Closed(*BAD_KEY)
        if "setup" not in msg:
            raise Closed(1007, f'Invalid JSON payload received. Unknown name "{next(iter(msg), "")}": Cannot find field.')
        number = self.sim.count_session()
        if self.sim.options.quota_after is not None and number > self.sim.options.quota_after:
            raise Closed(*QUOTA)
        config = SetupConfig.parse(msg["setup"])
        self.reasoning = Reasoning.from_setup(msg["setup"])
        model = config.model if config.model.startswith("models/") else f"models/{config.model}"
        spec = lookup(model, retired=self.sim.options.retired_models)
        if spec is None or model in self.sim.options.reject_models or model.removeprefix("models/") in self.sim.options.reject_models:
            raise Closed(*rules.not_found(config.model, self._api_version()))
        if (refusal := rules.check(msg["setup"], spec)) is not None:
            raise Closed(*refusal)
        config.model_spec = spec
        config.modality = rules.response_modality(msg["setup"], spec)  # type: ignore[assignment]
        try:
            self.pipeline = pipeline_for(config.model, msg["setup"])
        except ValueError as bad:
            raise Closed(1007, str(bad)) from None
        if self.pipeline is not None:
            config.interrupt = False  # a pipeline works continuously: new speech never cuts what it is saying
        if config.resume_handle:
            saved = self.sim.resumable.get(config.resume_handle)
            if saved is None:
                raise Closed(*NO_SESSION)
            self.context = saved.snapshot()
        if config.system_instruction:
            self.context.system_instruction = config.system_instruction
        self.brain = Brain(script=self.sim.script, system_instruction=self.context.system_instruction)
        if config.vad is not None:
            self.vad = Vad(config.vad, rate=INPUT_RATE)
        return config

    def _api_version(self) -> str:
        path = self.ws.request.path if self.ws.request else ""
        return next((v for v in ("v1alpha", "v1beta", "v1") if f"generativelanguage.{v}." in path), "v1beta")

    def _parse(self, frame: str | bytes) -> dict[str, Any]:
        try:
            msg = json.loads(frame)
        except (ValueError, UnicodeDecodeError):
            self.sim.frames.write(self.conn_id, "in", {"unparsable": len(frame)})
            raise Closed(*BAD_JSON) from None
        self.sim.frames.write(self.conn_id, "in", msg)
        if not isinstance(msg, dict):
            raise Closed(*BAD_JSON)
        check_fields(msg)
        return msg

    def _start_timers(self) -> None:
        opts = self.sim.options
        if opts.goaway_after is not None:
            self.tasks.append(asyncio.create_task(self._goaway(opts.goaway_after, opts.goaway_time_left)))
        if opts.drop_after is not None:
            self.tasks.append(asyncio.create_task(self._drop(opts.drop_after)))
        if opts.drop_random is not None:  # a flaky link: any moment, a mean of drop_random seconds apart
            self.tasks.append(asyncio.create_task(self._drop(random.expovariate(1 / opts.drop_random))))

    async def _goaway(self, after: float, time_left: float) -> None:
        await asyncio.sleep(after)
        await self.send({"goAway": {"timeLeft": f"{time_left:g}s"}})
        await asyncio.sleep(time_left)
        await self.close(*DEADLINE)

    async def _drop(self, after: float) -> None:
        await asyncio.sleep(after)
        self.drop()

    def drop(self) -> None:
        self.sim.frames.write(self.conn_id, "out", {"dropped": True})
        self.ws.transport.abort()  # no close frame: as a network failure looks

    # -- client messages -------------------------------------------------------

    async def _handle(self, frame: str | bytes) -> None:
        msg = self._parse(frame)
        handled = False
        if (content := field(msg, "clientContent")) is not None:
            await self._client_content(content)
            handled = True
        if (realtime := field(msg, "realtimeInput")) is not None:
            await self._realtime_input(realtime)
            handled = True
        if (response := field(msg, "toolResponse")) is not None:
            await self._tool_response(response)
            handled = True
        if (update := field(msg, "contextUpdate")) is not None:
            if (system := field(update, "systemInstruction")) is not None:
                self.context.system_instruction = content_text(system)
                self.brain = Brain(script=self.sim.script, system_instruction=self.context.system_instruction)
            tools = field(field(update, "tools"), "tools")
            if tools is not None:
                self.config.tools = function_decls_from_setup(tools)
                self.config.search = declares_search(tools)
            handled = True
        if not handled:
            name = next(iter(msg), "")
            raise Closed(1007, f'Invalid JSON payload received. Unknown name "{name}": Cannot find field.')

    async def _client_content(self, content: Any) -> None:
        turns = field(content, "turns") or []
        if isinstance(turns, dict):
            turns = [turns]
        new_user_text = []
        for turn in turns:
            role = "model" if field(turn, "role") == "model" else "user"
            text = content_text(turn)
            if role == "model" and self.pending_user:
                new_user_text, self.pending_user = [*self.pending_user, *new_user_text], []
            if role == "user":
                new_user_text.append(text)
            else:
                # Earlier user text in the same message is context, not the question.
                for earlier in new_user_text:
                    self.context.add(text_item("user", earlier))
                new_user_text = []
                self.context.add(text_item("model", text))
        if field(content, "turnComplete") is True:
            # What was sent without turn_complete is part of this question.
            question, self.pending_user = [*self.pending_user, *new_user_text], []
            await self._interrupt()  # turn_complete cuts a generation in progress, whatever the activity handling
            await self._user_turn(UserInput(text="\n".join(question)))
        else:
            self.pending_user += new_user_text  # waits for what follows

    async def _realtime_input(self, realtime: Any) -> None:
        for name in ("activityStart", "activityEnd"):
            if self.vad is not None and field(realtime, name) is not None:
                raise Closed(1007, f"{name} can only be sent if automatic (i.e. server-side) activity detection is disabled.")
        if (text := field(realtime, "text")) is not None:
            await self._user_turn(UserInput(text=str(text)))
        blobs = []
        if (audio := field(realtime, "audio")) is not None:
            blobs.append(audio)
        blobs.extend(field(realtime, "mediaChunks") or [])
        for blob in blobs:
            mime = field(blob, "mimeType") or ""
            if not str(mime).startswith("audio/"):
                continue  # video frames and the like: accepted, not understood
            try:
                pcm = decode_bytes(field(blob, "data") or "")
            except ValueError:
                raise Closed(*BAD_JSON) from None
            await self._audio(to_input_rate(pcm, pcm_rate(mime)))
        if field(realtime, "activityStart") is not None:
            self.activity_pcm = bytearray()
            await self._speech_started()
        if field(realtime, "activityEnd") is not None and self.activity_pcm is not None:
            pcm, self.activity_pcm = bytes(self.activity_pcm), None
            await self._user_turn(UserInput(pcm=pcm, modality="AUDIO"))
        if field(realtime, "audioStreamEnd") is True and self.vad is not None:
            await self._vad_events(self.vad.flush())

    async def _audio(self, pcm: bytes) -> None:
        recognize.warm_up()  # the recogniser's process starts while the user speaks
        if self.vad is None:
            if self.activity_pcm is not None:
                self.activity_pcm += pcm
            return
        await self._vad_events(self.vad.feed(pcm))
        if self.silence_timer:
            self.silence_timer.cancel()
            self.silence_timer = None
        if self.vad.in_speech:
            # Audio that simply stops arriving ends speech too, like a pause would.
            wait = self.vad.config.silence_duration_ms / 1000
            self.silence_timer = asyncio.get_running_loop().call_later(wait, self._audio_stopped)

    def _audio_stopped(self) -> None:
        self.silence_timer = None
        if self.vad is not None and self.vad.in_speech:
            self.tasks.append(asyncio.create_task(self._vad_events(self.vad.flush())))

    async def _vad_events(self, events: list[Any]) -> None:
        for event in events:
            if event.kind == "start":
                await self._speech_started()
            else:
                pcm = self.vad.take_utterance() if self.vad else b""
                await self._user_turn(UserInput(pcm=pcm, modality="AUDIO"))

    async def _speech_started(self) -> None:
        if self.config.interrupt:
            await self._interrupt()

    async def _tool_response(self, response: Any) -> None:
        for item in field(response, "functionResponses") or []:
            call_id = field(item, "id")
            waiter = self.tool_waiters.pop(call_id, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(field(item, "response") or {})
            elif call_id in self.async_calls:
                await self._async_result(self.async_calls.pop(call_id), field(item, "response") or {}, scheduling(item))
            elif call_id not in self.cancelled_calls:
                raise Closed(*NOT_FOUND)

    async def _async_result(self, reply: Reply, result: Any, when: str) -> None:
        """A NON_BLOCKING call's result, scheduled as the client asked."""
        if when == "SILENT":  # into the context, nothing said
            tool = reply.tool.name if reply.tool else ""
            self.context.add(text_item("user", f"{tool} returned {json.dumps(result, default=str)}"))
            if self.reasoning.background and not self.turn_open and not self._owed():
                await self.send({"serverContent": {"turnComplete": True, "interactionStatus": "IDLE"}})
            return
        self.results_due += 1
        if self._user_speaking():  # 3.8 waits for the user to finish, then speaks the result
            self.held_results.append(UserInput(tool_result=(reply, result)))
            return
        if when == "INTERRUPT":
            await self._interrupt()
        self.turns.put_nowait(UserInput(tool_result=(reply, result)))  # WHEN_IDLE: after what is being said

    def _user_speaking(self) -> bool:
        if self.vad is not None:
            return self.vad.in_speech
        return self.activity_pcm is not None


    # -- turns and answers -----------------------------------------------------

    async def _user_turn(self, user: UserInput) -> None:
        if self.pipeline is not None and user.modality == "TEXT":
            raise Closed(1007, AUDIO_ONLY)
        if self.config.interrupt:
            await self._interrupt()
        for text in self.pending_user:  # content left waiting is context for what the user says now
            self.context.add(text_item("user", text))
        self.pending_user = []
        for held in self.held_results:  # results held while the user spoke: said first
            self.turns.put_nowait(held)
        self.held_results = []
        self.turns.put_nowait(user)

    async def _interrupt(self) -> None:
        """Barge-in: stop the answer being sent, or the one that would still be playing."""
        answer = self.answer
        if answer is not None and self.turn_open:
            answer.stop()
            await self.turn_closed.wait()  # the answer sends interrupted + turnComplete
            self.playback = PlaybackClock()  # what was cut will never play: one interrupted, not two
        elif self.playback.playing():
            # The answer was all sent but is still playing: the rest is never heard.
            heard = self.playback.heard_fraction()
            self.playback = PlaybackClock()
            for item in reversed(self.context.items):
                if item.role == "model":
                    words = item.text.split()
                    kept = " ".join(words[: int(len(words) * heard)])
                    self.context.replace_last_model(kept, round(item.tokens * heard))
                    break
            await self.send({"serverContent": {"interrupted": True}})


def to_input_rate(pcm: bytes, rate: int) -> bytes:
    """The simulator listens at 16 kHz; clients that send another rate are resampled."""
    if rate == INPUT_RATE or not pcm:
        return pcm[: len(pcm) // 2 * 2]
    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2")
    return soxr.resample(samples, rate, INPUT_RATE).astype("<i2").tobytes()
