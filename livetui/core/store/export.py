"""Exports: a conversation as Markdown (to read) or as its JSONL records, printed or
written to a file of the user's (0600, whole or not at all).

`export_conversation` is the one way an export is made: `livetui export`, the history
screen (its view and its e), the palette's "Export as …" and "Export to…", and the
rescue copy written when the console quits with turns unsaved.
Both formats are safe to print: control codes are shown, not obeyed, and the API key
is scrubbed (an older version, or an edit, may have left one in the file).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..cost import Cost, conversation_cost, cost_summary
from ..latency import ms_label
from ..prices import PriceTable, shipped_prices
from ..private import write_private
from ..sanitize import escape_in_json, safe_text
from ..secrets import scrub_secrets
from ..usage import UsageTotals
from .reader import in_memory, load
from .records import LoadedConversation, Record, StoredTurn

FORMAT_NAMES = {"md": "Markdown", "jsonl": "JSONL"}
FORMATS = {".md": "md", ".markdown": "md", ".jsonl": "jsonl"}  # a file name's extension -> its format
Snapshot = tuple[Path, int, list[str]]  # TranscriptStore.snapshot(): the file's size now, and what memory holds
Source = str | Path | Snapshot  # an id (or a unique beginning of one), a file, or a store's snapshot


@dataclass(frozen=True)
class Exported:
    fmt: str  # "md" or "jsonl"
    text: str

    @property
    def name(self) -> str:
        """The format's name for the user: "Markdown" or "JSONL"."""
        return FORMAT_NAMES[self.fmt]


def export_format(path: Path) -> str | None:
    """The format its extension names: "md" or "jsonl"; None for any other."""
    return FORMATS.get(path.suffix.lower())


def default_export_path(conversation_id: str, fmt: str = "md") -> Path:
    return Path.home() / f"livetui-{conversation_id}.{'jsonl' if fmt == 'jsonl' else 'md'}"


def export_conversation(
    source: Source,
    target: Path | None = None,
    fmt: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    prices: PriceTable | None = None,
) -> Exported:
    """The conversation at `source` in `fmt` ("md" or "jsonl"; by default the one `target`'s
    extension names, else Markdown), written to `target` when given (see `write_export`).
    Its tokens and cost close both formats; the cost at `prices` (the shipped table by default).

    A snapshot is read as the file's first bytes then the records kept in memory, so a
    store that cannot write exports the whole conversation. Raises ValueError (no such
    format), StoreError (reading) or OSError (writing). Blocking: call it in a thread.
    """
    if fmt is None:
        fmt = "md" if target is None else export_format(target)
    if fmt not in FORMAT_NAMES:
        name = target.name if target is not None else repr(fmt)
        raise ValueError(f"{name}: end the name in .md (Markdown) or .jsonl (JSONL)")
    loaded = in_memory(*source) if isinstance(source, tuple) else load(source)
    table = prices or shipped_prices()
    text = export_markdown(loaded, environ, table) if fmt == "md" else export_jsonl(loaded, environ, table)
    if target is not None:
        write_export(target, text)
    return Exported(fmt, text)


def export_jsonl(loaded: LoadedConversation, environ: Mapping[str, str] | None = None, prices: PriceTable | None = None) -> str:
    """The file as written, without the lines that are not records; control codes that
    JSON leaves raw (DEL, C1, bidi) as \\u escapes: the same text, safe to print.
    After the usage records, a last "totals" record (not in the file) carries the tokens and the cost."""
    lines = list(loaded.lines)
    if loaded.usage_total.turns:
        lines.append(totals_record(loaded, prices or shipped_prices()))
    return "".join(escape_in_json(scrub_secrets(line, environ)) + "\n" for line in lines)


def totals_record(loaded: LoadedConversation, prices: PriceTable) -> str:
    """The conversation's tokens and cost as one JSONL record ("kind": "totals")."""
    usage = loaded.usage_total
    cost = conversation_cost(loaded.usage_by_model, prices)
    fields = {
        "turns": usage.turns,
        "prompt": usage.prompt,
        "response": usage.response,
        "total": usage.total,
        "thoughts": usage.thoughts,
        "tool_use_prompt": usage.tool_use_prompt,
        "cached": usage.cached,
        "cost_usd": cost.usd,
        "cost_estimated": cost.estimated,
        "cost_unknown": cost.unknown,
        "cost_notes": list(cost.notes),
        "prices": sorted({prices.dated(model) for model in loaded.usage_by_model}),
    }
    return Record("totals", fields).to_line()


def export_markdown(loaded: LoadedConversation, environ: Mapping[str, str] | None = None, prices: PriceTable | None = None) -> str:
    out = [f"# Conversation {loaded.id}", ""]
    about = [f"Started {_when(loaded.started)}"] if loaded.started else []
    about += [v for v in (loaded.settings.model, loaded.settings.service) if v]  # modality: per turn, below
    if about:
        out += ["*" + _escape(" · ".join(about)) + "*", ""]
    for turn in loaded.turns:
        out += _markdown_turn(turn)
        out += _markdown_calls(turn)
    out += ["---", "", _usage_line(loaded.usage_total), ""]
    out += _cost_lines(loaded, prices or shipped_prices())
    text = "\n".join(out).encode("utf-8", "replace").decode()  # no lone surrogates: it must print
    # A file on disk may hold raw control codes (an older version, an edit): Markdown is
    # read in a terminal, so they are shown, not obeyed. JSONL keeps them, JSON-escaped.
    return scrub_secrets(safe_text(text), environ)


def _markdown_turn(turn: StoredTurn) -> list[str]:
    if turn.role == "system":
        text = _escape(" ".join(turn.text.split()))
        line = {"divider": f"*— {text} —*", "error": f"*Error: {text}*"}.get(turn.level, f"*{text}*")
        return [line, ""]
    notes = [f"{turn.at:%H:%M:%S}"] if turn.at else []
    if turn.role == "user":
        name, empty = "You", "*(spoken, no transcript)*"
        notes += ["spoken"] if turn.modality == "AUDIO" else []
    else:
        name, empty = "Gemini", "*(audio, no transcript)*" if turn.modality == "AUDIO" else "*(no text)*"
        notes += [f"audio {turn.audio_seconds:.1f} s"] if turn.audio_seconds else []
        notes += ["interrupted"] if turn.interrupted else []
        notes += [note] if (note := _latency_note(turn)) else []
    notes += ["partial"] if turn.partial else []
    heading = f"**{name}**" + (f" ({', '.join(notes)}):" if notes else ":")
    return [heading, "", turn.text.strip() or empty, "", *_markdown_sources(turn)]


def _markdown_sources(turn: StoredTurn) -> list[str]:
    """A grounded answer's sources, a numbered list of links under it (as the chat numbers them)."""
    if not turn.sources:
        return []
    lines = ["Sources:", ""]
    for number, source in enumerate(turn.sources, 1):
        title = _escape_inline(source.title)
        # ( and ) would end the link's address early; as %28 %29 it is the same address.
        item = f"[{title}]({source.uri.replace('(', '%28').replace(')', '%29')})" if source.uri else title
        if source.domain and source.domain != source.title:
            item += f" · {_escape_inline(source.domain)}"
        lines.append(f"{number}. {item}")
    return [*lines, ""]


def _escape_inline(text: str) -> str:
    """Text in a list item or a link's words: its own markup (and brackets) shown, not read."""
    return re.sub(r"([\\\[\]*_`<>])", r"\\\1", text)


def _markdown_calls(turn: StoredTurn) -> list[str]:
    """An answer's function calls: name, state, how long, when; arguments and result."""
    out: list[str] = []
    for call in turn.tools:
        about = [call.state]
        about += [f"{call.took_s:.1f} s"] if call.took_s is not None else []
        about += [f"at {call.at:%H:%M:%S}"] if call.at is not None else []
        about += [b for b in (call.behavior, call.scheduling) if b]
        out.append(f"- Call **{_escape(call.name)}** ({_escape(' · '.join(about))})")
        out.append(f"  - arguments: {_code(call.args)}")
        if call.response is not None:
            out.append(f"  - result: {_code(call.response)}")
        if call.note:
            out.append(f"  - note: {_escape(' '.join(call.note.split()))}")
    return [*out, ""] if out else []


def _code(value: object) -> str:
    """JSON as an inline code span, however many backticks it holds."""
    text = json.dumps(value, ensure_ascii=False, default=str)  # one line: JSON escapes line breaks
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _latency_note(turn: StoredTurn) -> str:
    """The answer's latency in a few words (see the README's Latency section)."""
    latency = turn.latency
    if latency is None:
        return ""
    start = {"typed": "after Enter", "spoken": "after speech", "tool": "after the tool result"}[latency.origin]
    parts = [f"text {ms_label(latency.to_text_s)}"] if latency.to_text_s is not None else []
    parts += [f"heard {ms_label(latency.to_audio_s)}"] if latency.to_audio_s is not None else []
    return f"{' · '.join(parts)} {start}" if parts else ""


def _usage_line(usage: UsageTotals) -> str:
    if not usage.turns:
        return "*No token usage recorded.*"
    line = f"Tokens: {usage.prompt:,} in, {usage.response:,} out, {usage.total:,} total over {usage.turns} turn"
    line += "s" if usage.turns != 1 else ""
    details = [
        f"{label} " + ", ".join(f"{name} {count:,}" for name, count in sorted(counts.items()))
        for label, counts in (("in:", usage.prompt_by_modality), ("out:", usage.response_by_modality))
        if counts
    ]
    return line + (f" ({'; '.join(details)})" if details else "") + "."


def _cost_lines(loaded: LoadedConversation, prices: PriceTable) -> list[str]:
    if not loaded.usage_total.turns:
        return []
    cost: Cost = conversation_cost(loaded.usage_by_model, prices)
    line = "Cost: " + cost_summary(cost, loaded.usage_by_model, prices) + "."
    notes = [f"- {note}" for note in cost.notes] if cost.known else []
    return [_escape_cost(line), *map(_escape_cost, notes), ""]


def _escape_cost(text: str) -> str:
    return text.replace("~", "\\~").replace("*", "\\*").replace("_", "\\_")


def _when(moment: datetime) -> str:
    offset = moment.strftime("%z")
    return f"{moment:%Y-%m-%d %H:%M:%S}" + (f" {offset[:3]}:{offset[3:]}" if offset else "")


def _escape(text: str) -> str:
    """Text inside *italics*: its own markup must not end them."""
    return re.sub(r"([\\*_`])", r"\\\1", text)




def write_export(path: Path, text: str) -> None:
    """Write an export for the user: 0600 whether or not it existed (it holds the
    conversation), whole or not at all. Raises OSError."""
    write_private(path, text.encode("utf-8"))
