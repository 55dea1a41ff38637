"""`client.models.list()` and `client.models.get()`: the real SDK against the simulator's REST side."""

from __future__ import annotations

import asyncio
import json
import math
import urllib.error
import urllib.request

import pytest
from google import genai
from google.genai import errors, types

from livetui.sim import SimOptions, Simulator
from livetui.sim.models import CATALOGUE, RETIRED

LIVE = "bidiGenerateContent"


def rest_client(sim: Simulator, api_key: str = "test-key", api_version: str | None = None) -> genai.Client:
    ctx = sim.client_ssl_context()
    return genai.Client(
        api_key=api_key,
        http_options=types.HttpOptions(
            base_url=sim.base_url, api_version=api_version, client_args={"verify": ctx}, async_client_args={"ssl": ctx}
        ),
    )


def http_get(sim: Simulator, path: str, key: str | None = "k") -> tuple[int, dict]:
    """A plain GET, as any HTTP client sends it (stdlib: no SDK in the way)."""
    request = urllib.request.Request(sim.base_url + path, headers={"x-goog-api-key": key} if key else {})
    try:
        with urllib.request.urlopen(request, context=sim.client_ssl_context(), timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        body = error.read()
        return error.code, json.loads(body) if error.headers.get_content_type() == "application/json" else {"text": body.decode()}


def retired_options(**options: object) -> SimOptions:
    """A simulator serving the retired models (`SimOptions.retired_models`, the simcat part's switch)."""
    try:
        return SimOptions(retired_models=True, **options)  # type: ignore[call-arg, arg-type]
    except TypeError:  # the switch is not in SimOptions on this branch yet: the server reads it with getattr
        plain = SimOptions(**options)  # type: ignore[arg-type]
        object.__setattr__(plain, "retired_models", True)
        return plain


async def test_list_offers_the_catalogue_with_bidi_generate_content(sim: Simulator) -> None:
    client = rest_client(sim)
    models = [m async for m in await client.aio.models.list()]
    live = [m for m in models if LIVE in (m.supported_actions or [])]
    assert [m.name for m in live] == [f"models/{m.name}" for m in CATALOGUE]
    assert all(m.display_name and m.description and m.input_token_limit and m.output_token_limit and m.version for m in live)
    # Google's list holds other models too: the filter on supported actions is what finds the Live ones.
    assert any(LIVE not in (m.supported_actions or []) for m in models)
    by_name = {m.name: m for m in live}
    assert by_name["models/gemini-3.1-flash-live-preview"].thinking is True
    assert by_name["models/gemini-3.8-live"].thinking is None  # takes no thinking_config
    assert not any(m.name == f"models/{r.name}" for m in models for r in RETIRED), "retired models only with the switch"


async def test_the_sync_client_pages_through_with_page_size(sim: Simulator) -> None:
    client = rest_client(sim)
    pager = await asyncio.to_thread(client.models.list, config={"page_size": 3})
    assert len(pager.page) == 3
    names = await asyncio.to_thread(lambda: [m.name for m in pager])
    assert len(names) == len(CATALOGUE) + 2 and len(set(names)) == len(names), "every model once, over several pages"


async def test_retired_models_are_listed_only_with_the_switch(make_sim) -> None:  # type: ignore[no-untyped-def]
    sim = await Simulator(retired_options(speed=math.inf)).start()
    try:
        client = rest_client(sim)
        names = [m.name async for m in await client.aio.models.list()]
        for model in RETIRED:
            assert f"models/{model.name}" in names
        got = await client.aio.models.get(model=RETIRED[0].name)
        assert got.name == f"models/{RETIRED[0].name}" and LIVE in (got.supported_actions or [])
    finally:
        await sim.stop()


@pytest.mark.parametrize("version", ["v1", "v1beta", "v1alpha"])
async def test_get_one_model_on_every_api_version(sim: Simulator, version: str) -> None:
    client = rest_client(sim, api_version=version)
    model = await client.aio.models.get(model="gemini-3.8-live")
    assert (model.name, model.display_name) == ("models/gemini-3.8-live", "Gemini 3.8 Live")
    assert LIVE in (model.supported_actions or [])
    prefixed = await client.aio.models.get(model="models/gemini-3.5-transcribe-live")
    assert prefixed.name == "models/gemini-3.5-transcribe-live"


async def test_an_unknown_or_retired_name_is_google_s_404(sim: Simulator) -> None:
    client = rest_client(sim)
    for name in ("no-such-model", RETIRED[0].name):
        with pytest.raises(errors.ClientError) as caught:
            await client.aio.models.get(model=name)
        assert (caught.value.code, caught.value.status) == (404, "NOT_FOUND")
        assert f"models/{name} is not found for API version v1" in (caught.value.message or "")


async def test_a_bad_key_gets_api_key_invalid(make_sim) -> None:  # type: ignore[no-untyped-def]
    sim = await make_sim(reject_keys=frozenset({"bad-key"}))
    client = rest_client(sim, api_key="bad-key")
    with pytest.raises(errors.ClientError) as caught:
        await client.aio.models.list()
    error = caught.value
    assert (error.code, error.status) == (400, "INVALID_ARGUMENT")
    assert error.message == "API key not valid. Please pass a valid API key."
    assert any(d.get("reason") == "API_KEY_INVALID" for d in error.details["error"]["details"])
    assert (await rest_client(sim).aio.models.get(model="gemini-3.8-live")).name, "a good key still works"


async def test_no_key_at_all_is_permission_denied(sim: Simulator) -> None:
    status, body = await asyncio.to_thread(http_get, sim, "/v1beta/models", None)
    assert (status, body["error"]["status"]) == (403, "PERMISSION_DENIED")


async def test_a_bad_page_token_is_invalid_argument_and_other_paths_stay_404(sim: Simulator) -> None:
    status, body = await asyncio.to_thread(http_get, sim, "/v1beta/models?pageToken=x")
    assert (status, body["error"]["status"]) == (400, "INVALID_ARGUMENT")
    status, _ = await asyncio.to_thread(http_get, sim, "/v1beta/files")
    assert status == 404
    status, body = await asyncio.to_thread(http_get, sim, "//v1beta/models")  # a base URL ending in "/"
    assert status == 200 and body["models"][0]["name"] == "models/gemini-3.8-live"
