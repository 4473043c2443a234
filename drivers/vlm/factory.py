"""Open a VLM controller by protocol name and URL, as station config names them."""

from __future__ import annotations

from typing import Any

from drivers.vlm.base import VlmController

__all__ = ["VLM_PROTOCOLS", "open_vlm"]

VLM_PROTOCOLS = ("kardex-jmif", "modbus")


def open_vlm(protocol: str, url: str, **options: Any) -> VlmController:
    """Return an adapter for `protocol` at `url`; it connects on first use.

    - `kardex-jmif`: `KardexVlm(url, **options)`; `url` is any pyserial URL
      (`socket://10.0.0.7:9600`, `/dev/ttyUSB0`); options e.g. `dialect="jmif-pipe"`,
      `address="SH1-1"`, `timeout_s`, `codes=TaskCodes(...)`, `expect_ack`,
      `opener=open_monitored(monitor)` (`drivers.monitor`) to record the bytes.
    - `modbus`: `ModbusVlm(url, **options)`; `url` is `modbus://HOST[:PORT][?unit=N]`;
      options e.g. `register_map=RegisterMap(...)`, `timeout_s`, `request_timeout_s`; no
      `opener`: pymodbus keeps its own socket.

    Raises ValueError for an unknown protocol or a malformed URL, TypeError for an unknown
    option.
    """
    if protocol == "kardex-jmif":
        from drivers.vlm.kardex_device import KardexVlm  # adapters load only when used

        return KardexVlm(url, **options)
    if protocol == "modbus":
        from drivers.vlm.modbus import ModbusVlm

        return ModbusVlm(url, **options)
    raise ValueError(f"unknown VLM protocol {protocol!r}; known: {', '.join(VLM_PROTOCOLS)}")
