"""Choosing what to connect to, and the simulator as a child process the app owns."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from livetui.cli.backend import SimulatorBackend, choose_backend, has_credentials
from livetui.core.settings import Settings
from livetui.testing.simproc import clean_env

KEY = "AIzaSy-test-key-that-must-never-show-0123"


@pytest.mark.parametrize(
    ("environ", "settings", "label"),
    [
        ({}, Settings(), "offline simulator"),
        ({"GEMINI_API_KEY": "   "}, Settings(), "offline simulator"),
        ({"GEMINI_API_KEY": KEY}, Settings(), "Gemini API"),
        ({"GOOGLE_API_KEY": KEY}, Settings(), "Gemini API"),
        ({"GEMINI_API_KEY": KEY}, Settings(sim=True), "offline simulator"),
        ({"GEMINI_API_KEY": KEY, "GOOGLE_GENAI_USE_VERTEXAI": "false"}, Settings(), "Gemini API"),
        ({"GEMINI_API_KEY": KEY, "GOOGLE_GEMINI_BASE_URL": "https://127.0.0.1:4443"}, Settings(), "custom endpoint"),
        (
            {"GOOGLE_GENAI_USE_VERTEXAI": "true", "GOOGLE_CLOUD_PROJECT": "p", "GOOGLE_CLOUD_LOCATION": "us-central1"},
            Settings(),
            "Vertex AI",
        ),
        ({"GOOGLE_GENAI_USE_VERTEXAI": "1", "GOOGLE_CLOUD_PROJECT": "p", "GOOGLE_CLOUD_LOCATION": "l"}, Settings(), "Vertex AI"),
        ({"GOOGLE_GENAI_USE_VERTEXAI": "true", "GOOGLE_CLOUD_PROJECT": "p"}, Settings(), "offline simulator"),  # no location
        ({"GOOGLE_GENAI_USE_VERTEXAI": "true", "GOOGLE_API_KEY": KEY}, Settings(), "Vertex AI"),  # express mode
        ({"GOOGLE_GENAI_USE_VERTEXAI": "true", "GOOGLE_CLOUD_PROJECT": "p", "GOOGLE_CLOUD_LOCATION": "l"}, Settings(sim=True), "offline simulator"),
    ],
)
def test_choose_backend(environ: dict[str, str], settings: Settings, label: str, tmp_path: Path) -> None:
    backend = choose_backend(settings, environ, log_path=tmp_path / "sim.log")
    assert backend.label == label
    assert backend.is_simulator == (label == "offline simulator")
    assert isinstance(backend, SimulatorBackend) == backend.is_simulator
    if not settings.sim:
        assert has_credentials(environ) == (label != "offline simulator")


def test_no_api_key_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", KEY)
    backend = choose_backend(Settings(), os.environ)
    client = backend.client()  # the SDK finds the key itself; the backend never holds it
    assert client is not None
    assert KEY not in repr(backend) and KEY not in str(vars(backend))


def test_the_simulator_needs_starting_before_a_client(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="not started"):
        SimulatorBackend(log_path=tmp_path / "sim.log").client()


async def test_the_simulator_answers_through_the_real_sdk_and_leaves_nothing_behind(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "state" / "sim.log"
    backend = SimulatorBackend(log_path=log)
    trust_before = os.environ.get("SSL_CERT_FILE")
    await backend.start()
    pid = backend.pid
    assert pid is not None
    try:
        assert os.environ.get("SSL_CERT_FILE") == trust_before  # trust is per client, not process-wide
        client = backend.client()
        text = ""
        config = {"response_modalities": ["AUDIO"], "output_audio_transcription": {}}  # as today's models answer
        async with client.aio.live.connect(model="gemini-3.8-live", config=config) as session:
            await session.send_client_content(
                turns={"role": "user", "parts": [{"text": "What is the capital of France?"}]}, turn_complete=True
            )
            async for message in session.receive():  # ends at turn_complete
                if message.server_content and message.server_content.output_transcription:
                    text += message.server_content.output_transcription.text or ""
        assert "Paris" in text
        assert "livetui-sim" not in repr(backend)  # the simulator's key stays out of reprs too
    finally:
        await backend.stop()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # stopped and reaped
    assert backend.pid is None
    await backend.stop()  # a second stop is harmless
    err = capfd.readouterr().err
    assert "livetui-sim" not in err and "serving" not in err  # its stderr never reached ours
    assert "livetui-sim: serving the Gemini Live API" in log.read_text()  # it went to the log


async def test_a_simulator_that_dies_at_start_says_why(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    backend = SimulatorBackend(log_path=tmp_path / "sim.log", sim_args=("--script", str(tmp_path / "absent.toml")))
    with pytest.raises(RuntimeError) as info:
        await backend.start()
    assert "exited with status 2" in str(info.value)
    assert "no such file" in str(info.value)  # the last line of its stderr
    assert backend.pid is None
    assert "no such file" not in capfd.readouterr().err


_PARENT = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from livetui.cli.backend import SimulatorBackend

    async def main():
        backend = SimulatorBackend(log_path=Path(sys.argv[1]))
        await backend.start()
        print(backend.pid, flush=True)
        await asyncio.Event().wait()  # until killed

    asyncio.run(main())
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux-only")
def test_the_simulator_dies_with_a_crashed_app(tmp_path: Path) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", _PARENT, str(tmp_path / "sim.log")],
        stdout=subprocess.PIPE,
        text=True,
        env=clean_env(),
        cwd=Path(__file__).resolve().parents[1],
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    pidfd = os.pidfd_open(child)
    try:
        parent.kill()  # no clean-up code runs: only the kernel can stop the child now
        parent.wait()
        readable, _, _ = select.select([pidfd], [], [], 15)  # a pidfd is readable once its process ends
        assert readable, "livetui-sim outlived the app that started it"
    finally:
        if not select.select([pidfd], [], [], 0)[0]:
            os.kill(child, signal.SIGKILL)
        os.close(pidfd)
        parent.stdout.close()
