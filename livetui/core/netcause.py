"""Why a connection failed, named from the real exception, in one line with the fix.

Used by the Live session (`core.live`) and the model listing (`core.livemodels`), so each
failure is worded in one place. A wrong cause is worse than none: each kind is told apart
from the exception objects the SDK's transports really raise (websockets for the Live
socket, httpx for REST, both wrapping ssl and socket errors), never from a guess.

Proxies: websockets (`connect(proxy=True)`) takes WSS_PROXY, SOCKS_PROXY or HTTPS_PROXY
(not ALL_PROXY) through urllib's `getproxies`, honouring NO_PROXY; httpx takes HTTPS_PROXY,
then ALL_PROXY. A failure while a proxy is in use names the proxy and its variable.
"""

from __future__ import annotations

import errno
import os
import socket
import ssl
import urllib.request
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from .sanitize import safe_text

Transport = Literal["live", "rest"]
# The Live socket's proxy schemes, in websockets' order; httpx's for an https:// URL.
_PROXY_SCHEMES: dict[Transport, tuple[str, ...]] = {"live": ("wss", "socks", "https"), "rest": ("https", "all")}
DEFAULT_HOST = "generativelanguage.googleapis.com"

# OpenSSL's verify codes (X509_V_ERR_*) that mean "signed by a CA this client does not trust".
_UNKNOWN_CA = {2, 18, 19, 20, 21}
_WRONG_NAME = {62, 64}  # hostname mismatch, IP address mismatch
# What OpenSSL says when the other side's first bytes are not a TLS record (plain HTTP, plain WebSocket).
_NOT_TLS = ("WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "PACKET_LENGTH_TOO_LONG", "HTTP_REQUEST", "UNKNOWN_PROTOCOL")

Kind = Literal[
    "dns", "refused", "timeout", "reset", "unreachable",
    "plain_http", "tls_eof", "unknown_ca", "wrong_name", "expired", "not_yet_valid", "tls",
    "proxy_refused", "proxy_dns", "proxy_unreachable", "proxy_denied", "proxy_auth", "proxy_not_http",
    "proxy_upstream", "proxy_config", "not_websocket", "unavailable", "trust_file",
]  # fmt: skip
TRANSIENT: frozenset[str] = frozenset({"dns", "refused", "timeout", "reset", "unreachable", "proxy_upstream", "unavailable"})
TLS_TRUST: frozenset[str] = frozenset({"unknown_ca"})  # what a fresh look at SSL_CERT_FILE may fix


@dataclass(frozen=True)
class Endpoint:
    """Where the console connects, and the variable that chose it ("" for the default)."""

    host: str
    port: int = 443
    variable: str = ""

    @property
    def address(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    @property
    def fix(self) -> str:
        return f"check {self.variable}" if self.variable else "check the network"

    @classmethod
    def from_url(cls, url: str, variable: str = "") -> Endpoint:
        parts = urlsplit(url if "://" in url else f"https://{url}")
        try:
            port = parts.port or (80 if parts.scheme in ("http", "ws") else 443)
        except ValueError:
            port = 443
        return cls(parts.hostname or DEFAULT_HOST, port, variable)


def endpoint_of(client: Any, environ: os._Environ[str] | dict[str, str] | None = None) -> Endpoint:
    """The endpoint a google-genai Client talks to: its resolved base URL (the SDK keeps it in
    `_api_client._http_options`; read defensively), named by the variable that set it."""
    env = os.environ if environ is None else environ
    url = getattr(getattr(getattr(client, "_api_client", None), "_http_options", None), "base_url", None)
    for variable in ("GOOGLE_GEMINI_BASE_URL", "GOOGLE_VERTEX_BASE_URL"):
        value = env.get(variable, "").strip()
        if value and (url is None or url.rstrip("/") == value.rstrip("/")):
            return Endpoint.from_url(value, variable)
    return Endpoint.from_url(url or f"https://{DEFAULT_HOST}")


@dataclass(frozen=True)
class ProxyUse:
    variable: str  # e.g. HTTPS_PROXY, as spelt in the environment
    host: str
    port: int

    @property
    def named(self) -> str:
        """"the proxy at host:port (HTTPS_PROXY)": never its user name or password."""
        return f"the proxy at {self.host}:{self.port} ({self.variable})"


def proxy_for(endpoint: Endpoint, transport: Transport = "live") -> ProxyUse | None:
    """The proxy the SDK's transport used for `endpoint`, as websockets and httpx pick it."""
    if urllib.request.proxy_bypass(f"{endpoint.host}:{endpoint.port}"):
        return None
    proxies = urllib.request.getproxies()
    for scheme in _PROXY_SCHEMES[transport]:
        url = proxies.get(scheme)
        if url:
            variable = _variable_holding(scheme, url)
            parts = urlsplit(url if "://" in url else f"http://{url}")
            try:
                port = parts.port or (1080 if parts.scheme.startswith("socks") else 80)
            except ValueError:
                port = 0
            return ProxyUse(variable, parts.hostname or url, port)
    return None


def _variable_holding(scheme: str, value: str) -> str:
    for name in (f"{scheme}_proxy", f"{scheme.upper()}_PROXY"):  # urllib prefers the lower-case one
        if os.environ.get(name) == value:
            return name
    return f"{scheme.upper()}_PROXY"


@dataclass(frozen=True)
class NetCause:
    kind: Kind
    line: str  # one line: what failed, then " · " and the fix

    @property
    def transient(self) -> bool:
        return self.kind in TRANSIENT


def _chain(exc: BaseException) -> list[BaseException]:
    """`exc` and what it wraps (httpx wraps httpcore wraps ssl/socket errors)."""
    seen: list[BaseException] = []
    while exc is not None and exc not in seen and len(seen) < 12:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return seen


def _find(chain: list[BaseException], kind: type[BaseException] | tuple[type[BaseException], ...]) -> Any:
    return next((e for e in chain if isinstance(e, kind)), None)


def _named(chain: list[BaseException], *names: str) -> Any:
    return next((e for e in chain if type(e).__name__ in names), None)


def _errno_of(chain: list[BaseException]) -> int | None:
    """The first OS error number, including asyncio's "Multiple exceptions: [Errno 111] ..."."""
    for e in chain:
        if isinstance(e, OSError) and not isinstance(e, ssl.SSLError) and isinstance(e.errno, int) and e.errno > 0:
            return e.errno
        text = str(e)
        for number in (errno.ECONNREFUSED, errno.ENETUNREACH, errno.EHOSTUNREACH):
            if f"[Errno {number}]" in text:
                return number
    return None


def _said(exc: BaseException) -> str:
    return safe_text(" ".join(str(exc).split()))[:160] or type(exc).__name__


def trust_file_problem(environ: os._Environ[str] | dict[str, str] | None = None) -> str | None:
    """Why SSL_CERT_FILE (which the SDK loads when a client is made) cannot be used, or None."""
    env = os.environ if environ is None else environ
    if "SSL_CERT_FILE" not in env:
        return None
    path = env["SSL_CERT_FILE"]
    where = f"SSL_CERT_FILE={path}" if path else "SSL_CERT_FILE is set but empty"
    try:
        ssl.create_default_context(cafile=path)
    except FileNotFoundError:
        return (f"{where} does not exist (livetui-sim removes its CA when it stops) · export SSL_CERT_FILE from the "
                "simulator's latest output and start livetui again, or unset it for Google's service")
    except (OSError, ssl.SSLError, ValueError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else _said(exc)
        return f"{where} cannot be used as a CA file ({why}) · point it at a PEM certificate, or unset it"
    return None


def classify(exc: BaseException, endpoint: Endpoint | None = None, transport: Transport = "live") -> NetCause | None:
    """The cause of a failed connection to `endpoint`, or None when `exc` is no network failure."""
    chain = _chain(exc)
    target = endpoint or endpoint_of(None)  # without a client: the address the environment chooses
    proxy = proxy_for(target, transport)
    return (_setup_cause(chain) or _proxy_cause(chain, target, proxy) or _tls_cause(chain, target) or _socket_cause(chain, target, proxy)
            or _http_cause(chain, target))  # fmt: skip


def _proxy_cause(chain: list[BaseException], target: Endpoint, proxy: ProxyUse | None) -> NetCause | None:
    status_exc = _named(chain, "InvalidProxyStatus")  # websockets: the proxy answered CONNECT with an error
    status: int | None = getattr(getattr(status_exc, "response", None), "status_code", None)
    reason = getattr(getattr(status_exc, "response", None), "reason_phrase", "") or ""
    if status is None and (px := _named(chain, "ProxyError")) is not None and str(px)[:3].isdigit():
        status, reason = int(str(px)[:3]), str(px)[4:]  # httpx: "403 Forbidden"
    who = proxy.named if proxy else "the proxy"
    var = proxy.variable if proxy else "HTTPS_PROXY"
    if status is not None:
        answer = safe_text(f"{status} {reason}".strip())
        if status == 407:
            return NetCause("proxy_auth", f"{who} wants a user name and password ({answer}) · put them in {var} as http://user:password@host:port")
        if status == 403:
            return NetCause("proxy_denied", f"{who} refused to connect to {target.address} ({answer}) · ask for access, or bypass it with NO_PROXY={target.host}")
        if status in (502, 503, 504):
            return NetCause("proxy_upstream", f"{who} could not reach {target.address} ({answer}) · is the service running there? {target.fix}")
        return NetCause("proxy_not_http", f"{who} answered {answer} to CONNECT: it is not an HTTP proxy · check {var}")
    if (bad := _named(chain, "InvalidProxyMessage")) is not None:
        if _find(chain, EOFError) is not None:
            return NetCause("proxy_not_http", f"{who} closed the connection without answering · is it an HTTP proxy? check {var}")
        return NetCause("proxy_not_http", f"{who} did not answer as an HTTP proxy ({_said(bad.__cause__ or bad)}) · check {var}")
    if proxy is not None and _named(chain, "RemoteProtocolError") is not None:  # httpx: nothing came back through it
        return NetCause("proxy_not_http", f"the connection through {who} closed without an answer · is it an HTTP proxy? check {var}")
    bad_url = _named(chain, "InvalidProxy")
    if bad_url is None:
        bad_url = next((e for e in chain if isinstance(e, ValueError) and "proxy url" in str(e).lower()), None)
    if bad_url is None:
        bad_url = next((e for e in chain if isinstance(e, ImportError) and "socks" in str(e).lower()), None)
    if bad_url is not None:
        named = _proxy_variables() or "HTTPS_PROXY"
        return NetCause("proxy_config", f"the proxy setting cannot be used ({_said(bad_url)}) · check {named}")
    return None


def _proxy_variables() -> str:
    names = [n for n in os.environ if n.lower() in ("https_proxy", "wss_proxy", "socks_proxy", "all_proxy", "http_proxy")]
    return " / ".join(sorted(names))


def _tls_cause(chain: list[BaseException], target: Endpoint) -> NetCause | None:
    verify = _find(chain, ssl.SSLCertVerificationError)
    if verify is not None:
        code = getattr(verify, "verify_code", None)
        said = safe_text(getattr(verify, "verify_message", "") or _said(verify))
        if code in _WRONG_NAME:
            return NetCause("wrong_name", f"the certificate of {target.address} is for another name ({said}) · use the name it was issued for in {target.variable or 'the address'}")
        if code == 10:
            return NetCause("expired", f"the certificate of {target.address} has expired · check this machine's clock, or renew the server's certificate")
        if code == 9:
            return NetCause("not_yet_valid", f"the certificate of {target.address} is not valid yet · check this machine's clock")
        if code in _UNKNOWN_CA or code is None:
            trusted = os.environ.get("SSL_CERT_FILE")
            if trusted:
                return NetCause("unknown_ca", f"the certificate of {target.address} is not signed by the CA in SSL_CERT_FILE={trusted} ({said}) · "
                                "a restarted livetui-sim has a new CA: start livetui again with SSL_CERT_FILE from its latest output "
                                "(with livetui-sim --ca-file PATH, reconnecting picks the new CA up)")  # fmt: skip
            return NetCause("unknown_ca", f"the certificate of {target.address} is from a CA this machine does not trust ({said}) · "
                            "if it is livetui-sim, export SSL_CERT_FILE from its output")  # fmt: skip
        return NetCause("tls", f"the certificate of {target.address} was refused ({said}) · {target.fix}")
    tls = _find(chain, ssl.SSLError)
    if tls is not None:
        reason = getattr(tls, "reason", None) or ""
        if reason in _NOT_TLS or any(r.lower().replace("_", " ") in str(tls).lower() for r in _NOT_TLS):
            return NetCause("plain_http", f"the server at {target.address} does not speak TLS (plain HTTP?) · use an https:// address of a TLS server in {target.variable or 'the base URL'}")
        if isinstance(tls, ssl.SSLEOFError) or "EOF" in reason:
            return NetCause("tls_eof", f"the server at {target.address} hung up during the TLS handshake: does it speak TLS? · {target.fix}")
        return NetCause("tls", f"TLS with {target.address} failed ({_said(tls)}) · {target.fix}")
    return None


def _socket_cause(chain: list[BaseException], target: Endpoint, proxy: ProxyUse | None) -> NetCause | None:
    via = f" through {proxy.named}" if proxy else ""
    if (dns := _find(chain, socket.gaierror)) is not None:
        said = safe_text(dns.strerror or _said(dns))
        if proxy is not None:  # the client resolves only the proxy's name; the proxy resolves the target's
            return NetCause("proxy_dns", f"cannot find {proxy.named}: its name does not resolve ({said}) · check {proxy.variable}")
        return NetCause("dns", f"cannot resolve {target.host} ({said}) · check the name in {target.variable}, the network or DNS"
                        if target.variable else f"cannot resolve {target.host} ({said}) · check the network or DNS")  # fmt: skip
    if _find(chain, TimeoutError) is not None or _named(chain, "ConnectTimeout", "ReadTimeout", "PoolTimeout") is not None:
        return NetCause("timeout", f"{target.address} did not answer in time{via} · the server or the network is slow or down; {target.fix}")
    number = _errno_of(chain)
    if number == errno.ECONNREFUSED:
        if proxy is not None:
            return NetCause("proxy_refused", f"{proxy.named} refused the connection: nothing listens there · start the proxy, fix {proxy.variable}, "
                            f"or bypass it with NO_PROXY={target.host}")  # fmt: skip
        if target.variable:
            return NetCause("refused", f"nothing is listening at {target.address} — is livetui-sim running? · {target.fix}")
        return NetCause("refused", f"nothing is listening at {target.address} · check the network or firewall")
    if number in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        where = proxy.named if proxy else target.address
        return NetCause("proxy_unreachable" if proxy else "unreachable", f"no route to {where} (the network is down or blocked) · check the network")
    if number in (errno.ECONNRESET, errno.EPIPE, errno.ECONNABORTED) or _find(chain, (ConnectionResetError, BrokenPipeError)) is not None:
        return NetCause("reset", f"the connection to {target.address}{via} was reset · {target.fix}")
    return None


def _http_cause(chain: list[BaseException], target: Endpoint) -> NetCause | None:
    rejected = _named(chain, "InvalidStatus")  # a TLS server answered, but not with a WebSocket
    if rejected is not None:
        status = getattr(getattr(rejected, "response", None), "status_code", 0) or 0
        if status in (401, 403):
            return NetCause("not_websocket", f"the server at {target.address} refused the connection (HTTP {status}) · check the API key")
        kind: Kind = "unavailable" if status in (502, 503, 504) else "not_websocket"
        return NetCause(kind, f"the server at {target.address} answered HTTP {status} instead of opening a Live session · {target.fix}")
    if (bad := _named(chain, "InvalidMessage")) is not None:
        return NetCause("not_websocket", f"the server at {target.address} did not answer as a Live API server ({_said(bad)}) · {target.fix}")
    return None


def _setup_cause(chain: list[BaseException]) -> NetCause | None:
    """Failures while the client is made: the CA file it loads (no connection raises these)."""
    files = _find(chain, (FileNotFoundError, IsADirectoryError, PermissionError))
    pem = next((e for e in chain if isinstance(e, ssl.SSLError) and getattr(e, "library", None) in ("X509", "PEM")), None)
    if files is None and pem is None:
        return None
    problem = trust_file_problem()
    return NetCause("trust_file", problem) if problem else None
