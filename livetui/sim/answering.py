"""The model's side of a turn: the turn loop takes each user input in order and streams
its answer (text or audio), thinking first when asked, calling a declared function
and waiting for the client's response (BLOCKING) or not (NON_BLOCKING), then closing
the turn with its usage, a resumption handle and context compression."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

from . import recognize, search
from .answer import Answer, PlaybackClock, text_parts
from .context import Item, text_item
from .reasoning import CALL_FILLER, FILLER, thought_text, thought_tokens, tool_use_tokens
from .reply import Reply
from .session_state import INPUT_RATE, SessionState
from .tokens import audio_tokens, pcm_seconds

__all__ = ["Answering", "usage"]


class Answering(SessionState):
    """The turn loop and each answer; `LiveSession` feeds `turns` and interrupts."""

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
                reply = self.brain.reply(history, user_text, cfg.tools, search_on=cfg.search)
                text = reply.text
                if reasoning.thinks and not reply.tone_ms:
                    thoughts = thought_text(user_text)
            answer.tone_ms = reply.tone_ms
            answer.stop_after_ms = reply.interrupt_after_ms
            if not await answer.latency() and thoughts:
                await self._reason(answer, thoughts)
            grounding = reply.search_query if tool_result is None else None
            if grounding is not None and reply.search_at == "before" and not answer.stopped.is_set():
                await self._ground(grounding, text)
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
            if grounding is not None and reply.search_at == "after" and not answer.stopped.is_set():
                await self._ground(grounding, answer.sent_text)
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
            if grounding is not None and reply.search_at == "late" and not answer.stopped.is_set():
                await self._ground(grounding, answer.sent_text)
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

    async def _ground(self, query: str, text: str) -> None:
        """The answer's groundingMetadata, in a serverContent of its own (Google Search)."""
        await self.send({"serverContent": {"groundingMetadata": search.grounding_metadata(query, text)}})

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

