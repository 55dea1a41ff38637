"""Small misbehaving servers on 127.0.0.1, for tests of how the console names a failed connection.

Each is a context manager running in a daemon thread: a closed port, a plain HTTP server
where TLS is expected, a TLS server whose certificate the client will not trust (unknown CA,
another name, expired), a server that accepts and never answers, and an HTTP CONNECT proxy
that forwards, refuses (403, 407), hangs up, or is not a proxy at all. Every one stops when
its `with` block ends; nothing listens beyond 127.0.0.1.
"""

from __future__ import annotations

import datetime
import select
import socket
import ssl
import threading
from pathlib import Path
from typing import Literal, Self

import trustme

HOST = "127.0.0.1"


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound for a moment, then released)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class _Server:
    """Accepts connections in a thread and hands each to `handle` in a thread of its own."""

    def __init__(self, port: int = 0) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((HOST, port))
        self.sock.listen(16)
        self.port: int = self.sock.getsockname()[1]
        self.accepted = 0
        self._stop = threading.Event()
        self._open: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def address(self) -> str:
        return f"{HOST}:{self.port}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.sock.close()
        for conn in list(self._open):
            _close(conn)
        self._thread.join(timeout=5)

    def _serve(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.sock], [], [], 0.1)
            if not ready:
                continue
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            self._open.append(conn)
            threading.Thread(target=self._run, args=(conn,), daemon=True).start()

    def _run(self, conn: socket.socket) -> None:
        conn.settimeout(10)  # a stuck client never keeps a thread past the test
        try:
            self.handle(conn)
        except OSError:
            pass
        finally:
            _close(conn)

    def handle(self, conn: socket.socket) -> None:
        raise NotImplementedError


def _close(conn: socket.socket) -> None:
    try:
        conn.close()
    except OSError:
        pass


def _read_head(conn: socket.socket | ssl.SSLSocket) -> bytes:
    """Bytes up to the end of an HTTP head (or whatever came before the peer stopped)."""
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


class PlainHTTP(_Server):
    """A plain HTTP server (no TLS): whatever comes, it answers 400 as http.server does."""

    def handle(self, conn: socket.socket) -> None:
        conn.recv(4096)
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


class Silent(_Server):
    """Accepts connections and never says a word: a server too slow to answer."""

    def handle(self, conn: socket.socket) -> None:
        self._stop.wait(10)


CertKind = Literal["unknown_ca", "other_name", "expired"]


class TLSServer(_Server):
    """TLS with a certificate of a CA of its own (`ca_file` trusts it); then 404 to any request.

    kind: "unknown_ca" — a good certificate for 127.0.0.1 from a CA the client does not know
    (unless it loads `ca_file`); "other_name" — for another host name; "expired" — out of date.
    """

    def __init__(self, directory: Path, kind: CertKind = "unknown_ca", port: int = 0) -> None:
        super().__init__(port)
        self.ca = trustme.CA(organization_name="netfaults")
        now = datetime.datetime.now(datetime.UTC)
        if kind == "other_name":
            cert = self.ca.issue_cert("elsewhere.example")
        elif kind == "expired":
            cert = self.ca.issue_cert(HOST, "localhost", not_before=now - datetime.timedelta(days=30), not_after=now - datetime.timedelta(days=1))
        else:
            cert = self.ca.issue_cert(HOST, "localhost")
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        cert.configure_cert(self.context)
        self.ca_file = directory / f"netfaults-ca-{self.port}.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_file))

    def handle(self, conn: socket.socket) -> None:
        with self.context.wrap_socket(conn, server_side=True) as tls:
            _read_head(tls)
            tls.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


ProxyMode = Literal["forward", "403", "407", "close", "garbage"]

_PROXY_ANSWERS = {
    "403": b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n",
    "407": b'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="proxy"\r\nContent-Length: 0\r\n\r\n',
    "garbage": b"SSH-2.0-OpenSSH_9.2\r\n",  # some other service on the proxy's port
}


class ConnectProxy(_Server):
    """An HTTP CONNECT proxy: "forward" tunnels to the asked host:port; "403" and "407" refuse;
    "close" hangs up without a word; "garbage" answers as something that is not HTTP."""

    def __init__(self, mode: ProxyMode = "forward", port: int = 0) -> None:
        super().__init__(port)
        self.mode = mode
        self.requests: list[str] = []  # the CONNECT lines it was asked

    def handle(self, conn: socket.socket) -> None:
        head = _read_head(conn)
        self.requests.append(head.split(b"\r\n", 1)[0].decode(errors="replace"))
        if self.mode == "close":
            return
        if self.mode in _PROXY_ANSWERS:
            conn.sendall(_PROXY_ANSWERS[self.mode])
            return
        method, target, *_ = head.split(b" ", 2) + [b"", b""]
        if method != b"CONNECT":
            conn.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return
        host, _, port = target.decode().rpartition(":")
        try:
            upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=5)
        except OSError:
            conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            return
        with upstream:
            conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            _pipe(conn, upstream, self._stop)


def _pipe(a: socket.socket, b: socket.socket, stop: threading.Event) -> None:
    """Bytes both ways until either side closes (or the server stops)."""
    a.settimeout(None)
    b.settimeout(None)
    peers = {a: b, b: a}
    while not stop.is_set():
        ready, _, _ = select.select(list(peers), [], [], 0.2)
        for sock in ready:
            data = sock.recv(65536)
            if not data:
                return
            peers[sock].sendall(data)
