"""Build the scale driver a configuration names: `open_scale(protocol, url, ...)`.

    open_scale("mt-sics", "/dev/ttyUSB0")                       MtSicsScale
    open_scale("mt-sics", url, model="mt-sics-emulator")        ... with that quirks profile
    open_scale("toledo-8217", url, model="8217-lb")             ToledoScale, pounds
    open_scale("continuous", url, model="ad")                   ContinuousScale, A&D lines
    open_scale("continuous", url, pattern=r"(?P<stability>..."  ... a custom line format

`model` picks the MT-SICS quirks (`drivers.scale.mtsics.QUIRKS`), the Toledo profile
(`drivers.scale.toledo.PROFILES`) or the continuous preset
(`drivers.scale.continuous.PRESETS`); "" is the standard one of each (`standard`, `8217`,
`cas`). `pattern` is for continuous scales only. The stream is not opened here: it opens
on the first call, so a scale that is unplugged at start-up is not an error yet.
`opener` opens it (and every reconnect): `open_transport` unless given another with its
signature, e.g. `drivers.monitor.open_monitored(monitor)` to record the bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from drivers.scale.base import Scale
from drivers.scale.continuous_device import ContinuousScale
from drivers.scale.device import MtSicsScale
from drivers.scale.mtsics import QUIRKS
from drivers.scale.toledo_device import ToledoScale
from drivers.transport import open_transport

if TYPE_CHECKING:
    import serial

__all__ = ["SCALE_PROTOCOLS", "open_scale"]

SCALE_PROTOCOLS = ("mt-sics", "toledo-8217", "continuous")


def open_scale(
    protocol: str, url: str, *, baudrate: int = 9600, timeout_s: float = 1.0, model: str = "",
    pattern: str = "", opener: Callable[..., serial.SerialBase] = open_transport,
) -> Scale:
    """Return the driver for `protocol` at `url`; ValueError for an unknown protocol or model."""
    if protocol not in SCALE_PROTOCOLS:
        known = ", ".join(SCALE_PROTOCOLS)
        raise ValueError(f"unknown scale protocol {protocol!r}: one of {known}")
    if pattern and protocol != "continuous":
        raise ValueError("a line pattern is only for continuous-output scales")
    if protocol == "mt-sics":
        name = model or "standard"
        if name not in QUIRKS:
            raise ValueError(f"unknown MT-SICS model {name!r}: one of {sorted(QUIRKS)}")
        return MtSicsScale(url, baudrate=baudrate, timeout_s=timeout_s, quirks=name,
                           opener=opener)
    if protocol == "toledo-8217":
        return ToledoScale(url, baudrate=baudrate, timeout_s=timeout_s, profile=model or "8217",
                           opener=opener)
    return ContinuousScale(url, baudrate=baudrate, timeout_s=timeout_s, fmt=model,
                           pattern=pattern, opener=opener)
