"""One Live connection: setup, the user's turns in, the model's answers out.

The reader loop (`run`) never waits on an answer: answers stream from their own task,
so that user speech arriving meanwhile can interrupt them (barge-in).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import soxr
import numpy as np
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from . import recognize, rules, schema
from .answer import Answer, PlaybackClock, text_parts
from .brain import Brain
from .reply import Reply
from .tools import FunctionDecl, function_decls_from_setup
from .context import Context, Item, text_item
from .models import Model, lookup
from .pipelines import AUDIO_ONLY, Pipeline, pipeline_for
from .reasoning import CALL_FILLER, FILLER, Reasoning, scheduling, thought_text, thought_tokens, tool_use_tokens
from .tokens import audio_tokens, pcm_seconds
from .vad import Vad, VadConfig
from .wire import decode_bytes, field, pcm_rate

if TYPE_CHECKING:
    from .server import Simulator

log = logging.getLogger("livetui.sim")

INPUT_RATE = 16000
# Close reasons as the real service words them (at most 123 bytes).
BAD_KEY = (1007, "API key not valid. Please pass a valid API key.")
BAD_JSON = (1007, "Invalid JSON payload received.")
NO_SESSION = (1008, "BidiGenerateContent session not found")
NOT_FOUND = (1008, "Requested entity was not found")
QUOTA = (1011, "You exceeded your current quota, please check your plan and billing details.")
DEADLINE = (1011, "Deadline expired before operation could complete.")


class Closed(Exception):
    """Raised to end a connection with a close frame."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"{code} {reason}")
        self.code = code
        self.reason = reason.encode("utf-8")[:123].decode("utf-8", "ignore")


@dataclass(frozen=True)
class UserInput:
    text: str = ""
    pcm: bytes = b""  # 16 kHz speech still to be recognised
    modality: Literal["TEXT", "AUDIO"] = "TEXT"
    tool_result: tuple[Reply, Any] | None = None  # a NON_BLOCKING call's result to speak


@dataclass
class SetupConfig:
    model: str
    modality: Literal["TEXT", "AUDIO"]
    input_transcription: bool
    output_transcription: bool
    vad: VadConfig | None  # None: automatic VAD disabled, the client marks activity
    interrupt: bool  # activity_handling != NO_INTERRUPTION
    voice_name: str | None
    language_code: str | None
    tools: list[FunctionDecl]
    resumption: bool
    resume_handle: str | None
    compression: tuple[int, int] | None  # (trigger_tokens, target_tokens)
    system_instruction: str
    model_spec: Model | None = None  # the catalogue's entry for `model`, set by LiveSession._setup

    @classmethod
    def parse(cls, setup: Any) -> "SetupConfig":
        if not isinstance(setup, dict):
            raise Closed(*BAD_JSON)
        model = field(setup, "model")
        if not isinstance(model, str) or not model:
            raise Closed(1007, "Request contains an invalid argument.")
        generation = field(setup, "generationConfig") or {}
        modalities = field(generation, "responseModalities") or ["AUDIO"]
        modality = str(modalities[0]).upper() if modalities else "AUDIO"
        if modality not in ("TEXT", "AUDIO") or len(modalities) > 1:
            raise Closed(1007, "Request contains an invalid argument.")
        speech_config = field(generation, "speechConfig") or {}
        voice = field(field(field(speech_config, "voiceConfig"), "prebuiltVoiceConfig"), "voiceName")
        realtime = field(setup, "realtimeInputConfig") or {}
        aad = field(realtime, "automaticActivityDetection") or {}
        vad = None if field(aad, "disabled") is True else VadConfig.from_setup(aad)
        resumption = field(setup, "sessionResumption")
        compression = field(setup, "contextWindowCompression")
        return cls(
            model=model,
            modality=modality,  # type: ignore[arg-type]
            input_transcription=field(setup, "inputAudioTranscription") is not None,
            output_transcription=field(setup, "outputAudioTranscription") is not None,
            vad=vad,
            interrupt=field(realtime, "activityHandling") != "NO_INTERRUPTION",
            voice_name=voice if isinstance(voice, str) else None,
            language_code=field(speech_config, "languageCode"),
            tools=function_decls_from_setup(field(setup, "tools")),
            resumption=resumption is not None,
            resume_handle=field(resumption, "handle") or None,
            compression=_compression(compression),
            system_instruction=content_text(field(setup, "systemInstruction")),
        )


def _compression(config: Any) -> tuple[int, int] | None:
    if config is None:
        return None
    trigger = int(field(config, "triggerTokens") or 25_600)
    target = int(field(field(config, "slidingWindow"), "targetTokens") or trigger // 2)
    return trigger, min(target, trigger)


def content_text(content: Any) -> str:
    """The text of a Content (or a plain string)."""
    if isinstance(content, str):
        return content
    parts = field(content, "parts") or []
    return "".join(p.get("text", "") for p in parts if isinstance(p, dict) and isinstance(p.get("text"), str))


class LiveSession:
    def __init__(self, sim: "Simulator", ws: ServerConnection, conn_id: int, api_key: str | None) -> None:
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

    def _owed(self) -> bool:
        """A request still has work in the background: calls running, results to speak."""
        return bool(self.async_calls) or self.results_due > 0

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

    async def _turn_loop(self) -> None:
        while True:
            user = await self.turns.get()
            if self.pipeline is not None:
                await self.pipeline.hear(self, user)
                continue
            if user.tool_result is not None:
                self.results_due -= 1
                await self._answer(self.context.turns(), "", tool_result=user.tool_result)
                continue
            text = user.text
            audio_tokens_in = 0
            if user.modality == "AUDIO":
                text = await recognize.transcribe_beside(user.pcm) if user.pcm else ""
                audio_tokens_in = audio_tokens(pcm_seconds(len(user.pcm), INPUT_RATE))
                if self.config.input_transcription:
                    await self.send({"serverContent": {"inputTranscription": {"text": text, "finished": True}}})
            if user.modality == "AUDIO":
                item = Item(role="user", text=text, modality="AUDIO", tokens=audio_tokens_in)
            else:
                item = text_item("user", text)
            history = self.context.turns()
            self.context.add(item)
            await self._answer(history, text)

    async def _answer(self, history: list[Any], user_text: str, tool_result: tuple[Reply, Any] | None = None) -> None:
        cfg = self.config
        reasoning = self.reasoning
        self.playback = PlaybackClock()
        answer = Answer(
            send=self.send,
            options=self.sim.options,
            output_transcription=cfg.output_transcription,
            voice_name=cfg.voice_name,
            language_code=cfg.language_code,
            playback=self.playback,
        )
        self.answer = answer
        self.turn_open = True
        self.turn_closed.clear()
        prompt = self.context.tokens_by_modality()
        thoughts = ""
        tool_use = 0  # tokens of a function response read for this answer
        calls: list[str] = []  # NON_BLOCKING calls made by this answer
        try:
            if tool_result is not None:  # a NON_BLOCKING call's result, said now
                reply, result = tool_result
                text = self.brain.after_tool(reply, result)
                tool_use = tool_use_tokens(result)
            else:
                reply = self.brain.reply(history, user_text, cfg.tools)
                text = reply.text
                if reasoning.thinks and not reply.tone_ms:
                    thoughts = thought_text(user_text)
            answer.tone_ms = reply.tone_ms
            answer.stop_after_ms = reply.interrupt_after_ms
            if not await answer.latency() and thoughts:
                await self._reason(answer, thoughts)
            if not answer.stopped.is_set() and tool_result is None and reply.tool is not None:
                if reasoning.non_blocking(self._declared(reply)):
                    calls.append(await self._send_call(reply))
                    self.async_calls[calls[-1]] = reply
                    text = CALL_FILLER  # the model keeps talking while the call runs
                else:
                    text, tool_use = await self._call_tool(answer, reply)
            if not answer.stopped.is_set() and text:
                if cfg.modality == "AUDIO":
                    await answer.stream_audio(text)
                else:
                    await answer.stream_text(text)
            answer.disarm()  # a scripted interruption only cuts an answer in flight
            if answer.stopped.is_set():
                dropped = [call for call in calls if self.async_calls.pop(call, None) is not None]
                if dropped:  # the turn that made them was cut: the model drops them
                    self.cancelled_calls.update(dropped)
                    await self.send({"toolCallCancellation": {"ids": dropped}})
                await self.send({"serverContent": {"interrupted": True}})
                self.playback = PlaybackClock()  # what was cut will never play
            else:
                await self.send({"serverContent": {"generationComplete": True}})
            if reply.turn_complete_delay_ms:
                await asyncio.sleep(reply.turn_complete_delay_ms / 1000)
            response_tokens = answer.response_tokens(cfg.modality)
            content: dict[str, Any] = {"turnComplete": True}
            if reasoning.background:  # the request is done only when nothing is owed
                content["interactionStatus"] = "IN_PROGRESS" if self._owed() else "IDLE"
            await self.send(
                {
                    "serverContent": content,
                    "usageMetadata": usage(
                        prompt, cfg.modality, response_tokens, thoughts=thought_tokens(thoughts) if thoughts else 0,
                        tool_use_prompt=tool_use,
                    ),
                }
            )
            self.turn_open = False
            self.turn_closed.set()
            self.context.add(Item(role="model", text=answer.sent_text, modality=cfg.modality, tokens=response_tokens))
            if cfg.compression:
                self.context.compress(*cfg.compression)
            if cfg.resumption:
                handle = secrets.token_urlsafe(12)
                self.sim.resumable[handle] = self.context.snapshot()
                await self.send({"sessionResumptionUpdate": {"newHandle": handle, "resumable": True}})
        finally:
            self.turn_open = False
            self.turn_closed.set()

    async def _reason(self, answer: Answer, thoughts: str) -> None:
        """Think before answering: in the background (a filler first, its own generation,
        the request IN_PROGRESS meanwhile) or inline; the reasoning as thought parts when asked."""
        if self.reasoning.background:
            if self.config.modality == "AUDIO":
                await answer.stream_audio(FILLER)
            else:
                await answer.stream_text(FILLER)
            if answer.stopped.is_set():
                return
            await self.send({"serverContent": {"generationComplete": True}})
            await self.send({"serverContent": {"turnComplete": True, "interactionStatus": "IN_PROGRESS"}})
        if self.reasoning.include_thoughts:
            for part in text_parts(thoughts, 48):
                await self.send({"serverContent": {"modelTurn": {"role": "model", "parts": [{"text": part, "thought": True}]}}})
        if self.reasoning.background:
            await answer.pause(self.sim.options.reasoning_ms / 1000)

    def _declared(self, reply: Reply) -> str:
        name = reply.tool.name if reply.tool else ""
        return next((decl.behavior for decl in self.config.tools if decl.name == name), "")

    async def _send_call(self, reply: Reply) -> str:
        assert reply.tool is not None
        call_id = f"function-call-{secrets.token_hex(6)}"
        await self.send({"toolCall": {"functionCalls": [{"id": call_id, "name": reply.tool.name, "args": reply.tool.args}]}})
        return call_id

    async def _call_tool(self, answer: Answer, reply: Reply) -> tuple[str, int]:
        """A BLOCKING call: the answer waits for the client's response. What to say
        then, and the tokens of the response the model read."""
        assert reply.tool is not None
        call_id = f"function-call-{secrets.token_hex(6)}"
        waiter: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.tool_waiters[call_id] = waiter
        await self.send({"toolCall": {"functionCalls": [{"id": call_id, "name": reply.tool.name, "args": reply.tool.args}]}})
        stopped = asyncio.ensure_future(answer.stopped.wait())
        await asyncio.wait([waiter, stopped], return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if not waiter.done():
            self.tool_waiters.pop(call_id, None)
            self.cancelled_calls.add(call_id)
            await self.send({"toolCallCancellation": {"ids": [call_id]}})
            return "", 0
        return self.brain.after_tool(reply, waiter.result()), tool_use_tokens(waiter.result())


def usage(
    prompt: dict[str, int],
    modality: str,
    response_tokens: int,
    *,
    thoughts: int = 0,
    tool_use_prompt: int = 0,
    tool_use_prompt_details: dict[str, int] | None = None,
) -> dict[str, Any]:
    """usageMetadata as today's service sends it: per-modality details that add up to
    their counts, and thought and tool-use counts only when there are any. The total
    counts everything billed: prompt, response, thoughts and tool-use prompt."""
    prompt_total = sum(prompt.values())
    out: dict[str, Any] = {
        "promptTokenCount": prompt_total,
        "responseTokenCount": response_tokens,
        "totalTokenCount": prompt_total + response_tokens + thoughts + tool_use_prompt,
        "promptTokensDetails": _details(prompt),
    }
    if response_tokens:
        out["responseTokensDetails"] = _details({modality: response_tokens})
    if thoughts:
        out["thoughtsTokenCount"] = thoughts
    if tool_use_prompt:
        out["toolUsePromptTokenCount"] = tool_use_prompt
        out["toolUsePromptTokensDetails"] = _details(tool_use_prompt_details or {"TEXT": tool_use_prompt})
    return out


def _details(by_modality: dict[str, int]) -> list[dict[str, Any]]:
    return [{"modality": m, "tokenCount": n} for m, n in sorted(by_modality.items()) if n]


def check_fields(msg: dict[str, Any]) -> None:
    """Refuse what the service's JSON parser refuses: two message types in one
    message (a oneof), or a field name it does not know."""
    kinds = schema.message_types(msg)
    if len(kinds) > 1:
        raise Closed(1007, f"Invalid JSON payload received. oneof field 'message_type' is already set. Cannot set '{kinds[1]}'")
    unknown = schema.unknown_field(msg)
    if unknown is not None:
        raise Closed(1007, schema.unknown_field_reason(*unknown))


def to_input_rate(pcm: bytes, rate: int) -> bytes:
    """The simulator listens at 16 kHz; clients that send another rate are resampled."""
    if rate == INPUT_RATE or not pcm:
        return pcm[: len(pcm) // 2 * 2]
    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2")
    return soxr.resample(samples, rate, INPUT_RATE).astype("<i2").tobytes()
