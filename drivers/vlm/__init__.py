"""Vertical lift module (VLM) controllers: one interface, Kardex JMIF and Modbus adapters.

Use `open_vlm(protocol, url)`; the flow and the types are in `drivers.vlm.base`, the
exceptions in `drivers.vlm.errors`.
"""

from drivers.vlm.base import (
    CONNECTED_STATES,
    TRAY_OPEN_STATES,
    Confirmation,
    Operation,
    TrayCall,
    TrayLocation,
    VlmController,
    VlmState,
    VlmStatus,
)
from drivers.vlm.errors import (
    VlmConnectionError,
    VlmError,
    VlmProtocolError,
    VlmRejectedError,
    VlmStateError,
    VlmTimeoutError,
)
from drivers.vlm.factory import VLM_PROTOCOLS, open_vlm

__all__ = [
    "CONNECTED_STATES", "TRAY_OPEN_STATES", "VLM_PROTOCOLS", "Confirmation", "Operation",
    "TrayCall", "TrayLocation", "VlmConnectionError", "VlmController", "VlmError",
    "VlmProtocolError", "VlmRejectedError", "VlmState", "VlmStateError", "VlmStatus",
    "VlmTimeoutError", "open_vlm",
]
