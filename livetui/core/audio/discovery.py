"""Which audio devices PortAudio sees, and choosing one by index, name or default.

Device names come from PortAudio (a driver or a sound server names itself):
outside text, so whoever draws them passes them through core.sanitize.safe_text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ..sanitize import safe_text
from .portaudio import SSH_HINT, AudioUnavailable, pa_lock, portaudio_session
from .quiet import quiet_stderr

if TYPE_CHECKING:
    import pyaudio

Kind = Literal["input", "output"]

NO_DEVICES = "no audio devices found (PortAudio sees none)"


@dataclass(frozen=True)
class Device:
    index: int
    name: str
    max_input_channels: int
    max_output_channels: int
    default_rate: float
    is_default_input: bool
    is_default_output: bool
    host_api: str = ""

    def channels(self, kind: Kind) -> int:
        return self.max_input_channels if kind == "input" else self.max_output_channels


def _default_index(get_info: Callable[[], dict[str, Any]]) -> int:
    try:
        return int(get_info()["index"])
    except (OSError, KeyError):  # PortAudio has no default of that kind
        return -1


def devices_in(pa: pyaudio.PyAudio) -> list[Device]:
    """Every device an open PortAudio session sees."""
    with pa_lock, quiet_stderr():
        default_in = _default_index(pa.get_default_input_device_info)
        default_out = _default_index(pa.get_default_output_device_info)
        devices = []
        for i in range(pa.get_device_count()):
            info = pa.get_device_info_by_index(i)
            try:
                host = safe_text(str(pa.get_host_api_info_by_index(int(info["hostApi"]))["name"]))
            except (OSError, KeyError, ValueError):
                host = ""
            devices.append(
                Device(
                    index=i,
                    name=safe_text(str(info["name"])),  # a device (a Bluetooth one) names itself: data
                    max_input_channels=int(info["maxInputChannels"]),
                    max_output_channels=int(info["maxOutputChannels"]),
                    default_rate=float(info["defaultSampleRate"]),
                    is_default_input=i == default_in,
                    is_default_output=i == default_out,
                    host_api=host,
                )
            )
    return devices


def _listing(devices: list[Device]) -> str:
    return ", ".join(f"{d.index} {d.name!r}" for d in devices) or "none"


def find_in(pa: pyaudio.PyAudio, spec: Device | str | int | None, kind: Kind) -> Device:
    """find_device() within an open PortAudio session."""
    devices = devices_in(pa)
    if not devices:
        raise AudioUnavailable(NO_DEVICES, SSH_HINT)
    usable = [d for d in devices if d.channels(kind) > 0]
    if not usable:
        raise AudioUnavailable(f"no {kind} devices (PortAudio sees {len(devices)}, none for {kind})", SSH_HINT)
    if isinstance(spec, Device):
        # Indices may shift between PortAudio sessions; the name is what the user chose.
        same = [d for d in usable if d.index == spec.index and d.name == spec.name]
        if same:
            return same[0]
        spec = spec.name
    if spec is None or (isinstance(spec, str) and not spec.strip()):
        default = next((d for d in usable if (d.is_default_input if kind == "input" else d.is_default_output)), None)
        if default is None:
            raise AudioUnavailable(f"no default {kind} device", f"choose one of: {_listing(usable)}")
        return default
    if isinstance(spec, int) or spec.strip().isdigit():
        index = int(spec)
        for d in usable:
            if d.index == index:
                return d
        raise AudioUnavailable(f"no {kind} device with index {index}", f"{kind} devices: {_listing(usable)}")
    wanted = spec.strip().casefold()
    exact = [d for d in usable if d.name.casefold() == wanted]
    partial = [d for d in usable if wanted in d.name.casefold()]
    if exact or partial:
        return (exact or partial)[0]
    raise AudioUnavailable(f"no {kind} device matches {spec!r}", f"{kind} devices: {_listing(usable)}")


def list_devices() -> list[Device]:
    """Every device PortAudio sees now (empty if none). Raises AudioUnavailable
    only when PortAudio itself is missing or cannot start."""
    with portaudio_session() as pa:
        return devices_in(pa)


def find_device(spec: Device | str | int | None, kind: Kind) -> Device:
    """None or "": the default device of that kind; an int or a string of digits:
    that index; anything else: the first name containing it, case-insensitively
    (an exact name wins)."""
    with portaudio_session() as pa:
        return find_in(pa, spec, kind)


def audio_available() -> tuple[bool, str]:
    """(True, what there is) or (False, one line saying why not and what to do)."""
    try:
        devices = list_devices()
    except AudioUnavailable as e:
        return False, str(e)
    if not devices:
        return False, str(AudioUnavailable(NO_DEVICES, SSH_HINT))
    inputs = [d for d in devices if d.max_input_channels > 0]
    outputs = [d for d in devices if d.max_output_channels > 0]
    default_in = next((d.name for d in inputs if d.is_default_input), "none")
    default_out = next((d.name for d in outputs if d.is_default_output), "none")
    return True, f"{len(inputs)} input, {len(outputs)} output devices (default in: {default_in}, out: {default_out})"
