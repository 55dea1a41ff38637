"""A declarations file, through the console's own connect config, to the simulator with the
real SDK: what each model is sent, a call answered by the declared command, per-model rules."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from google.genai import errors, types

from livetui.core.connectconfig import live_config
from livetui.core.settings import Settings
from livetui.core.tools.declare import declaration
from livetui.core.tools.load import check_args, load_tools
from livetui.core.tools.runner import run_command
from livetui.core.tools.spec import CommandAnswer, ToolBox

from .helpers import client_for, read_turn

SYNC_ONLY = "gemini-3.1-flash-live-preview"
TRANSLATE = "gemini-3.5-live-translate-preview"

WEATHER = """\
import json, sys
args = json.load(sys.stdin)
print("asked for", args["city"], file=sys.stderr)
print(json.dumps({"city": args["city"], "sky": "clear-777"}))
"""


def tools(tmp_path: Path, behavior: str) -> ToolBox:
    (tmp_path / "weather.py").write_text(WEATHER)
    path = tmp_path / "tools.toml"
    path.write_text(textwrap.dedent(f"""\
        [[function]]
        name = "get_weather"
        description = "The weather in a city"
        command = ["{sys.executable}", "weather.py"]
        behavior = "{behavior}"

        [function.parameters]
        type = "object"
        properties.city = {{ type = "string" }}
        required = ["city"]
        """))
    return load_tools(path)


def ask(text: str) -> types.Content:
    return types.Content(role="user", parts=[types.Part(text=text)])


async def answer_by_command(box: ToolBox, logged: list[str]) -> Any:
    async def responder(session: Any, tool_call: types.LiveServerToolCall) -> None:
        responses = []
        for call in tool_call.function_calls or []:
            spec = box.get(call.name or "")
            assert spec is not None and isinstance(spec.answered_by, CommandAnswer)
            assert check_args(spec, call.args or {}) is None
            result = await run_command(spec.answered_by, call.args or {}, log=logged.append)
            assert result.state == "answered", result
            responses.append(types.FunctionResponse(id=call.id, name=call.name, response=result.response))
        await session.send_tool_response(function_responses=responses)

    return responder


async def test_a_blocking_call_from_the_file_is_answered_by_its_command(sim, tmp_path: Path) -> None:
    box = tools(tmp_path, "BLOCKING")
    config = live_config(Settings(tools=box))  # the default model, gemini-3.8-live
    logged: list[str] = []
    async with client_for(sim).aio.live.connect(model=Settings().model, config=config) as session:
        await session.send_client_content(turns=ask("What's the weather in Paris?"))
        turn = await read_turn(session, tool_responder=await answer_by_command(box, logged))
    assert [(c.name, c.args) for c in turn.tool_calls] == [("get_weather", {"city": "Paris"})]  # filled from the JSON schema
    assert "clear-777" in turn.output_transcript  # BLOCKING was sent: the answer waited for the result
    assert turn.order.index("toolCall") < turn.order.index("audio")
    assert [line.split(": ", 1)[1] for line in logged] == ["asked for Paris"]


async def test_the_synchronous_model_gets_the_file_without_non_blocking(sim, tmp_path: Path) -> None:
    box = tools(tmp_path, "NON_BLOCKING")
    config = live_config(Settings(model=SYNC_ONLY, tools=box))
    logged: list[str] = []
    async with client_for(sim).aio.live.connect(model=SYNC_ONLY, config=config) as session:
        await session.send_client_content(turns=ask("What's the weather in Paris?"))
        turn = await read_turn(session, tool_responder=await answer_by_command(box, logged))
    assert [c.name for c in turn.tool_calls] == ["get_weather"] and "clear-777" in turn.output_transcript


async def test_sent_as_declared_the_synchronous_model_refuses_it(sim, tmp_path: Path) -> None:
    """What the rule above avoids: the same declaration with its behavior is refused."""
    (spec,) = tools(tmp_path, "NON_BLOCKING").functions
    config = {"response_modalities": ["AUDIO"], "tools": [{"function_declarations": [declaration(spec)]}]}
    with pytest.raises(errors.APIError) as caught:
        async with client_for(sim).aio.live.connect(model=SYNC_ONLY, config=config):
            pass
    assert caught.value.code == 1007 and "NON_BLOCKING" in (caught.value.details or "")


async def test_the_interpreter_is_sent_no_tools(sim, tmp_path: Path) -> None:
    settings = Settings(model=TRANSLATE, mode="translate", translate_to="fr", tools=tools(tmp_path, "BLOCKING"))
    async with client_for(sim).aio.live.connect(model=TRANSLATE, config=live_config(settings)) as session:
        assert session.setup_complete is not None
    with pytest.raises(errors.APIError) as caught:  # the pipeline refuses declarations, had they been sent
        async with client_for(sim).aio.live.connect(model=TRANSLATE, config={**live_config(settings), "tools": live_config(Settings(tools=settings.tools))["tools"]}):
            pass
    assert caught.value.code == 1007
