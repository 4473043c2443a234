"""Generic VLM register handshake over Modbus TCP: register map, URL, pure encode/decode.

For controllers whose host protocol is not public (Modula, Hänel and PLC-fronted machines),
the integrator maps a handful of holding registers (16-bit, function codes 3 and 16) in the
machine's PLC. `RegisterMap` holds that map; the defaults (0-based register addresses):

    host writes (one Write Multiple Registers request, FC 16, addresses 0..5)
      0 TASK_ID        1..65535, a new value starts a task; the same value again is ignored
      1 TRAY           tray (carrier) number, 0 for release
      2 POS_X          cell centre in mm from the tray's left edge (0: no light pointer)
      3 POS_Y          cell centre in mm from the tray's front edge (0: no light pointer)
      4 QUANTITY       quantity to pick/put/count, shown to the operator
      5 COMMAND        1 pick, 2 put, 3 count, 4 release (0 idle)
    controller writes (read with Read Holding Registers, FC 3, addresses 10..14)
     10 STATUS         bit 0 READY, 1 BUSY, 2 TRAY_PRESENT, 3 DONE, 4 ERROR (others reserved)
     11 ACK_TASK_ID    the task the status refers to
     12 ERROR_CODE     0, or the controller's code when ERROR is set
     13 CONFIRMED_QTY  the quantity the operator confirmed (valid with DONE)
     14 CURRENT_TRAY   the tray at or travelling to the opening, 0 for none

Handshake, one task at a time::

    host: read STATUS (READY set, BUSY and TRAY_PRESENT clear)
    host: FC 16 at 0: TASK_ID=n TRAY=t POS_X=x POS_Y=y QUANTITY=q COMMAND=1
    ctrl: ACK_TASK_ID=n STATUS=READY|BUSY             accepted, tray travelling
      or: ACK_TASK_ID=n STATUS=READY|ERROR ERROR_CODE=e  rejected
    ctrl: STATUS=READY|TRAY_PRESENT                   tray at the opening, pointer on x/y
    ctrl: STATUS=READY|TRAY_PRESENT|DONE CONFIRMED_QTY=c  the operator confirmed c
    host: FC 16 at 0: TASK_ID=n+1 TRAY=0 POS_X=0 POS_Y=0 QUANTITY=0 COMMAND=4
    ctrl: ACK_TASK_ID=n+1 STATUS=READY|BUSY           tray going back
    ctrl: ACK_TASK_ID=n+1 STATUS=READY CURRENT_TRAY=0 CONFIRMED_QTY=0  released

A new TASK_ID is the request edge, so a host that timed out may write the same task again
without starting it twice. Invariants the decoder checks (else `VlmProtocolError`): BUSY and
TRAY_PRESENT are never both set, DONE implies TRAY_PRESENT, ERROR_CODE is non-zero exactly
when ERROR is set.

Device URL: `modbus://HOST[:PORT][?unit=N]` (port 502, unit 1 by default), parsed by
`parse_modbus_url`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from urllib.parse import parse_qs, urlsplit

from drivers.vlm.errors import VlmProtocolError

__all__ = [
    "REQUEST_FIELDS", "STATUS_FIELDS", "ControllerStatus", "ModbusAddress", "RegisterMap",
    "Request", "decode_request", "decode_status", "encode_request", "encode_status",
    "parse_modbus_url",
]

REQUEST_FIELDS = ("task_id", "tray", "pos_x", "pos_y", "quantity", "command")
STATUS_FIELDS = ("status", "ack_task_id", "error_code", "confirmed_qty", "current_tray")


@dataclass(frozen=True, slots=True)
class RegisterMap:
    """Holding-register addresses, command codes and status bits (see the module docstring)."""

    task_id: int = 0
    tray: int = 1
    pos_x: int = 2
    pos_y: int = 3
    quantity: int = 4
    command: int = 5
    status: int = 10
    ack_task_id: int = 11
    error_code: int = 12
    confirmed_qty: int = 13
    current_tray: int = 14
    cmd_pick: int = 1
    cmd_put: int = 2
    cmd_count: int = 3
    cmd_release: int = 4
    ready_bit: int = 0x0001
    busy_bit: int = 0x0002
    present_bit: int = 0x0004
    done_bit: int = 0x0008
    error_bit: int = 0x0010

    def __post_init__(self) -> None:
        for block in (REQUEST_FIELDS, STATUS_FIELDS):
            addresses = sorted(getattr(self, name) for name in block)
            if addresses != list(range(addresses[0], addresses[0] + len(block))):
                raise ValueError(f"registers {block} must be distinct and contiguous")
        if set(self._addresses(REQUEST_FIELDS)) & set(self._addresses(STATUS_FIELDS)):
            raise ValueError("request and status registers overlap")
        bits = [self.ready_bit, self.busy_bit, self.present_bit, self.done_bit, self.error_bit]
        if any(b <= 0 or b & (b - 1) or b > 0x8000 for b in bits) or len(set(bits)) != 5:
            raise ValueError("status bits must be five distinct single bits")

    def _addresses(self, names: tuple[str, ...]) -> list[int]:
        return [getattr(self, name) for name in names]

    @property
    def request_start(self) -> int:
        """First register of the host's request block."""
        return min(self._addresses(REQUEST_FIELDS))

    @property
    def status_start(self) -> int:
        """First register of the controller's status block."""
        return min(self._addresses(STATUS_FIELDS))

    @property
    def status_count(self) -> int:
        """Number of registers in the status block."""
        return len(STATUS_FIELDS)


@dataclass(frozen=True, slots=True)
class Request:
    """What the host writes for one task (all unsigned 16-bit values)."""

    task_id: int
    command: int
    tray: int = 0
    pos_x: int = 0
    pos_y: int = 0
    quantity: int = 0


@dataclass(frozen=True, slots=True)
class ControllerStatus:
    """The controller's status block, decoded."""

    ready: bool
    busy: bool
    present: bool
    done: bool
    error: bool
    ack_task_id: int
    error_code: int = 0
    confirmed_qty: int = 0
    current_tray: int = 0


@dataclass(frozen=True, slots=True)
class ModbusAddress:
    """Where a Modbus TCP controller is: host, port, unit (device) id."""

    host: str
    port: int = 502
    unit: int = 1


def encode_request(regs: RegisterMap, request: Request) -> tuple[int, list[int]]:
    """Return (start address, register values) for one FC 16 write of `request`."""
    values = [0] * len(REQUEST_FIELDS)
    for name in REQUEST_FIELDS:
        value = getattr(request, name)
        if not isinstance(value, int) or not 0 <= value <= 0xFFFF:
            raise ValueError(f"{name} must fit an unsigned 16-bit register, not {value!r}")
        values[getattr(regs, name) - regs.request_start] = value
    return regs.request_start, values


def decode_request(regs: RegisterMap, values: list[int]) -> Request:
    """Decode the request block (the controller's side, for simulators)."""
    if len(values) != len(REQUEST_FIELDS):
        raise VlmProtocolError(f"request block needs {len(REQUEST_FIELDS)} registers")
    return Request(**{n: values[getattr(regs, n) - regs.request_start] for n in REQUEST_FIELDS})


def decode_status(regs: RegisterMap, values: list[int]) -> ControllerStatus:
    """Decode the status block read at `regs.status_start`; `VlmProtocolError` if inconsistent."""
    if len(values) != regs.status_count or not all(
        isinstance(v, int) and 0 <= v <= 0xFFFF for v in values
    ):
        raise VlmProtocolError(f"status block must be {regs.status_count} registers: {values!r}")
    raw = {n: values[getattr(regs, n) - regs.status_start] for n in STATUS_FIELDS}
    word = raw["status"]
    status = ControllerStatus(
        ready=bool(word & regs.ready_bit), busy=bool(word & regs.busy_bit),
        present=bool(word & regs.present_bit), done=bool(word & regs.done_bit),
        error=bool(word & regs.error_bit), ack_task_id=raw["ack_task_id"],
        error_code=raw["error_code"], confirmed_qty=raw["confirmed_qty"],
        current_tray=raw["current_tray"],
    )
    if status.busy and status.present:
        raise VlmProtocolError(f"status 0x{word:04x}: BUSY and TRAY_PRESENT both set")
    if status.done and not status.present:
        raise VlmProtocolError(f"status 0x{word:04x}: DONE without TRAY_PRESENT")
    if status.error != (status.error_code != 0):
        raise VlmProtocolError(
            f"status 0x{word:04x} with error code {status.error_code}: ERROR bit and code disagree"
        )
    return status


def encode_status(regs: RegisterMap, status: ControllerStatus) -> list[int]:
    """Encode the status block (the controller's side, for simulators)."""
    word = 0
    for flag, bit in (("ready", regs.ready_bit), ("busy", regs.busy_bit),
                      ("present", regs.present_bit), ("done", regs.done_bit),
                      ("error", regs.error_bit)):
        word |= bit if getattr(status, flag) else 0
    values = [0] * regs.status_count
    raw = {f.name: getattr(status, f.name) for f in fields(status)} | {"status": word}
    for name in STATUS_FIELDS:
        values[getattr(regs, name) - regs.status_start] = raw[name]
    return values


def parse_modbus_url(url: str) -> ModbusAddress:
    """Parse `modbus://HOST[:PORT][?unit=N]`; ValueError saying what is wrong."""
    parts = urlsplit(url)
    if parts.scheme != "modbus" or not parts.hostname:
        raise ValueError(f"not a modbus://HOST[:PORT][?unit=N] URL: {url!r}")
    try:
        port = 502 if parts.port is None else parts.port
    except ValueError:
        raise ValueError(f"bad port in {url!r}") from None
    if not 1 <= port <= 65535:
        raise ValueError(f"port must be 1..65535 in {url!r}")
    query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    unknown = set(query) - {"unit"}
    if unknown or parts.path not in ("", "/"):
        raise ValueError(f"unexpected {sorted(unknown) or parts.path!r} in {url!r}")
    unit_text = query.get("unit", ["1"])[-1]
    if not unit_text.isdigit() or not 1 <= int(unit_text) <= 247:
        raise ValueError(f"unit must be 1..247 in {url!r}")
    return ModbusAddress(parts.hostname, port, int(unit_text))
