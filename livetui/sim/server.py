"""The simulator: a TLS WebSocket server that speaks the Gemini Live protocol.

    async with Simulator(SimOptions(speed=math.inf)) as sim:
        client = genai.Client(api_key="k", http_options={"base_url": sim.base_url,
                              "async_client_args": {"ssl": sim.client_ssl_context()}})
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
import ssl
import tempfile
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from . import rest
from .context import Context
from .framelog import FrameLog
from .options import SimOptions
from .script import Script
from .session import LiveSession
from .tls import SimTLS

log = logging.getLogger("livetui.sim")

# Any prefix, a double slash, every API version the SDKs use (see the protocol notes).
LIVE_PATH = re.compile(
    r"^/*(?:.*/)?ws/google\.ai\.generativelanguage\.(v1|v1beta|v1alpha)\."
    r"GenerativeService\.(BidiGenerateContent|BidiGenerateContentConstrained)$"
)


def path_of(target: str) -> str:
    """The path of a request target, without its query. Not urlsplit: it reads the
    JavaScript SDK's `//ws/...` as a host named "ws" and a path without "/ws"."""
    return target.split("?", 1)[0].split("#", 1)[0]


def api_key_of(request: Request) -> str | None:
    """The key as SDKs send it: header, then the old `?key=` query, then a token."""
    key = request.headers.get("x-goog-api-key")
    if not key:
        key = (parse_qs(urlsplit(request.path).query).get("key") or [None])[0]
    if not key:
        auth = request.headers.get("authorization", "")
        if auth.startswith("Token "):
            key = auth[len("Token ") :]
    return key.strip() if key else None


class Simulator:
    """Serves until the `async with` block ends. Per-test options, real TLS."""

    def __init__(self, options: SimOptions | None = None, *, keep_frames: bool = False) -> None:
        self.options = options or SimOptions()
        self.frames = FrameLog(self.options.log_file, keep_in_memory=keep_frames)
        self.script = Script.load(self.options.script) if self.options.script else None
        self.resumable: dict[str, Context] = {}  # resumption handle -> saved conversation
        self.sessions_started = 0
        self.live: set[LiveSession] = set()  # the connections open right now
        self._ids = itertools.count(1)
        self._tls = SimTLS.create(self.options.host)
        self._server: Server | None = None
        self._tmpdir: tempfile.TemporaryDirectory[str] | None = None
        self.host = self.options.host
        self.port = 0
        self.ca_path: Path = Path()

    # -- lifecycle -------------------------------------------------------------

    async def start(self) -> Simulator:
        self._server = await serve(
            self._connection,
            self.options.host,
            self.options.port,
            ssl=self._tls.server_context,
            process_request=self._check_request,
            max_size=16 * 2**20,  # clients may send large images; we only limit what we send
        )
        self.port = self._server.sockets[0].getsockname()[1]
        if self.options.ca_file is not None:
            self.ca_path = Path(self.options.ca_file).resolve()
        else:
            self._tmpdir = tempfile.TemporaryDirectory(prefix="livetui-sim-")
            self.ca_path = Path(self._tmpdir.name) / "ca.pem"
        self._tls.write_ca(self.ca_path)
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        self.frames.close()
        if self._tmpdir is not None:
            self._tmpdir.cleanup()
            self._tmpdir = None

    async def __aenter__(self) -> Simulator:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def serve_forever(self, stop: asyncio.Event) -> None:
        await stop.wait()

    # -- what clients need -----------------------------------------------------

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"https://{host}:{self.port}"

    def client_ssl_context(self) -> ssl.SSLContext:
        return self._tls.client_context()

    def env(self, api_key: str = "livetui-sim") -> dict[str, str]:
        """The three variables that point the unmodified SDK here."""
        return {
            "GOOGLE_GEMINI_BASE_URL": self.base_url,
            "SSL_CERT_FILE": str(self.ca_path),
            "GEMINI_API_KEY": api_key,
        }

    def drop_connections(self) -> int:
        """Fault injection for tests: cut every open connection as a network would
        (no close frame). Returns how many were cut."""
        for session in list(self.live):
            session.drop()
        return len(self.live)

    def count_session(self) -> int:
        self.sessions_started += 1
        return self.sessions_started

    # -- connections -----------------------------------------------------------

    def _check_request(self, connection: ServerConnection, request: Request) -> Response | None:
        if rest.wants_rest(request.path):  # models.list / models.get: plain HTTP, answered here
            retired = getattr(self.options, "retired_models", False)
            return rest.answer(request, api_key_of(request), retired=retired, reject_keys=self.options.reject_keys)
        if not LIVE_PATH.match(path_of(request.path)):
            body = b"Not Found: this is a Gemini Live simulator; connect to /ws/...BidiGenerateContent\n"
            headers = Headers([("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
            return Response(HTTPStatus.NOT_FOUND, "Not Found", headers, body)
        return None

    async def _connection(self, ws: ServerConnection) -> None:
        conn_id = next(self._ids)
        key = api_key_of(ws.request) if ws.request else None
        if ws.request:  # which endpoint (API version, Constrained for tokens); never the query: old SDKs put keys there
            self.frames.write(conn_id, "in", {"connect": {"path": path_of(ws.request.path)}})
        session = LiveSession(self, ws, conn_id, key)
        self.live.add(session)
        try:
            await session.run()
        except Exception:  # one broken connection must never take the server down
            log.exception("connection %s failed", conn_id)
            await ws.close(1011, "Internal error encountered.")
        finally:
            self.live.discard(session)
