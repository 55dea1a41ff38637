"""The simulator's deterministic "model": facts, context, tools, demos, echo."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from livetui.sim.brain import Brain
from livetui.sim.reply import Reply, ToolPlan, Turn
from livetui.sim.texts import LONG_ANSWER, MARKDOWN_DEMO
from livetui.sim.tools import FunctionDecl, function_decls_from_setup
from livetui.sim.script import Script


def user(text: str) -> Turn:
    return Turn("user", text)


def model(text: str) -> Turn:
    return Turn("model", text)


def say(text: str, history: list[Turn] | None = None, tools: list[FunctionDecl] | None = None) -> Reply:
    return Brain().reply(history or [], text, tools or [])


def decl(name: str, properties: dict[str, Any] | None = None, required: list[str] | None = None) -> FunctionDecl:
    params: dict[str, Any] = {"type": "OBJECT", "properties": properties or {}}
    if required is not None:
        params["required"] = required
    return FunctionDecl(name, parameters=params)


# --------------------------------------------------------------------------- capitals

CAPITALS = {
    "France": "Paris", "Germany": "Berlin", "Italy": "Rome", "Spain": "Madrid", "Portugal": "Lisbon",
    "Japan": "Tokyo", "Canada": "Ottawa", "Mexico": "Mexico City", "Brazil": "Brasília",
    "Argentina": "Buenos Aires", "Chile": "Santiago", "Peru": "Lima", "China": "Beijing",
    "India": "New Delhi", "South Korea": "Seoul", "Russia": "Moscow", "Australia": "Canberra",
    "New Zealand": "Wellington", "Egypt": "Cairo", "Kenya": "Nairobi", "Nigeria": "Abuja",
    "Morocco": "Rabat", "Turkey": "Ankara", "Greece": "Athens", "Belgium": "Brussels",
    "Switzerland": "Bern", "Austria": "Vienna", "Poland": "Warsaw", "Hungary": "Budapest",
    "Ukraine": "Kyiv", "Sweden": "Stockholm", "Norway": "Oslo", "Denmark": "Copenhagen",
    "Finland": "Helsinki", "Ireland": "Dublin", "Iceland": "Reykjavík", "Thailand": "Bangkok",
    "Vietnam": "Hanoi", "Indonesia": "Jakarta", "Iran": "Tehran", "Pakistan": "Islamabad",
    "Saudi Arabia": "Riyadh", "Cuba": "Havana", "Colombia": "Bogotá",
}  # fmt: skip


def test_knows_at_least_forty_capitals() -> None:
    assert len(CAPITALS) >= 40
    for country, capital in CAPITALS.items():
        assert say(f"What is the capital of {country}?").text == f"The capital of {country} is {capital}."


def test_capital_of_france_exact_wording() -> None:
    assert say("What is the capital of France?").text == "The capital of France is Paris."


@pytest.mark.parametrize(
    ("alias", "expected"),
    [
        ("UK", "The capital of the United Kingdom is London."),
        ("the United Kingdom", "The capital of the United Kingdom is London."),
        ("England", "The capital of England is London."),
        ("the USA", "The capital of the United States is Washington, D.C."),
        ("the United States", "The capital of the United States is Washington, D.C."),
        ("America", "The capital of the United States is Washington, D.C."),
        ("the U.S.", "The capital of the United States is Washington, D.C."),
        ("the netherlands", "The capital of the Netherlands is Amsterdam."),
    ],
)
def test_country_aliases(alias: str, expected: str) -> None:
    assert say(f"What is the capital of {alias}?").text == expected


@pytest.mark.parametrize(
    "heard",
    [
        "what is the capital of france",  # speech: lower-case, no punctuation
        "WHAT IS THE CAPITAL OF FRANCE!!!",
        "um so whats the capitol of uh france",  # rough recognition
        "france capital",
        "capital france please",
    ],
)
def test_capital_question_tolerates_case_punctuation_and_rough_speech(heard: str) -> None:
    assert say(heard).text == "The capital of France is Paris."


def test_accented_and_unaccented_spellings_match() -> None:
    assert say("capital of colombia").text == "The capital of Colombia is Bogotá."
    assert say("bogota is the capital of which country").text == "Bogotá is the capital of Colombia."


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Paris is the capital of which country?", "Paris is the capital of France."),
        ("paris is the capital of which country", "Paris is the capital of France."),
        ("Which country has Tokyo as its capital?", "Tokyo is the capital of Japan."),
        ("What country is Ottawa in?", "Ottawa is the capital of Canada."),
        ("London is the capital of which country?", "London is the capital of the United Kingdom."),
        ("Mexico City is the capital of which country?", "Mexico City is the capital of Mexico."),
    ],
)
def test_reverse_capital_questions(question: str, expected: str) -> None:
    assert say(question).text == expected


def test_confirms_or_corrects_a_capital_claim() -> None:
    assert say("Is Paris the capital of France?").text == "Yes — Paris is the capital of France."
    corrected = say("Is Berlin the capital of France?").text
    assert corrected.startswith("No")
    assert "capital of France is Paris" in corrected and "Berlin is the capital of Germany" in corrected


def test_several_countries_in_one_question() -> None:
    assert say("capitals of France, Germany and Italy").text == (
        "The capital of France is Paris, the capital of Germany is Berlin, and the capital of Italy is Rome."
    )


def test_unknown_country_is_admitted_not_invented() -> None:
    assert say("What is the capital of Atlantis?").text == "I don't know the capital of Atlantis."
    assert "capital" in say("what is the capital").text


# --------------------------------------------------------------------------- context


def test_guide_example_history_then_germany() -> None:
    history = [user("What is the capital of France?"), model("Paris")]
    reply = Brain().reply(history, "What is the capital of Germany?")
    assert "Berlin" in reply.text
    assert "Paris" not in reply.text


@pytest.mark.parametrize("follow_up", ["and Germany?", "And what about Germany", "how about germany", "germany"])
def test_follow_up_after_a_capital_question(follow_up: str) -> None:
    history = [user("What is the capital of France?"), model("The capital of France is Paris.")]
    assert say(follow_up, history).text == "The capital of Germany is Berlin."


def test_follow_ups_chain() -> None:
    brain, history = Brain(), [user("capital of france"), model("Paris")]
    for country, capital in [("Germany", "Berlin"), ("Italy", "Rome"), ("Spain", "Madrid")]:
        reply = brain.reply(history, f"and {country.lower()}")
        assert reply.text == f"The capital of {country} is {capital}."
        history += [user(f"and {country.lower()}"), model(reply.text)]


def test_follow_up_with_a_city_after_a_reverse_question() -> None:
    history = [user("Paris is the capital of which country?"), model("France.")]
    assert say("and Berlin?", history).text == "Berlin is the capital of Germany."


def test_country_without_capital_context_is_not_a_capital_question() -> None:
    history = [user("tell me a joke"), model("No jokes here.")]
    assert "Berlin" not in say("and Germany?", history).text
    # a long sentence that merely names a country is not a follow-up either
    history = [user("capital of france"), model("The capital of France is Paris.")]
    assert "Berlin" not in say("I spent a lovely summer holiday walking around Germany", history).text


@pytest.mark.parametrize(
    "question",
    ["What did I ask before?", "what did i ask you earlier", "What did I ask last?", "what was my last question",
     "What was my previous question?"],
)  # fmt: skip
def test_recalls_the_most_recent_earlier_question(question: str) -> None:
    history = [
        user("What is the capital of France?"),
        model("The capital of France is Paris."),
        user("  Tell me about Germany.  "),
        model("..."),
    ]
    assert say(question, history).text == "You asked: «Tell me about Germany.»."


def test_recall_skips_empty_user_turns_and_can_find_the_first() -> None:
    history = [user("first one"), model("a"), user("second one"), model("b"), user("   "), model("c")]
    assert say("what did I ask before", history).text == "You asked: «second one»."
    assert say("what was my first question", history).text == "You asked: «first one»."


def test_recall_with_no_earlier_question() -> None:
    text = say("What did I ask before?", [model("Hello")]).text
    assert "haven't asked" in text and "«" not in text


def test_remembers_a_name_from_earlier_turns() -> None:
    history = [user("Hi, my name is Ada"), model("Nice to meet you, Ada."), user("capital of france"), model("Paris")]
    assert say("What is my name?", history).text == "Your name is Ada."
    assert say("whats my name", history).text == "Your name is Ada."


def test_the_latest_name_wins_and_spoken_names_are_capitalised() -> None:
    history = [user("my name is ada"), model("ok"), user("actually my name is grace"), model("ok")]
    assert say("what is my name", history).text == "Your name is Grace."


def test_full_typed_name_is_kept() -> None:
    assert say("what's my name", [user("My name is Ada Lovelace."), model("Hi")]).text == "Your name is Ada Lovelace."


def test_introduction_is_acknowledged_and_unknown_name_admitted() -> None:
    assert say("My name is Ada.").text == "Nice to meet you, Ada."
    assert "haven't told me your name" in say("what is my name", [user("hello"), model("hi")]).text


# --------------------------------------------------------------------------- small talk


@pytest.mark.parametrize(
    "greeting", ["hello", "Hi!", "hi there", "How are you?", "are you there", "hey can you hear me", "good morning"]
)
def test_greetings_say_it_is_the_offline_simulator(greeting: str) -> None:
    reply = say(greeting)
    assert "livetui offline simulator" in reply.text
    assert reply.tool is None


def test_greeting_example_wording() -> None:
    assert say("Hello, how are you?").text == (
        "Hello! I'm the livetui offline simulator. I'm doing well — "
        "ask me about capital cities, or say anything and I'll repeat it."
    )


def test_capital_question_beats_a_greeting_in_the_same_turn() -> None:
    assert say("hi, what is the capital of japan").text == "The capital of Japan is Tokyo."


def test_weather_is_a_fixed_simulated_answer() -> None:
    first = say("What is the weather like today?").text
    assert "simulat" in first.lower()
    assert first == say("what is the weather").text
    assert "Paris" in say("what's the weather in paris").text


def test_markdown_demo_has_heading_list_code_and_table() -> None:
    text = say("Show me some markdown").text
    assert text == MARKDOWN_DEMO
    assert re.search(r"^# ", text, re.M)
    assert re.search(r"^- ", text, re.M)
    assert "```python\n" in text
    assert re.search(r"^\| --- \|", text, re.M)
    assert text.count("\n\n") >= 4  # several paragraphs


@pytest.mark.parametrize("ask", ["Give me a long answer", "tell me a story", "Tell me a story please."])
def test_long_answer_is_several_hundred_words_of_markdown(ask: str) -> None:
    text = say(ask).text
    assert text == LONG_ANSWER
    assert len(text.split()) >= 400
    assert re.search(r"^# ", text, re.M) and re.search(r"^\d\. ", text, re.M)
    assert "```" in text and re.search(r"^\| ", text, re.M)


@pytest.mark.parametrize(
    ("heard", "expected"),
    [
        ("The quick brown fox", "You said: «The quick brown fox»."),
        ("   padded text \n", "You said: «padded text»."),
        ("two\nlines", "You said: «two lines»."),
    ],
)
def test_otherwise_echoes_what_it_heard(heard: str, expected: str) -> None:
    assert say(heard).text == expected


@pytest.mark.parametrize("heard", ["", "   ", "\n\t"])
def test_empty_input(heard: str) -> None:
    assert say(heard) == Reply("I didn't catch that.")


def test_echo_of_very_long_input_stays_short() -> None:
    text = say("word " * 400).text
    assert text.startswith("You said: «word word") and text.endswith("…».")
    assert len(text) < 300


# --------------------------------------------------------------------------- system instruction


@pytest.mark.parametrize("instruction", ["Be terse.", "Keep answers BRIEF", "Answer briefly."])
@pytest.mark.parametrize(
    "ask", ["hello", "how are you", "what is the weather", "tell me a story", "markdown"]
)
def test_terse_instruction_keeps_answers_to_one_short_sentence(instruction: str, ask: str) -> None:
    text = Brain(system_instruction=instruction).reply([], ask).text
    assert len(re.findall(r"[.!?](?:\s|$)", text)) == 1, text
    assert "\n" not in text and len(text) <= 100
    assert text != Brain().reply([], ask).text  # the default answer is longer


def test_terse_greeting_still_names_the_simulator() -> None:
    assert "livetui offline simulator" in Brain(system_instruction="be terse").reply([], "hi").text


def test_other_instructions_are_ignored() -> None:
    brain = Brain(system_instruction="You are a pirate. Talk like one.")
    assert brain.reply([], "hello").text == Brain().reply([], "hello").text
    assert not brain.terse and Brain(system_instruction="TERSE").terse


# --------------------------------------------------------------------------- tools


LIGHTS = [decl("turn_on_the_lights"), decl("turn_off_the_lights")]


@pytest.mark.parametrize(
    ("heard", "tools", "expected"),
    [
        ("Turn on the lights please", LIGHTS, "turn_on_the_lights"),
        ("turn off the lights", LIGHTS, "turn_off_the_lights"),
        ("call turn_off_the_lights", LIGHTS, "turn_off_the_lights"),
        ("turn the lights on", LIGHTS, "turn_on_the_lights"),
        ("get weather in Paris", [decl("get_weather")], "get_weather"),
        ("please call get_weather", [decl("get_weather")], "get_weather"),
        ("run getWeather now", [decl("getWeather")], "getWeather"),
        ("get weather for rome", [decl("getWeather")], "getWeather"),
        ("get current weather", [decl("getCurrentWeather")], "getCurrentWeather"),
        ("what's the weather like", [decl("get_weather")], "get_weather"),
        ("set the light level", [decl("set-light-level")], "set-light-level"),
        ("check HTTP status", [decl("checkHTTPStatus")], "checkHTTPStatus"),
    ],
)
def test_user_naming_a_declared_function_gets_a_tool_call(heard: str, tools: list[FunctionDecl], expected: str) -> None:
    reply = say(heard, tools=tools)
    assert reply.tool is not None and reply.tool.name == expected


def test_no_tool_call_when_no_declared_function_is_named() -> None:
    tools = [decl("turn_on_the_lights"), decl("get_weather")]
    reply = say("What is the capital of France?", tools=tools)
    assert reply.tool is None and reply.text == "The capital of France is Paris."
    assert say("turn on the lights").tool is None  # nothing declared


def test_the_most_specific_function_name_wins() -> None:
    tools = [decl("get_temperature"), decl("set_temperature")]
    assert say("set the temperature to 20", tools=tools).tool == ToolPlan("set_temperature", {})
    tools = [decl("lights"), decl("turn_on_the_lights")]
    assert say("turn on the lights", tools=tools).tool.name == "turn_on_the_lights"  # type: ignore[union-attr]


def test_location_parameter_takes_a_known_place() -> None:
    weather = decl("get_weather", {"city": {"type": "STRING"}}, ["city"])
    assert say("get weather in paris today", tools=[weather]).tool == ToolPlan("get_weather", {"city": "Paris"})
    assert say("Get weather for New York", tools=[weather]).tool == ToolPlan("get_weather", {"city": "New York"})
    country = decl("get_population", {"country": {"type": "string"}}, ["country"])
    plan = say("get population of the uk", tools=[country]).tool
    assert plan == ToolPlan("get_population", {"country": "United Kingdom"})


def test_location_parameter_falls_back_to_the_words_after_a_preposition() -> None:
    weather = decl("get_weather", {"location": {"type": "STRING"}}, ["location"])
    assert say("get weather in Springfield today", tools=[weather]).tool == ToolPlan(
        "get_weather", {"location": "Springfield"}
    )
    assert say("get weather", tools=[weather]).tool == ToolPlan("get_weather", {})  # nothing to fill: omitted


def test_room_parameter() -> None:
    lights = decl("turn_on_the_lights", {"room": {"type": "STRING"}}, ["room"])
    assert say("turn on the lights in the living room", tools=[lights]).tool == ToolPlan(
        "turn_on_the_lights", {"room": "living room"}
    )
    assert say("turn on the lights in the conservatory", tools=[lights]).tool == ToolPlan(
        "turn_on_the_lights", {"room": "conservatory"}
    )


def test_number_boolean_and_enum_parameters() -> None:
    thermostat = FunctionDecl(
        "setThermostat",
        parameters={
            "type": "object",
            "properties": {
                "temperature": {"type": "number"},
                "mode": {"type": "string", "enum": ["heat", "cool", "auto"]},
                "eco": {"type": "boolean"},
                "room": {"type": "string"},
            },
            "required": ["temperature"],
        },
    )
    plan = say("set thermostat to 21.5 in the bedroom, cool mode, eco off", tools=[thermostat]).tool
    assert plan == ToolPlan("setThermostat", {"temperature": 21.5, "mode": "cool", "eco": False, "room": "bedroom"})
    plan = say("set thermostat to minus three", tools=[thermostat]).tool
    assert plan == ToolPlan("setThermostat", {"temperature": -3})


def test_numbers_fill_number_parameters_in_order_including_spoken_numbers() -> None:
    alarm = decl("set_alarm", {"hour": {"type": "INTEGER"}, "minute": {"type": "INTEGER"}}, ["hour"])
    assert say("set alarm 7 30", tools=[alarm]).tool == ToolPlan("set_alarm", {"hour": 7, "minute": 30})
    assert say("set an alarm for twenty one", tools=[alarm]).tool == ToolPlan("set_alarm", {"hour": 21})
    assert say("set alarm 6.6", tools=[alarm]).tool == ToolPlan("set_alarm", {"hour": 7})  # integer: rounded


def test_boolean_from_on_off_true_false() -> None:
    switch = decl("set_power", {"on": {"type": "BOOLEAN"}}, ["on"])
    assert say("set power on", tools=[switch]).tool == ToolPlan("set_power", {"on": True})
    assert say("set power off", tools=[switch]).tool == ToolPlan("set_power", {"on": False})
    assert say("set power to false", tools=[switch]).tool == ToolPlan("set_power", {"on": False})
    assert say("set power", tools=[switch]).tool == ToolPlan("set_power", {})


def test_enum_values_keep_their_declared_spelling() -> None:
    fan = decl("set_fan", {"speed": {"type": "STRING", "enum": ["LOW", "MEDIUM", "HIGH"]}}, ["speed"])
    assert say("set fan to high", tools=[fan]).tool == ToolPlan("set_fan", {"speed": "HIGH"})
    assert say("set fan to ludicrous", tools=[fan]).tool == ToolPlan("set_fan", {})


def test_required_free_text_parameter_takes_the_rest_of_the_sentence() -> None:
    search = decl("search", {"query": {"type": "string"}}, ["query"])
    assert say("search for cute cats", tools=[search]).tool == ToolPlan("search", {"query": "cute cats"})
    optional = decl("search", {"query": {"type": "string"}})
    assert say("search for cute cats", tools=[optional]).tool == ToolPlan("search", {})  # not obvious: omitted


def test_tool_reply_says_done_with_compact_json_after_the_response() -> None:
    brain = Brain()
    reply = brain.reply([], "turn on the lights", LIGHTS)
    assert reply.tool == ToolPlan("turn_on_the_lights", {})
    assert brain.after_tool(reply, {"result": "ok", "brightness": 80}) == (
        'Done: turn_on_the_lights returned {"result":"ok","brightness":80}.'
    )


def test_after_tool_uses_template_then_text() -> None:
    brain = Brain()
    plan = ToolPlan("f", {})
    templated = Reply("ignored", plan, "Got {result} from {name}")
    assert brain.after_tool(templated, {"a": [1, 2]}) == 'Got {"a":[1,2]} from f'
    assert brain.after_tool(Reply("Said after.", plan), {"a": 1}) == "Said after."
    # literal braces in a template survive: it is not str.format
    assert brain.after_tool(Reply("", plan, "{x} {result}"), {"k": "é"}) == '{x} {"k":"é"}'


@st.composite
def json_values(draw: st.DrawFn) -> Any:
    return draw(
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
            lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
            max_leaves=20,
        )
    )


schema_keys = st.sampled_from(["type", "properties", "required", "enum", "anyOf", "items", "description"])


@settings(max_examples=300, deadline=None)
@given(
    params=st.dictionaries(schema_keys, json_values(), max_size=4)
    | st.fixed_dictionaries(
        {
            "type": st.sampled_from(["OBJECT", "object", 3, None]),
            "properties": st.dictionaries(
                st.sampled_from(["city", "room", "n", "on", "mode", "q", "location"]),
                st.dictionaries(schema_keys, json_values(), max_size=3)
                | st.fixed_dictionaries(
                    {"type": st.sampled_from(["STRING", "number", "INTEGER", "boolean", ["string", "null"], "x"])}
                ),
                max_size=4,
            ),
            "required": st.lists(st.sampled_from(["city", "room", "n", "q", 5]), max_size=3) | json_values(),
        }
    ),
    text=st.text(max_size=40),
)
def test_weird_schemas_never_crash(params: dict[str, Any], text: str) -> None:
    tool = FunctionDecl("do_thing", parameters=params)
    reply = Brain().reply([], f"do thing {text} 12 in paris on", [tool])
    assert reply.tool is not None and reply.tool.name == "do_thing"
    json.dumps(reply.tool.args)  # arguments must be sendable as JSON


# --------------------------------------------------------------------------- setup parsing


def test_function_decls_from_setup_reads_both_spellings_and_ignores_other_tools() -> None:
    tools = [
        {"googleSearch": {}},
        {"functionDeclarations": [{"name": "a", "description": "A", "parameters": {"type": "OBJECT"}}]},
        {"function_declarations": [{"name": "b", "parametersJsonSchema": {"type": "object"}}]},
        {"function_declarations": [{"name": "c", "parameters_json_schema": {"type": "object", "properties": {}}}]},
        {"codeExecution": {}},
    ]
    decls = function_decls_from_setup(tools)
    assert [(d.name, d.description, dict(d.parameters)) for d in decls] == [
        ("a", "A", {"type": "OBJECT"}),
        ("b", "", {"type": "object"}),
        ("c", "", {"type": "object", "properties": {}}),
    ]


@pytest.mark.parametrize(
    "tools",
    [
        None,
        [],
        ["junk"],
        [{"functionDeclarations": None}],
        [{"functionDeclarations": ["x", {"description": "no name"}, {"name": ""}]}],
    ],
)
def test_function_decls_from_setup_tolerates_junk(tools: Any) -> None:
    assert function_decls_from_setup(tools) == []


def test_from_setup_tolerates_wrong_types() -> None:
    fd = FunctionDecl.from_setup({"name": "f", "description": 5, "parameters": "nope"})
    assert (fd.name, fd.description, dict(fd.parameters)) == ("f", "", {})
    assert fd in {fd}  # frozen and hashable despite the parameters mapping


# --------------------------------------------------------------------------- script


def test_scripted_reply_wins_over_built_in_answers() -> None:
    brain = Brain(Script.from_entries([{"match": "capital", "text": "Scripted capital."}]))
    assert brain.reply([], "What is the capital of France?").text == "Scripted capital."
    # used once: the built-in answer is back
    assert brain.reply([], "What is the capital of France?").text == "The capital of France is Paris."


def test_scripted_tool_call_only_when_declared() -> None:
    script = Script.from_entries(
        [{"match": "lights", "tool": "turn_on_the_lights", "args": {"room": "kitchen"}, "after_tool": "On: {result}"}]
    )
    brain = Brain(script)
    assert brain.reply([], "lights please").tool is None  # undeclared: skipped, built-ins answer
    reply = brain.reply([], "lights please", [decl("turn_on_the_lights")])
    assert reply == Reply("", ToolPlan("turn_on_the_lights", {"room": "kitchen"}), "On: {result}")
    assert brain.after_tool(reply, {"ok": True}) == 'On: {"ok":true}'


def test_scripted_catch_all_answers_unrecognised_audio() -> None:
    brain = Brain(Script.from_entries([{"text": "Scripted."}]))
    assert brain.reply([], "").text == "Scripted."


# --------------------------------------------------------------------------- determinism


@settings(max_examples=200, deadline=None)
@given(
    history=st.lists(st.builds(Turn, st.sampled_from(["user", "model"]), st.text(max_size=30)), max_size=5),
    text=st.text(max_size=60),
)
def test_any_input_gets_a_deterministic_answer(history: list[Turn], text: str) -> None:
    tools = [decl("get_weather", {"city": {"type": "STRING"}}, ["city"])]
    first = Brain().reply(history, text, tools)
    assert isinstance(first.text, str)
    assert first.tool is not None or first.text  # always says something
    assert Brain().reply(history, text, tools) == first
