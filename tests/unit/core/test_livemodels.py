"""core.livemodels: the service's Live models marked, failures in one line, retired models in words."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import httpx2
import pytest
from google.genai import errors

from livetui.core.events import SessionError
from livetui.core.livemodels import (
    ListingError,
    LiveModel,
    known_live_models,
    list_live_models,
    not_found_line,
    not_found_model,
    retired_line,
)
from livetui.core.models import DEFAULT_MODEL, KNOWN
from livetui.core.recovery import diagnose

NATIVE = "gemini-2.5-flash-native-audio-preview-12-2025"


class FakePager:
    def __init__(self, items: list[Any]) -> None:
        self.items = items

    async def __aiter__(self) -> Any:
        for item in self.items:
            yield item


class FakeModels:
    """Only the one call under test: `await client.aio.models.list()` (an async pager of Models)."""

    def __init__(self, result: Any) -> None:
        self.result = result

    async def list(self) -> Any:
        if isinstance(self.result, BaseException):
            raise self.result
        return FakePager(self.result)


def client(result: Any) -> Any:
    return SimpleNamespace(aio=SimpleNamespace(models=FakeModels(result)))


def model(name: str, display: str = "", actions: tuple[str, ...] = ("bidiGenerateContent", "countTokens")) -> Any:
    return SimpleNamespace(name=f"models/{name}", display_name=display, supported_actions=list(actions))


async def test_only_live_models_are_kept_and_the_default_and_retired_are_marked() -> None:
    listed = await list_live_models(
        client(
            [
                model("gemini-3.8-live", "Gemini 3.8 Live"),
                model("gemini-3.5-flash", "Not live", ("generateContent",)),
                model("gemini-live-2.5-flash-preview", "Old"),
                model("some-new-live-model", "New\x1b[31m one\n"),
                model("evil\x1b]52;c;bad\x07-live", "Evil"),
            ]
        )
    )
    assert [m.name for m in listed] == ["gemini-3.8-live", "gemini-live-2.5-flash-preview", "some-new-live-model", "evil␛]52;c;bad␇-live"]  # shown, not obeyed (core.sanitize)
    default, old, new, _evil = listed
    assert default.default and default.note == "default" and default.display_name == "Gemini 3.8 Live"
    assert old.retired is not None and old.note == f"retired 2025-12-09: use {NATIVE}"
    assert new.note == "" and new.display_name == "New␛[31m one", "service text is data: control characters shown, not obeyed"


async def test_an_empty_list_or_one_without_live_models_is_one_line() -> None:
    for result in ([], [model("gemini-embedding-001", actions=("embedContent",))]):
        with pytest.raises(ListingError) as caught:
            await list_live_models(client(result))
        assert str(caught.value).startswith("the service offers no Live models") and "\n" not in str(caught.value)


def api_error(code: int, status: str, message: str, reason: str = "") -> errors.APIError:
    body: dict[str, Any] = {"error": {"code": code, "status": status, "message": message}}
    if reason:
        body["error"]["details"] = [{"reason": reason}]
    return errors.ClientError(code, body)


@pytest.mark.parametrize(
    ("failure", "words"),
    [
        (api_error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", "API_KEY_INVALID"),
         ("API key was refused", "GEMINI_API_KEY")),
        (api_error(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers"), ("refused to list", "403 PERMISSION_DENIED")),
        (api_error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials."), ("refused to list", "401")),
        (api_error(404, "NOT_FOUND", "Not Found"), ("no model list at this address", "GOOGLE_GEMINI_BASE_URL")),
        (api_error(429, "RESOURCE_EXHAUSTED", "Quota exceeded"), ("quota", "429")),
        (errors.ServerError(503, {"error": {"code": 503, "status": "UNAVAILABLE", "message": "overloaded"}}), ("could not list", "try again")),
        (httpx2.ConnectError("[Errno 111] Connection refused"), ("cannot list the models", "nothing is listening at")),
        (httpx2.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"), ("TLS failed", "SSL_CERT_FILE")),
    ],
)
async def test_every_failure_is_one_line_with_what_to_do(failure: BaseException, words: tuple[str, ...]) -> None:
    with pytest.raises(ListingError) as caught:
        await list_live_models(client(failure))
    line = str(caught.value)
    assert "\n" not in line and "Traceback" not in line
    for word in words:
        assert word in line, line


def test_the_known_list_is_the_fallback_with_the_default_marked() -> None:
    known = known_live_models()
    assert [m.name for m in known] == [m.name for m in KNOWN]
    assert [m.name for m in known if m.default] == [DEFAULT_MODEL]
    assert LiveModel("x").note == ""


def test_a_retired_model_is_named_with_its_replacement_and_what_to_do() -> None:
    line = retired_line("models/gemini-live-2.5-flash-preview")
    assert line.startswith("gemini-live-2.5-flash-preview was retired (shut down 2025-12-09)")
    assert NATIVE in line and DEFAULT_MODEL in line and "F2" in line and "what you type is kept" in line


def test_the_service_s_not_found_close_is_said_in_words() -> None:
    reason = "models/gemini-live-2.5-flash-preview is not found for API version v1beta, or is not supported for bidiGenerateContent."
    assert not_found_model(reason) == "gemini-live-2.5-flash-preview"
    assert not_found_model("Requested entity was not found") is None
    diagnosis = diagnose(SessionError(reason, 1008))
    assert diagnosis.action == "fatal" and diagnosis.heading == "not connected"
    assert diagnosis.message.startswith("gemini-live-2.5-flash-preview: not found (retired or unknown)")
    assert NATIVE in diagnosis.message and "livetui models" in diagnosis.message
    unknown = not_found_line("gemini-nope")
    assert unknown.startswith("gemini-nope: not found (retired or unknown) · choose another")
    assert "replacement" not in unknown


def test_a_retired_model_is_never_retried() -> None:
    error = SessionError(retired_line("gemini-2.0-flash-live-001"), retired_model="gemini-2.0-flash-live-001")
    diagnosis = diagnose(error)
    assert (diagnosis.action, diagnosis.heading) == ("fatal", "not connected")
    assert diagnosis.message == error.message


async def test_live_session_refuses_a_retired_model_before_connecting() -> None:
    from livetui.core.live import LiveSession, describe_error
    from livetui.core.settings import Settings

    class NoConnect:
        """A client that fails the test if anything connects."""

        @property
        def aio(self) -> Any:
            raise AssertionError("connected to a retired model")

    session = LiveSession(NoConnect(), Settings(model="gemini-live-2.5-flash-preview"))
    with pytest.raises(Exception) as caught:
        await session.__aenter__()
    error = describe_error(caught.value)
    assert error.retired_model == "gemini-live-2.5-flash-preview" and error.code is None
    assert "was retired" in error.message
