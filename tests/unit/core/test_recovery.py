from livetui.core.events import SessionError
from livetui.core.recovery import Backoff, diagnose


def test_transient_failures_are_retried():
    assert diagnose(SessionError("the connection was lost", 1006)).action == "retry"
    assert diagnose(SessionError("Internal error encountered.", 1011)).action == "retry"
    assert diagnose(SessionError("Deadline expired before operation could complete.", 1011)).action == "retry"
    assert diagnose(SessionError("cannot connect: Connection refused")).action == "retry"


def test_what_a_retry_cannot_fix_is_said_with_the_fix():
    bad_key = diagnose(SessionError("API key not valid. Please pass a valid API key.", 1007))
    assert bad_key.action == "fatal" and "GEMINI_API_KEY" in bad_key.message
    quota = diagnose(SessionError("You exceeded your current quota, please check your plan and billing details.", 1011))
    assert quota.action == "fatal" and "quota" in quota.message
    model = diagnose(SessionError("models/x is not found for API version v1beta", 1008))
    assert model.action == "fatal" and "--model" in model.message
    tls = diagnose(SessionError("TLS failed: certificate verify failed"))
    assert tls.action == "fatal" and "SSL_CERT_FILE" in tls.message


def test_a_refused_handle_restores_the_conversation():
    assert diagnose(SessionError("BidiGenerateContent session not found", 1008)).action == "restore"


def test_backoff_doubles_to_the_cap_then_stops():
    b = Backoff(first=0.5, cap=30, attempts=9)
    assert [b.next_delay() for _ in range(10)] == [0.5, 1, 2, 4, 8, 16, 30, 30, 30, None]
    b.reset()
    assert b.next_delay() == 0.5


def test_a_websocket_closed_outside_the_sdk_is_said_in_words():
    from websockets.exceptions import ConnectionClosedError
    from websockets.frames import Close

    from livetui.core.live import describe_error

    lost = describe_error(ConnectionClosedError(None, None))
    assert (lost.code, lost.message) == (1006, "the connection was lost")
    assert "ConnectionClosed" not in lost.message and diagnose(lost).action == "retry"
    refused = describe_error(ConnectionClosedError(Close(1008, "session not found"), None))
    assert (refused.code, refused.message) == (1008, "session not found")
