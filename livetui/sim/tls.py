"""A throwaway certificate authority, so the real SDK can reach us over TLS."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path

import trustme


@dataclass
class SimTLS:
    ca: trustme.CA
    server_context: ssl.SSLContext

    @classmethod
    def create(cls, host: str) -> SimTLS:
        ca = trustme.CA(organization_name="livetui-sim")
        names = ["localhost", "127.0.0.1", "::1"]
        if host not in names and host not in ("0.0.0.0", "::", ""):
            names.append(host)
        cert = ca.issue_cert(*names)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        cert.configure_cert(ctx)
        return cls(ca=ca, server_context=ctx)

    def write_ca(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.ca.cert_pem.write_to_path(str(path))

    def client_context(self) -> ssl.SSLContext:
        """A client context that trusts this CA (and nothing else)."""
        ctx = ssl.create_default_context(cafile=None)
        self.ca.configure_trust(ctx)
        return ctx
