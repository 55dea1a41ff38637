"""What to do when a session ends: retry with the handle, restore from the
transcript, or stop and tell the person how to fix it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .events import SessionError
from .livemodels import not_found_line, not_found_model
from .netcause import TLS_TRUST, TRANSIENT

# audio_only: the model refuses TEXT answers; the console can offer audio shown as text.
Action = Literal["retry", "restore", "audio_only", "fatal"]


@dataclass(frozen=True)
class Diagnosis:
    action: Action
    message: str  # one line, in words, with the fix where there is one
    heading: str = "session ended"  # what the chat's line starts with
    # Make a new client before the retry: the SDK reads SSL_CERT_FILE once per client, and
    # a restarted livetui-sim (same --ca-file) has a new CA there.
    reload_trust: bool = False


def diagnose(error: SessionError, fresh_trust: bool = True) -> Diagnosis:
    """Transient failures are retried; a refused handle starts afresh with the
    conversation restored; everything a retry cannot fix is said once.
    `fresh_trust`: the client read SSL_CERT_FILE after the last good connection, so
    reading it again cannot help an untrusted certificate."""
    text = error.message
    if error.retired_model:  # never connected: the console knows the model was shut down
        return Diagnosis("fatal", text, heading="not connected")
    if error.cause:  # a failed connection, named by core.netcause
        if error.cause in TLS_TRUST and not fresh_trust:
            return Diagnosis("retry", text, heading="not connected", reload_trust=True)
        return Diagnosis("retry" if error.cause in TRANSIENT else "fatal", text, heading="not connected")
    low = text.lower()
    code = error.code
    if code == 1007 and "api key" in low:
        return Diagnosis("fatal", f"the API key was refused ({text}) · check GEMINI_API_KEY or GOOGLE_API_KEY")
    if code == 1007 and "non-audio request" in low:
        return Diagnosis("audio_only", f"this model answers only with audio ({text})")
    if code == 1007:
        return Diagnosis("fatal", f"the service refused the request ({text}) · check the model and settings (F2)")
    if code == 1008 and "session not found" in low:
        return Diagnosis("restore", "the service no longer knows this session · starting a new one with the conversation restored")
    if code == 1008 and (model := not_found_model(text)):
        return Diagnosis("fatal", not_found_line(model), heading="not connected")
    if code == 1008:
        return Diagnosis("fatal", f"{text} · pick a Live model with --model or F2")
    if code == 1011 and ("quota" in low or "exhausted" in low):
        return Diagnosis("fatal", f"quota or concurrency limit reached ({text}) · wait, or check your plan")
    if "tls failed" in low or "certificate" in low:
        return Diagnosis("fatal", f"{text} · if you use livetui-sim, set SSL_CERT_FILE from its output")
    if "name or service not known" in low or "nodename nor servname" in low or "temporary failure in name resolution" in low:
        return Diagnosis("retry", f"cannot resolve the service's address ({text}) · check the network or DNS")
    if "proxy" in low:
        return Diagnosis("fatal", f"{text} · check HTTPS_PROXY / NO_PROXY")
    # 1006 (no close frame), 1011 internal or deadline, 1001, refused or reset connections.
    return Diagnosis("retry", text)


class Backoff:
    """0.5 s doubling to 30 s, at most `attempts` tries, then give up."""

    def __init__(self, first: float = 0.5, cap: float = 30.0, attempts: int = 8) -> None:
        self.first = first
        self.cap = cap
        self.attempts = attempts
        self.tried = 0

    def next_delay(self) -> float | None:
        """The wait before the next try, or None when the tries are used up."""
        if self.tried >= self.attempts:
            return None
        delay = min(self.cap, self.first * (2**self.tried))
        self.tried += 1
        return delay

    def reset(self) -> None:
        self.tried = 0
