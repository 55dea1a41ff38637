"""What the simulated model says in so many words: its canned answers (the Markdown
demo, the long story, greetings) and the small helpers that phrase the rest."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "DEFAULT_AFTER_TOOL",
    "GREETING",
    "GREETING_TERSE",
    "LONG_ANSWER",
    "MARKDOWN_DEMO",
    "NOT_HEARD",
    "PRESENT",
    "PRESENT_TERSE",
    "clip",
    "join_and",
    "sentence",
]

DEFAULT_AFTER_TOOL = "Done: {name} returned {result}."

MARKDOWN_DEMO = """\
# Markdown demo

This answer exercises the renderer with **bold**, *italic*, `inline code` \
and a [link](https://ai.google.dev/gemini-api/docs/live).

## A list

- Headings at two levels
- Bulleted and numbered lists
- Fenced code with syntax highlighting
- A table with aligned columns

## Some code

```python
def greet(name: str) -> str:
    return f"Hello, {name}!"
```

## A table

| Capital | Country | Population (approx.) |
| --- | --- | ---: |
| Paris | France | 2.1 M |
| Berlin | Germany | 3.7 M |
| Tokyo | Japan | 14 M |

> Everything above is deterministic, so snapshots and benchmarks can rely on it."""

LONG_ANSWER = """\
# The Terminal That Learned to Listen

Once upon a time, in a data centre that hummed like a distant sea, there lived \
a small terminal program called **livetui**. It had no windows of its own, only \
a grid of characters eighty columns wide on a good day, but it dreamed of \
holding real conversations.

Every morning it woke up, opened a WebSocket and sent a polite `setup` message. \
Most days the server answered with `setupComplete`, and the terminal felt a \
little thrill as the first words streamed in, one chunk at a time.

## What the terminal learned

Over many sessions, the terminal collected a few lessons:

1. **Stream early, render often.** People read faster than they expect, and a \
blank screen feels broken after a second.
2. **Never block the event loop.** Audio, keystrokes and network frames all \
arrive at once, and each deserves a turn.
3. **Interruptions are normal.** When the user speaks over the model, stop \
talking and listen.
4. **Keep a transcript.** Memory is what turns a string of replies into a \
conversation.

## A small piece of code

The terminal was proud of the tiny loop at its heart:

```python
async for message in session.receive():
    if message.text:
        screen.write(message.text)
    if message.server_content and message.server_content.turn_complete:
        break
```

It was not clever, but it was honest, and it never dropped a frame.

## Friends along the way

| Friend | What they taught | Favourite message |
| --- | --- | --- |
| The microphone | Patience with silence | `realtimeInput` |
| The speaker | Timing is everything | `serverContent` |
| The simulator | Practice without a network | `toolCall` |
| The user | Why any of it matters | `clientContent` |

The simulator, in particular, became a close companion. It lived entirely \
offline, never needed an API key, and always answered the same question the \
same way. When the terminal asked for the capital of France, the simulator \
said Paris, every single time, which made it the most reliable friend a test \
suite could want.

## The long night

One evening the network went down. The terminal tried to reconnect, backed off \
politely, tried again, and backed off a little longer. It did not panic. It \
showed a calm status line, kept the transcript safe, and waited. When the \
connection returned, it resumed the session and carried on as if nothing had \
happened, because a good console is measured less by how it behaves on sunny \
days than by how it behaves in storms.

## The end, for now

Today the terminal still runs, streaming answers in neat Markdown: headings, \
lists, tables and code blocks rendered as fast as they arrive. It is a small \
program, and it knows it. But every time someone types a question and watches \
the answer unfold line by line, it feels, in its own modest way, like it is \
listening.

*The end.*"""

_PITCH = "ask me about capital cities, or say anything and I'll repeat it."
GREETING = f"Hello! I'm the livetui offline simulator. I'm doing well — {_PITCH}"
PRESENT = f"Yes, I'm here! I'm the livetui offline simulator — {_PITCH}"
GREETING_TERSE = "Hello, I'm the livetui offline simulator."
PRESENT_TERSE = "Yes, I'm here — this is the livetui offline simulator."
NOT_HEARD = "I didn't catch that."
_ECHO_LIMIT = 200  # long inputs are clipped so the echo stays a short answer


def clip(text: str) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= _ECHO_LIMIT else one_line[: _ECHO_LIMIT - 1].rstrip() + "…"


def sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."  # "Washington, D.C." already ends one


def join_and(parts: Sequence[str]) -> str:
    if len(parts) <= 2:
        return " and ".join(parts)
    return ", ".join(parts[:-1]) + ", and " + parts[-1]

