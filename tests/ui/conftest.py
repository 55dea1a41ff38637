"""The whole app against an in-process simulator, driven by keys."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pytest
from google import genai
from google.genai import types

from livetui.sim import SimOptions, Simulator


@dataclass
class SimBackend:
    """What livetui's start-up hands the app, pointed at a test's simulator."""

    sim: Simulator
    label: str = "offline simulator"
    is_simulator: bool = True
    started: int = 0
    stopped: int = 0
    clients: list[Any] = field(default_factory=list)

    async def start(self) -> None:
        self.started += 1

    def client(self) -> genai.Client:
        client = genai.Client(
            api_key="test-key",
            # As livetui's SimulatorBackend: TLS for the Live socket ("ssl") and for REST calls such as models.list ("verify").
            http_options=types.HttpOptions(base_url=self.sim.base_url, client_args={"verify": self.sim.client_ssl_context()},
                                           async_client_args={"ssl": self.sim.client_ssl_context()}),
        )
        self.clients.append(client)
        return client

    async def stop(self) -> None:
        self.stopped += 1


@pytest.fixture
async def backend():
    async with Simulator(SimOptions(speed=math.inf), keep_frames=True) as sim:
        yield SimBackend(sim)


def frames(backend: SimBackend, direction: str, key: str) -> list[dict]:
    return [r for r in backend.sim.frames.records if r["dir"] == direction and key in r["msg"]]


# Models outside today's lineup, added to both catalogues (the simulator's and the
# console's) for one test: the simulator then serves them by its ordinary rules.


@pytest.fixture
def text_model(monkeypatch: pytest.MonkeyPatch) -> str:
    """A conversational model that accepts TEXT answers (none of today's does), known as such to the console."""
    from livetui.core import models as console
    from livetui.sim import models as service

    name = "gemini-test-text-live"
    served = service.Model(name, "Test Text Live", "Answers in TEXT or AUDIO.", modalities=frozenset({"TEXT", "AUDIO"}))
    monkeypatch.setattr(service, "CATALOGUE", (*service.CATALOGUE, served))
    monkeypatch.setattr(console, "KNOWN", (*console.KNOWN, console.ModelInfo(name, text_answers=True)))
    return name


@pytest.fixture
def unknown_speaking_model(monkeypatch: pytest.MonkeyPatch) -> str:
    """A model the service serves, AUDIO answers only, that the console does not know (a newer one)."""
    from livetui.core import models as console
    from livetui.sim import models as service

    name = "gemini-test-native-audio-live"
    monkeypatch.setattr(service, "CATALOGUE", (*service.CATALOGUE, service.Model(name, "Test Native Audio", "Speaks only.")))
    assert console.info(name) is None
    return name
