"""Record every byte a driver writes to and reads from its port, and show it as hex and text.

`ByteMonitor` keeps the last `limit` bytes (64 KiB by default) as `Chunk`s: direction
(`TX` written to the device, `RX` read from it), monotonic time and the bytes. It is safe to
record from a device thread while another thread reads `since(cursor)` for a live view.

`MonitoredPort` wraps an open pyserial port: every `read` and `write` goes through the
monitor, everything else (`fileno`, `in_waiting`, `write_timeout`, ...) reaches the port
unchanged, so `drivers.transport` and every driver use it as they use the port itself.

`open_monitored(monitor)` is an opener with `open_transport`'s signature whose ports are
`MonitoredPort`s. Every driver that opens a pyserial port takes one as `opener=`
(`ZplPrinter`, `EscPosPrinter`, `KardexVlm`, `ScannerReader`, every scale and
`open_scale`), so the monitor records every connection the driver makes, reconnects
included. The Modbus VLM keeps no pyserial port (pymodbus owns its socket): it has none.

`format_chunks` renders rows of up to 16 bytes: time since the monitor started, direction,
hex, then the bytes as text with control bytes named, e.g. `SI<CR><LF>` or `<ESC>@`.
"""

from __future__ import annotations

import enum
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from drivers.transport import close_transport, open_transport

__all__ = [
    "ByteMonitor",
    "Chunk",
    "Direction",
    "MonitoredPort",
    "format_chunks",
    "open_monitored",
    "render_text",
]

DEFAULT_LIMIT = 64 * 1024

# ASCII control names as device manuals write them; DEL included.
_NAMES = ("NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "TAB", "LF", "VT", "FF",
          "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM",
          "SUB", "ESC", "FS", "GS", "RS", "US")
_TEXT = {i: f"<{name}>" for i, name in enumerate(_NAMES)}
_TEXT.update({i: chr(i) for i in range(0x20, 0x7F)})
_TEXT[0x7F] = "<DEL>"


class Direction(enum.Enum):
    """Which way bytes went, seen from the station."""

    TX = "tx"  # written to the device
    RX = "rx"  # read from the device


@dataclass(frozen=True, slots=True)
class Chunk:
    """Bytes moved in one call: `t` is `time.monotonic()` when they were recorded."""

    direction: Direction
    t: float
    data: bytes


class ByteMonitor:
    """Keep the last `limit` bytes moved on a port, oldest dropped first (thread-safe)."""

    def __init__(
        self, limit: int = DEFAULT_LIMIT, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if limit < 1:
            raise ValueError("limit must be positive")
        self.limit = limit
        self._clock = clock
        self.started = clock()
        self._lock = threading.Lock()
        self._chunks: deque[tuple[int, Chunk]] = deque()
        self._size = 0
        self._seq = 0  # number of chunks ever recorded; the last one's cursor
        self.dropped = 0  # bytes pushed out of the ring
        self.totals = {Direction.TX: 0, Direction.RX: 0}

    def record(self, direction: Direction, data: bytes) -> None:
        """Add bytes moved now in `direction`; nothing for an empty read."""
        if not data:
            return
        data = bytes(data)
        with self._lock:
            self.totals[direction] += len(data)
            if len(data) > self.limit:  # only its tail fits
                self.dropped += len(data) - self.limit
                data = data[-self.limit:]
            self._seq += 1
            self._chunks.append((self._seq, Chunk(direction, self._clock(), data)))
            self._size += len(data)
            while self._size > self.limit:
                seq, oldest = self._chunks[0]
                excess = self._size - self.limit
                if excess >= len(oldest.data):
                    self._chunks.popleft()
                    self._size -= len(oldest.data)
                    self.dropped += len(oldest.data)
                else:  # keep exactly `limit` bytes: cut the oldest chunk's head
                    self._chunks[0] = (seq, Chunk(oldest.direction, oldest.t,
                                                  oldest.data[excess:]))
                    self._size -= excess
                    self.dropped += excess

    def chunks(self) -> list[Chunk]:
        """Return the chunks held now, oldest first."""
        with self._lock:
            return [chunk for _, chunk in self._chunks]

    def since(self, cursor: int = 0) -> tuple[list[Chunk], int]:
        """Return the chunks recorded after `cursor` (that are still held) and the new cursor."""
        with self._lock:
            return [c for seq, c in self._chunks if seq > cursor], self._seq

    def data(self, direction: Direction) -> bytes:
        """Return the held bytes of one direction, joined."""
        return b"".join(c.data for c in self.chunks() if c.direction is direction)

    def __len__(self) -> int:
        with self._lock:
            return self._size

    def clear(self) -> None:
        """Forget every chunk (the clock origin and totals stay)."""
        with self._lock:
            self._chunks.clear()
            self._size = 0


class MonitoredPort:
    """An open pyserial port whose reads and writes are recorded in a `ByteMonitor`."""

    __slots__ = ("_monitor", "_port")

    def __init__(self, port: Any, monitor: ByteMonitor) -> None:
        object.__setattr__(self, "_port", port)
        object.__setattr__(self, "_monitor", monitor)

    @property
    def port_object(self) -> Any:
        """The wrapped pyserial port."""
        return self._port

    @property
    def monitor(self) -> ByteMonitor:
        """Where the bytes go."""
        return self._monitor

    def read(self, size: int = 1) -> bytes:
        data = self._port.read(size)
        self._monitor.record(Direction.RX, data)
        return data

    def write(self, data: bytes) -> int | None:
        # Record what the port took: a write that raises took nothing we can know of.
        written = self._port.write(data)
        count = len(data) if written is None else written
        self._monitor.record(Direction.TX, bytes(data[:count]))
        return written

    def close(self) -> None:
        close_transport(self._port)  # keeps its fix for pyserial's socket close

    def __getattr__(self, name: str) -> Any:
        return getattr(self._port, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._port, name, value)  # e.g. write_timeout

    def __repr__(self) -> str:
        return f"MonitoredPort({self._port!r})"


def open_monitored(monitor: ByteMonitor) -> Callable[..., MonitoredPort]:
    """Return an opener like `open_transport` whose ports record into `monitor`."""

    def opener(url: str, **kw: Any) -> MonitoredPort:
        return MonitoredPort(open_transport(url, **kw), monitor)

    return opener


def render_text(data: bytes) -> str:
    """Return `data` as text: printable ASCII as is, controls named (`<CR>`), others `<xHH>`."""
    return "".join(_TEXT.get(b) or f"<x{b:02X}>" for b in data)


def format_chunks(chunks: Iterable[Chunk], origin: float, width: int = 16) -> str:
    """Render chunks as rows: seconds since `origin`, direction, hex, text (see the module)."""
    rows: list[str] = []
    for chunk in chunks:
        stamp = f"{chunk.t - origin:9.3f}"
        arrow = "TX >" if chunk.direction is Direction.TX else "RX <"
        for start in range(0, len(chunk.data), width):
            part = chunk.data[start:start + width]
            hexes = " ".join(f"{b:02X}" for b in part)
            head = f"{stamp} {arrow}" if start == 0 else " " * (len(stamp) + 5)
            rows.append(f"{head}  {hexes:<{width * 3 - 1}}  {render_text(part)}")
    return "\n".join(rows)
