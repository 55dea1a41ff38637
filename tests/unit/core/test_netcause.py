"""Each connection failure is named by its real cause, from the exceptions the real SDK raises
against real misbehaving servers on 127.0.0.1 (livetui.testing.netfaults): a closed port, plain
HTTP, certificates of an unknown CA, another name or out of date, a silent server, and CONNECT
proxies that refuse, want a password, hang up or are no proxy at all."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest
import websockets
from google import genai

from livetui.core.events import SessionError
from livetui.core.live import ConnectFailed, LiveSession, describe_error
from livetui.core.livemodels import ListingError, list_live_models
from livetui.core.netcause import Endpoint, NetCause, classify, endpoint_of, proxy_for
from livetui.core.recovery import diagnose
from livetui.core.settings import Settings
from livetui.testing.netfaults import (
    ConnectProxy,
    PlainHTTP,
    Silent,
    TLSServer,
    closed_port,
)

KEY = "AIzaSy-not-a-real-key-0123456789"
PROXY_VARS = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "WSS_PROXY", "wss_proxy",
              "SOCKS_PROXY", "socks_proxy", "NO_PROXY", "no_proxy")  # fmt: skip


@pytest.fixture(autouse=True)
def plain_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy and no CA file unless a test sets them (tests/conftest.py bypasses proxies for 127.0.0.1)."""
    for name in (*PROXY_VARS, "SSL_CERT_FILE"):
        monkeypatch.delenv(name, raising=False)


def point_at(monkeypatch: pytest.MonkeyPatch, url: str, ca_file: Path | None = None) -> None:
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", url)
    if ca_file is not None:
        monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))


async def live_cause(url: str) -> NetCause:
    """Open a Live session as the console does, through the real SDK, and name why it failed."""
    client = genai.Client(api_key=KEY, http_options={"base_url": url})
    with pytest.raises(ConnectFailed) as caught:
        async with LiveSession(client, Settings()):
            pass
    error = caught.value.error
    assert error.cause, error
    assert KEY not in error.message and "\n" not in error.message
    return NetCause(error.cause, error.message)  # type: ignore[arg-type]


async def listing_line(url: str) -> str:
    client = genai.Client(api_key=KEY, http_options={"base_url": url})
    with pytest.raises(ListingError) as caught:
        await list_live_models(client)
    line = str(caught.value)
    assert KEY not in line and "\n" not in line
    return line


# -- the server itself ----------------------------------------------------------------------------


async def test_nothing_listening_is_said_with_the_address_and_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"https://127.0.0.1:{closed_port()}"
    point_at(monkeypatch, url)
    cause = await live_cause(url)
    assert cause.kind == "refused" and cause.transient
    assert f"nothing is listening at {url[8:]} — is livetui-sim running?" in cause.line
    assert "GOOGLE_GEMINI_BASE_URL" in cause.line
    assert "nothing is listening at" in await listing_line(url)


async def test_a_plain_http_server_where_tls_was_expected(monkeypatch: pytest.MonkeyPatch) -> None:
    with PlainHTTP() as server:
        url = f"https://{server.address}"
        point_at(monkeypatch, url)
        cause = await live_cause(url)
        assert cause.kind == "plain_http" and not cause.transient
        assert f"the server at {server.address} does not speak TLS (plain HTTP?)" in cause.line
        assert "does not speak TLS" in await listing_line(url)


async def test_a_certificate_from_another_ca_names_the_ca_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with TLSServer(tmp_path) as server, TLSServer(tmp_path) as other:
        url = f"https://{server.address}"
        point_at(monkeypatch, url, other.ca_file)  # trusts the other server's CA, not this one's
        cause = await live_cause(url)
        assert cause.kind == "unknown_ca"
        assert f"not signed by the CA in SSL_CERT_FILE={other.ca_file}" in cause.line
        assert "restarted livetui-sim" in cause.line
        monkeypatch.delenv("SSL_CERT_FILE")
        cause = await live_cause(url)
        assert cause.kind == "unknown_ca" and "a CA this machine does not trust" in cause.line
        assert "export SSL_CERT_FILE" in cause.line


async def test_a_certificate_for_another_name_or_out_of_date_is_not_called_an_unknown_ca(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with TLSServer(tmp_path, "other_name") as server:
        point_at(monkeypatch, f"https://{server.address}", server.ca_file)
        cause = await live_cause(f"https://{server.address}")
        assert cause.kind == "wrong_name" and "is for another name" in cause.line and "not valid for '127.0.0.1'" in cause.line
    with TLSServer(tmp_path, "expired") as server:
        point_at(monkeypatch, f"https://{server.address}", server.ca_file)
        cause = await live_cause(f"https://{server.address}")
        assert cause.kind == "expired" and "has expired" in cause.line and "clock" in cause.line
        assert "has expired" in await listing_line(f"https://{server.address}")


async def test_a_tls_server_that_is_not_the_live_api(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with TLSServer(tmp_path) as server:
        point_at(monkeypatch, f"https://{server.address}", server.ca_file)
        cause = await live_cause(f"https://{server.address}")
        assert cause.kind == "not_websocket" and "answered HTTP 404 instead of opening a Live session" in cause.line


async def test_a_name_that_does_not_resolve(monkeypatch: pytest.MonkeyPatch) -> None:
    point_at(monkeypatch, "https://livetui-test.invalid")
    cause = await live_cause("https://livetui-test.invalid")
    assert cause.kind == "dns" and "cannot resolve livetui-test.invalid" in cause.line
    assert "GOOGLE_GEMINI_BASE_URL" in cause.line


async def test_a_silent_server_is_a_timeout(tmp_path: Path) -> None:
    # websockets' own opening timeout (10 s in the SDK), shortened here: the same exception.
    with Silent() as server:
        with pytest.raises(Exception) as caught:
            await websockets.connect(f"wss://{server.address}/", ssl=ssl.create_default_context(), open_timeout=0.5)
        cause = classify(caught.value, Endpoint("127.0.0.1", server.port, "GOOGLE_GEMINI_BASE_URL"))
    assert cause is not None and cause.kind == "timeout" and cause.transient
    assert f"127.0.0.1:{server.port} did not answer in time" in cause.line


async def test_a_missing_ca_file_is_named_when_the_client_is_made(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "gone" / "ca.pem"))
    with pytest.raises(FileNotFoundError) as caught:  # the SDK loads it in Client()
        genai.Client(api_key=KEY)
    error = describe_error(caught.value)
    assert error.cause == "trust_file" and f"SSL_CERT_FILE={tmp_path / 'gone' / 'ca.pem'} does not exist" in error.message
    not_pem = tmp_path / "not.pem"
    not_pem.write_text("hello")
    monkeypatch.setenv("SSL_CERT_FILE", str(not_pem))
    with pytest.raises(ssl.SSLError) as caught_pem:
        genai.Client(api_key=KEY)
    assert "cannot be used as a CA file" in describe_error(caught_pem.value).message


# -- proxies ------------------------------------------------------------------------------------


def use_proxy(monkeypatch: pytest.MonkeyPatch, proxy: str, variable: str = "HTTPS_PROXY") -> None:
    monkeypatch.setenv(variable, proxy)


async def test_a_proxy_that_is_not_running_is_named_with_its_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    port = closed_port()
    with TLSServer(tmp_path) as server:
        point_at(monkeypatch, f"https://{server.address}", server.ca_file)
        use_proxy(monkeypatch, f"http://127.0.0.1:{port}")
        cause = await live_cause(f"https://{server.address}")
        assert cause.kind == "proxy_refused" and not cause.transient
        assert f"the proxy at 127.0.0.1:{port} (HTTPS_PROXY) refused the connection" in cause.line
        assert "NO_PROXY=127.0.0.1" in cause.line and "is livetui-sim running" not in cause.line
        assert f"the proxy at 127.0.0.1:{port} (HTTPS_PROXY)" in await listing_line(f"https://{server.address}")
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # bypassed: the server itself answers
        assert proxy_for(Endpoint("127.0.0.1", server.port)) is None


@pytest.mark.parametrize(
    ("mode", "kind", "words"),
    [
        ("403", "proxy_denied", "refused to connect to 127.0.0.1:"),
        ("407", "proxy_auth", "wants a user name and password (407 Proxy Authentication Required)"),
        ("close", "proxy_not_http", "closed the connection without answering"),
        ("garbage", "proxy_not_http", "did not answer as an HTTP proxy"),
    ],
)
async def test_a_proxy_that_refuses_or_is_not_a_proxy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, mode: str, kind: str, words: str) -> None:
    with TLSServer(tmp_path) as server, ConnectProxy(mode) as proxy:  # type: ignore[arg-type]
        point_at(monkeypatch, f"https://{server.address}", server.ca_file)
        use_proxy(monkeypatch, f"http://user:s3cret@{proxy.address}", "https_proxy")
        cause = await live_cause(f"https://{server.address}")
        assert proxy.requests and proxy.requests[0].startswith(f"CONNECT 127.0.0.1:{server.port}")
    assert cause.kind == kind and words in cause.line
    assert f"the proxy at {proxy.address} (https_proxy)" in cause.line
    assert "s3cret" not in cause.line and "user:" not in cause.line.split("·")[0]


async def test_a_proxy_that_cannot_reach_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"https://127.0.0.1:{closed_port()}"
    with ConnectProxy("forward") as proxy:
        point_at(monkeypatch, url)
        use_proxy(monkeypatch, f"http://{proxy.address}")
        cause = await live_cause(url)
    assert cause.kind == "proxy_upstream" and cause.transient
    assert f"the proxy at {proxy.address} (HTTPS_PROXY) could not reach {url[8:]} (502 Bad Gateway)" in cause.line


async def test_all_proxy_is_for_rest_only(monkeypatch: pytest.MonkeyPatch) -> None:
    # websockets takes WSS_PROXY, SOCKS_PROXY or HTTPS_PROXY, never ALL_PROXY; httpx takes ALL_PROXY.
    url = f"https://127.0.0.1:{closed_port()}"
    point_at(monkeypatch, url)
    use_proxy(monkeypatch, f"http://127.0.0.1:{closed_port()}", "ALL_PROXY")
    assert (await live_cause(url)).kind == "refused"
    assert "(ALL_PROXY) refused the connection" in await listing_line(url)


def test_the_endpoint_is_the_clients_and_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOOGLE_GEMINI_BASE_URL", raising=False)
    default = endpoint_of(genai.Client(api_key=KEY))
    assert (default.host, default.port, default.variable) == ("generativelanguage.googleapis.com", 443, "")
    embedded = endpoint_of(genai.Client(api_key=KEY, http_options={"base_url": "https://127.0.0.1:4321"}))
    assert (embedded.address, embedded.variable) == ("127.0.0.1:4321", "")
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", "https://localhost:9999")
    assert endpoint_of(genai.Client(api_key=KEY)) == Endpoint("localhost", 9999, "GOOGLE_GEMINI_BASE_URL")


def test_what_is_not_a_network_failure_is_left_alone() -> None:
    assert classify(ValueError("bad value")) is None
    assert classify(KeyError("x")) is None


# -- what recovery does with each -----------------------------------------------------------------


def test_transient_causes_are_retried_and_the_rest_said_once() -> None:
    assert diagnose(SessionError("nothing is listening", cause="refused")).action == "retry"
    assert diagnose(SessionError("did not answer", cause="timeout")).action == "retry"
    for kind in ("plain_http", "wrong_name", "expired", "proxy_refused", "proxy_auth", "proxy_denied", "trust_file"):
        diagnosis = diagnose(SessionError("x", cause=kind))
        assert (diagnosis.action, diagnosis.heading, diagnosis.reload_trust) == ("fatal", "not connected", False), kind


def test_an_untrusted_certificate_after_a_good_connection_reloads_the_ca_once() -> None:
    changed = SessionError("the certificate of 127.0.0.1:1 is not signed by the CA in SSL_CERT_FILE=x", cause="unknown_ca")
    first = diagnose(changed, fresh_trust=False)  # the client read SSL_CERT_FILE before the server changed
    assert first.action == "retry" and first.reload_trust
    again = diagnose(changed, fresh_trust=True)  # read again, still untrusted: say it, with the fix
    assert again.action == "fatal" and not again.reload_trust and "SSL_CERT_FILE" in again.message

