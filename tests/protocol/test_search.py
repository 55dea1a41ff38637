"""Google Search grounding: the console's config through the real SDK to the simulator,
and its groundingMetadata back through the SDK into the console's events."""

from __future__ import annotations

from dataclasses import replace

from livetui.core.connectconfig import live_config
from livetui.core.decode import events_from_message
from livetui.core.events import Grounding
from livetui.core.settings import Settings
from livetui.core.tools.spec import ToolBox
from livetui.sim.script import Script

from .helpers import MODEL, client_for, read_turn

SEARCHED = "Who won the 2024 European Championship?"


def grounded(settings: Settings) -> Settings:
    return replace(settings, tools=ToolBox(search=True))


async def ask(sim, config: dict, text: str):
    async with client_for(sim).aio.live.connect(model=MODEL, config=config) as session:
        await session.send_client_content(turns={"role": "user", "parts": [{"text": text}]})
        return await read_turn(session)


async def test_search_goes_out_as_google_search_and_comes_back_as_sources(sim):
    turn = await ask(sim, live_config(grounded(Settings())), SEARCHED)
    setup = next(r["msg"]["setup"] for r in sim.frames.records if r["dir"] == "in" and "setup" in r["msg"])
    assert setup["tools"] == [{"googleSearch": {}}]
    groundings = [e for m in turn.messages for e in events_from_message(m) if isinstance(e, Grounding)]
    assert len(groundings) == 1
    (grounding,) = groundings
    assert grounding.queries == ("who won the 2024 european championship",)
    assert [s.domain for s in grounding.sources] == ["encyclopedia.example.org", "news.example.com", "explainer.example.net"]
    assert all(s.uri.startswith("https://") and s.title for s in grounding.sources)
    # After the answer's words, before the turn ends: as the service sends it.
    kinds = [("grounding" if m.server_content and m.server_content.grounding_metadata else "other") for m in turn.messages]
    first_grounding = kinds.index("grounding")
    assert turn.order[-1] == "turnComplete" and turn.output_transcript
    assert first_grounding < len(turn.messages) - 1


async def test_without_search_nothing_is_grounded(sim):
    turn = await ask(sim, live_config(Settings()), SEARCHED)
    assert not any(m.server_content and m.server_content.grounding_metadata for m in turn.messages)
    setup = next(r["msg"]["setup"] for r in sim.frames.records if r["dir"] == "in" and "setup" in r["msg"])
    assert "tools" not in setup


async def test_a_question_not_searched_is_not_grounded(sim):
    turn = await ask(sim, live_config(grounded(Settings())), "hello there")
    assert not any(m.server_content and m.server_content.grounding_metadata for m in turn.messages)


async def test_a_pipeline_is_not_sent_search(sim):
    settings = grounded(Settings(model="gemini-3.5-transcribe-live", mode="transcribe", modality="TEXT"))
    assert "tools" not in live_config(settings)


async def test_a_script_can_send_grounding_before_the_answer(make_sim, tmp_path):
    path = tmp_path / "script.toml"
    path.write_text('[[reply]]\nmatch = "anything"\ntext = "Scripted answer."\nsearch = true\nsearch_at = "before"\n')
    Script.load(path)  # a valid script
    sim = await make_sim(script=path)
    turn = await ask(sim, live_config(grounded(Settings())), "anything at all")
    order = [
        "grounding" if m.server_content and m.server_content.grounding_metadata
        else "transcript" if m.server_content and m.server_content.output_transcription
        else "other"
        for m in turn.messages
    ]
    assert order.index("grounding") < order.index("transcript")
