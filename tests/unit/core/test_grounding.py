"""Google Search grounding in the console: groundingMetadata decoded into sources (made
safe), attached to the right answer, saved, read back and exported; the flag, the file
and the connect config."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from google.genai import types

from livetui.cli.args import load_settings
from livetui.core.configfile import ConfigError
from livetui.core.conversation import Conversation, SourcesChanged, TurnAdded
from livetui.core.decode import describe_message, events_from_message
from livetui.core.eventlog import EventLog
from livetui.core.events import Grounding, Source, TextDelta, TurnComplete
from livetui.core.persist import Transcript
from livetui.core.sanitize import is_safe, safe_link
from livetui.core.store import TranscriptStore, export_jsonl, export_markdown, load

CID = "20261202-213000-ab12"


def message(meta: dict, **content: object) -> types.LiveServerMessage:
    return types.LiveServerMessage.model_validate({"serverContent": {"groundingMetadata": meta, **content}})


def web(uri: str, title: str, domain: str | None = None) -> dict:
    page = {"uri": uri, "title": title}
    if domain is not None:
        page["domain"] = domain
    return {"web": page}


# -- decode ---------------------------------------------------------------------------


def test_grounding_metadata_becomes_sources_and_queries() -> None:
    meta = {
        "webSearchQueries": ["eiffel tower height"],
        "groundingChunks": [
            web("https://encyclopedia.example.org/wiki/Eiffel", "Eiffel Tower", "encyclopedia.example.org"),
            web("https://www.example.com/tower", "The tower"),  # no domain (the Gemini API): from the link
            {"retrievedContext": {"uri": "gs://bucket/doc", "title": "not the web"}},
        ],
        "groundingSupports": [{"segment": {"startIndex": 0, "endIndex": 5, "text": "It is"}, "groundingChunkIndices": [0]}],
        "searchEntryPoint": {"renderedContent": "<div>chip</div>"},
    }
    (event,) = events_from_message(message(meta))
    assert event == Grounding(
        sources=(
            Source("Eiffel Tower", "https://encyclopedia.example.org/wiki/Eiffel", "encyclopedia.example.org"),
            Source("The tower", "https://www.example.com/tower", "example.com"),
        ),
        queries=("eiffel tower height",),
    )


def test_the_gemini_apis_redirect_links_name_no_domain() -> None:
    meta = {"groundingChunks": [web("https://vertexaisearch.cloud.google.com/grounding-api-redirect/AbC", "uefa.com")]}
    (event,) = events_from_message(message(meta))
    assert event.sources == (Source("uefa.com", "https://vertexaisearch.cloud.google.com/grounding-api-redirect/AbC", ""),)


@pytest.mark.parametrize(
    "uri",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "https://example.com/\x1b]8;;https://evil.example/\x07",
        "https://example.com/a\nb",
        "https://example.com/a b",
        "https://exa\u202emple.com/",
        "https:///no-host",
        "ftp://example.com/",
        "https://example.com/" + "a" * 3000,
    ],
)
def test_a_link_that_is_not_plain_http_is_dropped_and_the_title_kept(uri: str) -> None:
    (event,) = events_from_message(message({"groundingChunks": [web(uri, "A page")]}))
    assert event.sources[0].title == "A page" and event.sources[0].uri == ""
    assert safe_link(uri) == ""


def test_titles_domains_and_queries_are_made_safe_and_one_line() -> None:
    meta = {
        "webSearchQueries": ["a\x1b[2Jquery\nsplit"],
        "groundingChunks": [web("https://example.com/", "Title\x1b]0;owned\x07\nsecond line", "exa\u202emple.com")],
    }
    (event,) = events_from_message(message(meta))
    source = event.sources[0]
    assert is_safe(source.title) and is_safe(source.domain) and is_safe(event.queries[0])
    assert "\n" not in source.title and "\n" not in event.queries[0]
    assert source.title.startswith("Title␛]0;owned␇ second line")


def test_empty_or_repeated_chunks_give_one_source_each_and_nothing_gives_no_event() -> None:
    page = web("https://example.com/", "Same")
    (event,) = events_from_message(message({"groundingChunks": [page, page, {"web": {}}]}))
    assert event.sources == (Source("Same", "https://example.com/", "example.com"),)
    assert events_from_message(message({"groundingSupports": []})) == []


def test_grounding_comes_before_the_turns_end_in_one_message() -> None:
    events = events_from_message(message({"groundingChunks": [web("https://example.com/", "A")]}, turnComplete=True))
    assert [type(e).__name__ for e in events] == ["Grounding", "TurnComplete"]


def test_the_event_log_shows_the_raw_metadata() -> None:
    meta = {"webSearchQueries": ["q"], "groundingChunks": [web("https://example.com/" + "x" * 300, "A", "example.com")]}
    kind, summary = describe_message(message(meta))
    assert kind == "serverContent.groundingMetadata"
    raw = json.loads(summary.removeprefix("grounding "))
    assert raw == meta
    log = EventLog()
    entry = log.server(message(meta))
    assert entry.summary == summary  # kept whole, past the usual summary length
    assert entry.size == len(summary.removeprefix("grounding ").encode())


# -- conversation ---------------------------------------------------------------------

SOURCES = (Source("One", "https://one.example/", "one.example"), Source("Two", "https://two.example/", "two.example"))


def test_sources_go_to_the_answer_in_progress_and_grow() -> None:
    conversation = Conversation()
    conversation.add_user_text("Who won?")
    conversation.apply(TextDelta("Spain won."))
    turn = conversation.model_turn
    assert turn is not None
    changes = conversation.apply(Grounding(sources=SOURCES[:1]))
    assert changes == [SourcesChanged(turn)] and turn.sources == SOURCES[:1]
    changes = conversation.apply(Grounding(sources=SOURCES))  # the one already there is not repeated
    assert changes == [SourcesChanged(turn)] and turn.sources == SOURCES
    assert conversation.apply(Grounding(sources=SOURCES)) == []


def test_sources_after_the_answer_ended_go_to_it() -> None:
    conversation = Conversation()
    conversation.add_user_text("Who won?")
    conversation.apply(TextDelta("Spain won."))
    conversation.apply(TurnComplete())
    answer = conversation.turns[-1]
    conversation.add_system("a notice")  # the console's own lines do not come between
    assert conversation.apply(Grounding(sources=SOURCES)) == [SourcesChanged(answer)]
    assert answer.sources == SOURCES and not answer.open


def test_sources_before_the_answer_begin_it() -> None:
    conversation = Conversation()
    conversation.add_user_text("Who won?")
    changes = conversation.apply(Grounding(sources=SOURCES))
    answer = conversation.model_turn
    assert answer is not None and answer.role == "model" and answer.sources == SOURCES
    assert changes == [TurnAdded(answer), SourcesChanged(answer)]
    conversation.apply(TextDelta("Spain won."))
    assert conversation.model_turn is answer and answer.text == "Spain won."


def test_queries_alone_change_nothing_on_screen() -> None:
    conversation = Conversation()
    conversation.apply(TextDelta("x"))
    assert conversation.apply(Grounding(queries=("q",))) == []


# -- transcript and exports -----------------------------------------------------------


def grounded_transcript(folder: Path, late: bool) -> Path:
    store = TranscriptStore.create(folder, conversation_id=CID, environ={})
    transcript = Transcript(store)
    transcript.begin("gemini-3.8-live", "TEXT", "simulator")
    conversation = Conversation()
    transcript.write(conversation.add_user_text("Who won?"))
    transcript.write(conversation.apply(TextDelta("Spain won.")))
    if not late:
        transcript.write(conversation.apply(Grounding(sources=SOURCES)))
    transcript.write(conversation.apply(TurnComplete()))
    if late:  # after the answer's final record: a later final record supersedes it
        transcript.write(conversation.apply(Grounding(sources=SOURCES)))
    transcript.close()
    return store.path


@pytest.mark.parametrize("late", [False, True])
def test_sources_are_saved_and_read_back_with_the_answer(tmp_path: Path, late: bool) -> None:
    grounded_transcript(tmp_path, late)
    loaded = load(CID, tmp_path)
    answer = loaded.turns[-1]
    assert answer.role == "model" and answer.text == "Spain won." and answer.sources == SOURCES and not answer.partial


def test_markdown_lists_the_sources_under_the_answer_as_numbered_links(tmp_path: Path) -> None:
    grounded_transcript(tmp_path, late=False)
    md = export_markdown(load(CID, tmp_path))
    after = md.split("Spain won.", 1)[1]
    assert "Sources:\n\n1. [One](https://one.example/) · one.example\n2. [Two](https://two.example/) · two.example\n" in after


def test_jsonl_carries_the_sources_as_data(tmp_path: Path) -> None:
    grounded_transcript(tmp_path, late=True)
    records = [json.loads(line) for line in export_jsonl(load(CID, tmp_path)).splitlines()]
    final = [r for r in records if r["kind"] == "model" and not r["partial"]][-1]
    assert final["sources"] == [{"title": s.title, "uri": s.uri, "domain": s.domain} for s in SOURCES]


def test_sources_read_from_an_edited_file_are_made_safe(tmp_path: Path) -> None:
    path = tmp_path / f"{CID}.jsonl"
    bad = {"title": "[x](javascript:alert(1)) \x1b[2J", "uri": "javascript:alert(1)", "domain": "\x07"}
    lines = [
        {"v": 1, "t": "2026-12-02T21:30:00.000+00:00", "kind": "start", "model": "m", "modality": "TEXT"},
        {"v": 1, "t": "2026-12-02T21:30:01.000+00:00", "kind": "model", "turn": 1, "text": "A.", "sources": [bad, "nonsense", {"uri": 3}]},
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    loaded = load(path)
    (source,) = loaded.turns[-1].sources
    assert source.uri == "" and is_safe(source.title) and is_safe(source.domain)
    md = export_markdown(loaded)
    assert "javascript:" not in md.replace("\\[x\\](javascript:alert(1))", "")  # no link made of it
    assert "1. \\[x\\](javascript:alert(1)) ␛\\[2J" in md


def test_a_title_with_markdown_and_a_link_with_parentheses_stay_one_link(tmp_path: Path) -> None:
    from livetui.core.store.export import _markdown_sources
    from livetui.core.store.records import StoredTurn

    turn = StoredTurn("model", "A.", sources=(Source("a [b] *c*", "https://example.com/wiki/A_(b)", "example.com"),))
    assert _markdown_sources(turn)[2] == "1. [a \\[b\\] \\*c\\*](https://example.com/wiki/A_%28b%29) · example.com"


# -- settings and the connect config --------------------------------------------------


def test_search_from_the_flag_and_the_file(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[tools]\nsearch = true\n")
    assert load_settings([], {}).tools.search is False
    assert load_settings(["--search"], {}).tools.search is True
    assert load_settings(["--config", str(config)], {}).tools.search is True
    assert load_settings(["--config", str(config), "--no-search"], {}).tools.search is False
    config.write_text("[tools]\nsearch = 'yes'\n")
    with pytest.raises(ConfigError, match=r"tools\.search"):
        load_settings(["--config", str(config)], {})
    config.write_text("[tools]\nserch = true\n")
    with pytest.raises(ConfigError, match="did you mean 'search'"):
        load_settings(["--config", str(config)], {})


def test_the_connect_config_sends_search_to_a_chat_model_only() -> None:
    from dataclasses import replace

    from livetui.core.connectconfig import live_config
    from livetui.core.modes import connected_line
    from livetui.core.settings import Settings
    from livetui.core.tools.spec import ToolBox

    on = Settings(tools=ToolBox(search=True))
    assert live_config(on)["tools"] == [{"google_search": {}}]
    assert "tools" not in live_config(Settings())
    assert connected_line(on).endswith("· Google Search on") and "Search" not in connected_line(Settings())
    for model in ("some-future-live-model", "gemini-3.1-flash-live-preview"):
        assert live_config(replace(on, model=model))["tools"] == [{"google_search": {}}]
    dictation = replace(on, model="gemini-3.5-transcribe-live", mode="transcribe", modality="TEXT")
    assert "tools" not in live_config(dictation)
    assert connected_line(dictation).endswith("Google Search off: this model takes no tools")


async def test_a_continued_conversation_shows_its_answers_sources_again(tmp_path: Path) -> None:
    from livetui.core.session import SessionController
    from livetui.core.settings import Settings

    grounded_transcript(tmp_path, late=True)
    saved = load(CID, tmp_path)

    class Backend:
        label = "simulator"

    session = SessionController(Settings(), backend=Backend(), host=None)  # type: ignore[arg-type]
    try:
        changes = session.begin(saved)
    finally:
        await session.net.aclose()
    answers = [c.turn for c in changes if isinstance(c, TurnAdded) and c.turn.role == "model"]
    assert [a.sources for a in answers] == [SOURCES]
