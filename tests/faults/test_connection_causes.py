"""Each connection failure names its real cause on the real console's screen.

The real `livetui` command in a pty, pointed at misbehaving servers on 127.0.0.1
(livetui.testing.netfaults) or at `livetui-sim` through a proxy: the chat's line names what
failed and the variable to fix, the console quits cleanly (status 0, no traceback). A slow
server shows the wait; a restarted simulator with a new CA is picked up or said exactly.
"""

from __future__ import annotations

from pathlib import Path

from livetui.testing.netfaults import ConnectProxy, PlainHTTP, Silent, closed_port
from livetui.testing.pty import Console
from livetui.testing.simproc import SimProcess

from .helpers import console_env, foreign_sequences

WIDE = (160, 40)  # the whole line fits on one row


def _env(tmp_path: Path, sim: SimProcess | None = None, **extra: str) -> dict[str, str]:
    env = console_env(tmp_path, sim, **extra)
    if "HTTPS_PROXY" in extra:  # the test run bypasses proxies for 127.0.0.1; this console must not
        env.pop("NO_PROXY", None)
        env.pop("no_proxy", None)
    return env


def _run(env: dict[str, str], *needles: bytes) -> Console:
    """The console, until each needle is on screen, quit with ctrl+q."""
    console = Console(["--no-mic"], env, size=WIDE)
    try:
        for needle in needles:
            console.expect(needle)
        assert console.quit(timeout=20) == 0
    finally:
        if console.status is None:
            console.kill()
    drawn = bytes(console.screen)
    assert b"Traceback" not in drawn and foreign_sequences(drawn) == []
    return console


def _endpoint(address: str, ca_file: str = "") -> dict[str, str]:
    env = {"GOOGLE_GEMINI_BASE_URL": f"https://{address}", "GEMINI_API_KEY": "any"}
    return env | ({"SSL_CERT_FILE": ca_file} if ca_file else {})


def test_a_plain_http_server_is_named_as_such(tmp_path: Path) -> None:
    with PlainHTTP() as server:
        _run(_env(tmp_path, **_endpoint(server.address)),
             f"not connected: the server at {server.address} does not speak TLS (plain HTTP?)".encode(), b"GOOGLE_GEMINI_BASE_URL")  # fmt: skip
        assert server.accepted >= 1


def test_nothing_listening_says_so_and_keeps_trying(tmp_path: Path) -> None:
    address = f"127.0.0.1:{closed_port()}"
    _run(_env(tmp_path, **_endpoint(address)),
         f"connection lost (nothing is listening at {address} — is livetui-sim running?".encode(), b"reconnecting")  # fmt: skip


def test_a_proxy_that_is_not_running_is_named_with_its_variable(tmp_path: Path) -> None:
    port = closed_port()
    with SimProcess("--speed", "max") as sim:
        _run(_env(tmp_path, sim, HTTPS_PROXY=f"http://127.0.0.1:{port}"),
             f"not connected: the proxy at 127.0.0.1:{port} (HTTPS_PROXY) refused the connection".encode())  # fmt: skip


def test_a_proxy_that_refuses_the_server_is_named_with_its_answer(tmp_path: Path) -> None:
    with SimProcess("--speed", "max") as sim, ConnectProxy("403") as proxy:
        _run(_env(tmp_path, sim, HTTPS_PROXY=f"http://{proxy.address}"),
             f"the proxy at {proxy.address} (HTTPS_PROXY) refused to connect to".encode(), b"403 Forbidden")  # fmt: skip
        assert proxy.requests and proxy.requests[0].startswith("CONNECT 127.0.0.1:")


def test_a_working_proxy_carries_the_session(tmp_path: Path) -> None:
    with SimProcess("--speed", "max") as sim, ConnectProxy("forward") as proxy:
        console = Console(["--no-mic"], _env(tmp_path, sim, HTTPS_PROXY=f"http://{proxy.address}"), size=WIDE)
        try:
            console.expect(b"connected")
            console.send(b"What is the capital of Portugal?\r")
            console.expect(b"Lisbon")
            assert console.quit(timeout=20) == 0
        finally:
            if console.status is None:
                console.kill()
        assert proxy.requests and all(r.startswith("CONNECT ") for r in proxy.requests)


def test_a_slow_reply_is_shown_pending_before_it_comes(tmp_path: Path) -> None:
    with SimProcess("--speed", "max", "--latency-ms", "2500") as sim:
        console = Console(["--no-mic"], console_env(tmp_path, sim), size=WIDE)
        try:
            console.expect(b"connected")
            console.send(b"What is the capital of Portugal?\r")
            console.expect(b"waiting for the reply\xe2\x80\xa6 1 s")
            assert b"Lisbon" not in console.screen
            console.expect(b"Lisbon")
            console.mark()
            console.read_for(1.2)  # the status bar's next look: the wait is over
            assert "waiting for the reply" not in console.text()
            assert console.quit(timeout=20) == 0
        finally:
            if console.status is None:
                console.kill()


def test_a_silent_server_shows_how_long_it_has_been_connecting(tmp_path: Path) -> None:
    with Silent() as server:
        _run(_env(tmp_path, **_endpoint(server.address)), b"connecting\xe2\x80\xa6 2 s")


def _restart(sim: SimProcess, *args: str) -> SimProcess:
    sim.stop()
    return SimProcess(*args)


def test_a_restarted_simulator_with_a_new_ca_in_the_same_file_is_picked_up(tmp_path: Path) -> None:
    ca = tmp_path / "sim-ca.pem"
    sim = SimProcess("--speed", "max", "--ca-file", str(ca))
    port = sim.exports["GOOGLE_GEMINI_BASE_URL"].rsplit(":", 1)[1]
    old_ca = ca.read_bytes()
    console = Console(["--no-mic"], console_env(tmp_path, sim), size=WIDE)
    try:
        console.expect(b"connected")
        console.mark()
        sim = _restart(sim, "--speed", "max", "--ca-file", str(ca), "--port", port)  # a new CA, written to the same file
        assert ca.read_bytes() != old_ca
        console.expect(b"reconnecting")
        console.expect(b"connected", timeout=40)
        console.send(b"What is the capital of Portugal?\r")
        console.expect(b"Lisbon")
        assert b"not signed by the CA" not in console.screen
        assert console.quit(timeout=20) == 0
    finally:
        if console.status is None:
            console.kill()
        sim.stop()


def test_a_restarted_simulator_whose_ca_file_is_gone_says_what_to_do(tmp_path: Path) -> None:
    sim = SimProcess("--speed", "max")  # its CA in a folder of its own, removed when it stops
    port = sim.exports["GOOGLE_GEMINI_BASE_URL"].rsplit(":", 1)[1]
    old_ca = sim.exports["SSL_CERT_FILE"]
    console = Console(["--no-mic"], console_env(tmp_path, sim), size=WIDE)
    try:
        console.expect(b"connected")
        sim = _restart(sim, "--speed", "max", "--port", port)
        assert sim.exports["SSL_CERT_FILE"] != old_ca
        console.expect(f"SSL_CERT_FILE={old_ca} does not exist".encode(), timeout=40)
        console.expect(b"export SSL_CERT_FILE from the simulator's latest output and start livetui again")
        assert console.quit(timeout=20) == 0
    finally:
        if console.status is None:
            console.kill()
        sim.stop()
