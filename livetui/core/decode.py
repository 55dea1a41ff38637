"""From SDK messages to the console's typed events, and to one-line log summaries.

This is the only place that reads `LiveServerMessage` fields; everything after it
(state, UI, store) sees `core.events` only. Text the model or service wrote passes
`safe_text` here, so no control code from it reaches the screen, transcript or history.
"""

from __future__ import annotations

import enum
import json
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:  # the SDK takes half a second to import: not before the first frame
    from google.genai import types

from .audio.rates import OUTPUT_RATE
from .events import (
    AudioChunk,
    Event,
    FunctionCall,
    GenerationComplete,
    GoAway,
    Grounding,
    InputTranscript,
    InteractionStatus,
    Interrupted,
    OutputTranscript,
    ResumptionHandle,
    Source,
    TextDelta,
    ToolCall,
    ToolCallCancellation,
    TurnComplete,
    Usage,
)
from .sanitize import safe_link, safe_text

SUMMARY_TEXT_CHARS = 60  # quoted text in a log summary is cut to this

_RATE = re.compile(r"rate=(\d{1,6})(?!\d)")  # at most 6 digits: int() refuses thousands
RATE_RANGE = (1000, 192000)  # a rate outside is nonsense (0 would divide by zero): use the default
# protobuf Duration in JSON: "50s", "0.3s", "1.000340012s"
_DURATION = re.compile(r"\s*(-?(?:\d+(?:\.\d*)?|\.\d+))s\s*")


# --- events ------------------------------------------------------------------


def events_from_message(msg: types.LiveServerMessage) -> list[Event]:
    """Every event one message carries, in the order a consumer should apply them.

    Usage comes just before TurnComplete so a consumer can attribute it to the
    turn that is finishing; Interrupted comes before TurnComplete for the same
    reason (the turn ends cut short).
    """
    events: list[Event] = []
    if msg.tool_call is not None:
        calls = tuple(
            FunctionCall(id=call.id or "", name=safe_text(call.name or ""), args=dict(call.args or {}))
            for call in msg.tool_call.function_calls or []
        )
        events.append(ToolCall(calls))
    if msg.tool_call_cancellation is not None:
        events.append(ToolCallCancellation(tuple(msg.tool_call_cancellation.ids or ())))

    content = msg.server_content
    if content is not None:
        if content.model_turn is not None:
            for part in content.model_turn.parts or []:
                events.extend(_part_events(part))
        for transcript, make in (
            (content.input_transcription, InputTranscript),
            (content.output_transcription, OutputTranscript),
        ):
            # An empty text with finished=True still matters: it closes the transcript.
            if transcript is not None and (transcript.text or transcript.finished):
                events.append(make(safe_text(transcript.text or ""), finished=bool(transcript.finished)))
        if content.grounding_metadata is not None and (grounding := grounding_from_metadata(content.grounding_metadata)):
            events.append(grounding)  # before Interrupted and TurnComplete: it belongs to this answer
        if content.interrupted:
            events.append(Interrupted())
        if content.generation_complete:
            events.append(GenerationComplete())

    status = _interaction_status(content)
    if status is not None:
        events.append(InteractionStatus(status))

    if msg.usage_metadata is not None:
        events.append(usage_from_metadata(msg.usage_metadata))

    if content is not None and content.turn_complete:
        reason = _enum_name(content.turn_complete_reason)
        reason = safe_text(reason) if reason is not None else None  # an unknown value is the service's text
        events.append(TurnComplete(reason=reason, in_progress=status == "IN_PROGRESS"))

    if msg.go_away is not None:
        events.append(GoAway(time_left_s=parse_duration(msg.go_away.time_left)))
    if msg.session_resumption_update is not None:
        update = msg.session_resumption_update
        events.append(ResumptionHandle(handle=update.new_handle or None, resumable=bool(update.resumable)))
    return events


def _interaction_status(content: types.LiveServerContent | None) -> str | None:
    """IN_PROGRESS or IDLE (the deprecated REQUIRES_ACTION means IDLE); None when not sent
    or a value we do not know (it must never leave the console stuck "working")."""
    name = _enum_name(content.interaction_status) if content is not None else None
    return {"IN_PROGRESS": "IN_PROGRESS", "IDLE": "IDLE", "REQUIRES_ACTION": "IDLE"}.get(name or "")


def _part_events(part: types.Part) -> list[Event]:
    events: list[Event] = []
    if part.text:
        events.append(TextDelta(safe_text(part.text), thought=bool(part.thought)))
    blob = part.inline_data
    if blob is not None and blob.data and (blob.mime_type or "").startswith("audio/pcm"):
        events.append(AudioChunk(blob.data, rate=audio_rate(blob.mime_type)))
    return events


def audio_rate(mime_type: str | None) -> int:
    """The sample rate in "audio/pcm;rate=24000"; the Live output rate when absent or absurd."""
    match = _RATE.search(mime_type or "")
    rate = int(match.group(1)) if match else OUTPUT_RATE
    return rate if RATE_RANGE[0] <= rate <= RATE_RANGE[1] else OUTPUT_RATE


def parse_duration(value: Any) -> float | None:
    """Seconds in a protobuf Duration string ("50s", "0.3s"); None if absent or unreadable."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, str):
        return None
    match = _DURATION.fullmatch(value)
    return float(match.group(1)) if match else None


def usage_from_metadata(meta: types.UsageMetadata) -> Usage:
    return Usage(
        prompt=_count(meta.prompt_token_count),
        response=_count(meta.response_token_count),
        total=_count(meta.total_token_count),
        cached=_count(meta.cached_content_token_count),
        thoughts=_count(meta.thoughts_token_count),
        tool_use_prompt=_count(meta.tool_use_prompt_token_count),
        prompt_by_modality=_by_modality(meta.prompt_tokens_details),
        response_by_modality=_by_modality(meta.response_tokens_details),
    )


# Gemini API answers link through this redirect, its title the site's domain: the host
# of such a link says nothing of the source.
_REDIRECT_HOSTS = ("vertexaisearch.cloud.google.com",)
GROUNDING_TEXT_CHARS = 200  # a source's title or a query, cut to this


def grounding_from_metadata(meta: types.GroundingMetadata) -> Grounding | None:
    """The web sources and queries of a groundingMetadata; None when it names neither.
    Titles, domains and queries are the service's text: made safe, on one line, cut short;
    a link is kept only if `safe_link` keeps it."""
    sources: list[Source] = []
    for chunk in meta.grounding_chunks or []:
        web = chunk.web
        if web is None:
            continue
        uri = safe_link((web.uri or "").strip())
        domain = _one_line(web.domain or "") or _host(uri)
        title = _one_line(web.title or "") or domain or _one_line(web.uri or "")
        if title and not any(s.title == title and s.uri == uri for s in sources):
            sources.append(Source(title=title, uri=uri, domain=domain))
    queries = tuple(q for q in (_one_line(q) for q in meta.web_search_queries or []) if q)
    if not sources and not queries:
        return None
    return Grounding(sources=tuple(sources), queries=queries)


def _one_line(text: str) -> str:
    return _short(" ".join(safe_text(text).split()), GROUNDING_TEXT_CHARS)


def _host(uri: str) -> str:
    host = (urlsplit(uri).hostname or "") if uri else ""
    return "" if host in _REDIRECT_HOSTS else host.removeprefix("www.")


def _count(value: int | None) -> int:
    """A token count as the counter can add it: a bad frame's negative count is 0."""
    return max(0, value or 0)


def _by_modality(details: list[types.ModalityTokenCount] | None) -> dict[str, int]:
    counts: dict[str, int] = {}
    for detail in details or []:
        name = _enum_name(detail.modality) or "MODALITY_UNSPECIFIED"
        counts[name] = counts.get(name, 0) + _count(detail.token_count)
    return counts


def _enum_name(value: Any) -> str | None:
    if value is None:
        return None
    return value.name if isinstance(value, enum.Enum) else str(value)


# --- log summaries -----------------------------------------------------------


def describe_message(msg: types.LiveServerMessage) -> tuple[str, str]:
    """(kind, summary) for the event log.

    The kind is the message's most significant content (an interruption matters
    more than the usage that rides along with it); the summary mentions all of it,
    with audio shown as its size only.
    """
    content = msg.server_content
    pieces: list[tuple[str, str]] = []  # (kind, text), most significant first

    if msg.setup_complete is not None:
        session_id = msg.setup_complete.session_id
        pieces.append(("setupComplete", f"session {session_id}" if session_id else "setup complete"))
    if msg.tool_call is not None:
        calls = msg.tool_call.function_calls or []
        text = ", ".join(f"{c.name}({_short(json.dumps(c.args or {}, default=str), 40)})" for c in calls)
        pieces.append(("toolCall", f"call {text}" if calls else "call (none)"))
    if msg.tool_call_cancellation is not None:
        ids = msg.tool_call_cancellation.ids or []
        pieces.append(("toolCallCancellation", "cancel " + (", ".join(ids) or "(none)")))
    if msg.go_away is not None:
        left = parse_duration(msg.go_away.time_left)
        pieces.append(("goAway", f"go away in {left:g}s" if left is not None else "go away"))
    if content is not None:
        if content.interrupted:
            pieces.append(("serverContent.interrupted", "interrupted"))
        if content.turn_complete:
            reason = _enum_name(content.turn_complete_reason)
            pieces.append(("serverContent.turnComplete", f"turn complete ({reason})" if reason else "turn complete"))
        if content.generation_complete:
            pieces.append(("serverContent.generationComplete", "generation complete"))
        if (status := _interaction_status(content)) is not None:
            pieces.append(("serverContent.interactionStatus", "still working" if status == "IN_PROGRESS" else "idle"))
        if content.grounding_metadata is not None:
            pieces.append(("serverContent.groundingMetadata", describe_grounding(content.grounding_metadata)))
        if content.model_turn is not None:
            parts = [_describe_part(p) for p in content.model_turn.parts or []]
            pieces.append(("serverContent.modelTurn", ", ".join(p for p in parts if p) or "empty turn"))
        if content.output_transcription is not None:
            pieces.append(
                ("serverContent.outputTranscription", "said " + _describe_transcript(content.output_transcription))
            )
        if content.input_transcription is not None:
            pieces.append(
                ("serverContent.inputTranscription", "heard " + _describe_transcript(content.input_transcription))
            )
    if msg.usage_metadata is not None:
        meta = msg.usage_metadata
        pieces.append(
            (
                "usageMetadata",
                (
                    f"tokens {meta.prompt_token_count or 0} in / {meta.response_token_count or 0} out"
                    f" / {meta.total_token_count or 0} total"
                ),
            )
        )
    if msg.session_resumption_update is not None:
        update = msg.session_resumption_update
        handle = _short(update.new_handle, 16) if update.new_handle else "no handle"
        pieces.append(("sessionResumptionUpdate", f"{handle}, {'resumable' if update.resumable else 'not resumable'}"))

    if not pieces:
        present = sorted(msg.model_dump(exclude_none=True))
        return "other", safe_text(", ".join(present)) or "empty message"
    # Names, ids and quoted text are the service's: JSON quoting leaves C1 codes raw.
    return pieces[0][0], safe_text("; ".join(text for _, text in pieces))


def describe_grounding(meta: types.GroundingMetadata) -> str:
    """The groundingMetadata as the service sent it (its JSON), for the event log."""
    raw = meta.model_dump(mode="json", exclude_none=True, by_alias=True)
    return "grounding " + json.dumps(raw, ensure_ascii=False, separators=(",", ":"), default=str)


def _describe_part(part: types.Part) -> str:
    if part.text:
        return ("thought " if part.thought else "text ") + _quote(part.text)
    blob = part.inline_data
    if blob is not None:
        return _describe_blob(blob.mime_type, len(blob.data or b""))
    present = sorted(part.model_dump(exclude_none=True))
    return ", ".join(present)


def _describe_blob(mime_type: str | None, size: int) -> str:
    return f"{(mime_type or 'data').split('/')[0]} {size} B"


def describe_audio(mime_type: str, size: int) -> tuple[str, str]:
    """(kind, summary) of a message that is one audio chunk and nothing else, as
    describe_message gives it (core/serverframes.py reads those without the SDK)."""
    return "serverContent.modelTurn", safe_text(_describe_blob(mime_type, size))


def _describe_transcript(transcript: types.Transcription) -> str:
    text = _quote(transcript.text or "")
    return f"{text} (finished)" if transcript.finished else text


def _quote(text: str) -> str:
    return json.dumps(_short(text, SUMMARY_TEXT_CHARS), ensure_ascii=False)


def _short(text: str | None, limit: int) -> str:
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def payload_size(msg: types.LiveServerMessage) -> int:
    """Approximate payload bytes of a server message: audio bytes plus UTF-8 text
    (model text, transcripts, tool call arguments). Cheap enough for every chunk:
    it never re-encodes the message."""
    size = 0
    content = msg.server_content
    if content is not None:
        if content.model_turn is not None:
            for part in content.model_turn.parts or []:
                size += len((part.text or "").encode(errors="surrogatepass"))  # JSON may carry lone surrogates
                if part.inline_data is not None:
                    size += len(part.inline_data.data or b"")
        for transcript in (content.input_transcription, content.output_transcription):
            if transcript is not None:
                size += len((transcript.text or "").encode(errors="surrogatepass"))
        if content.grounding_metadata is not None:  # rare (once an answer): its JSON's length
            size += len(describe_grounding(content.grounding_metadata).encode(errors="surrogatepass")) - len("grounding ")
    if msg.tool_call is not None:
        for call in msg.tool_call.function_calls or []:
            size += len((call.name or "").encode(errors="surrogatepass")) + len(json.dumps(call.args or {}, default=str).encode())
    return size
