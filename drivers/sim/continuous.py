"""A continuous-output scale simulator (CAS, A&D, Ohaus lines) on a pty or loopback TCP.

It sends one line of its preset (`drivers.scale.continuous.PRESETS`) every `1/rate_hz`
seconds, whether anyone listens or not, like a real scale: the net load (gross minus zero
minus tare) in `unit` with `decimals` decimals, stable or in motion, gross or net; an
overload line (`OL`) above `capacity_g` or when forced. The Ohaus line has no overload
form: the simulator then sends `-OL-`, which does not parse.

Presets that take commands (A&D, Ohaus) act on `Z` (zero a stable load, clear the tare)
and `T` (tare a stable load) lines from the host.

Faults: drop the connection, pause (send nothing), garbage lines, an endless line (bytes
without a terminator), raw bytes, a different rate.

Run it as a process: `python -m drivers.sim.continuous --listen pty --preset ad` prints the
URL on its first stdout line, then reads control lines from stdin (`help` lists them).
"""

from __future__ import annotations

import contextlib
import sys
from decimal import Decimal
from functools import partial

from drivers.scale.continuous import PRESETS, UNITS, Reading, ReadingState, encode_line
from drivers.sim.base import WireSimulator
from drivers.sim.cli import count, listen_parser, parse_args, serve, switch
from drivers.sim.load import SimLoad, load_control
from drivers.sim.wire import Kind

__all__ = ["SimContinuous", "main"]

DEFAULT_DECIMALS = {"g": 1, "kg": 3, "mg": 0, "t": 3, "lb": 2, "oz": 1}
GARBAGE = b"\x15\xfe#?*GARBAGE*\xff\r\n"


class SimContinuous(SimLoad, WireSimulator):
    """Simulated continuous-output scale; `url` is a pyserial URL for `ContinuousScale`."""

    def __init__(
        self, kind: Kind = "tcp", *, port: int = 0, preset: str = "cas", unit: str = "kg",
        decimals: int | None = None, rate_hz: float = 20.0, capacity_g: float = 30000,
    ) -> None:
        if preset not in PRESETS:
            raise ValueError(f"preset must be one of {sorted(PRESETS)}")
        if unit not in UNITS:
            raise ValueError(f"unit must be one of {sorted(UNITS)}")
        super().__init__()
        self.format = PRESETS[preset]
        self.unit = unit
        self.decimals = DEFAULT_DECIMALS[unit] if decimals is None else decimals
        self.capacity_g = Decimal(str(capacity_g))
        self.commands_received: list[str] = []
        self.lines_sent = 0
        self._period = 1.0 / rate_hz
        self._paused = self._endless = False
        self._garbage = 0
        self._raw: list[bytes] = []
        self._rx = bytearray()  # I/O thread only
        self._listen(kind, port, "continuous", on_data=self._on_data, worker=self._stream)

    # --------------------------------------------------------------- control
    def pause(self, on: bool = True) -> None:
        """Stop sending (True) or resume (False)."""
        with self._cond:
            self._paused = on

    def garbage(self, n: int = 1) -> None:
        """Send a garbage line instead of each of the next `n` lines."""
        with self._cond:
            self._garbage += n

    def send_raw(self, data: bytes) -> None:
        """Send `data` as it is, instead of the next line."""
        with self._cond:
            self._raw.append(bytes(data))

    def overlong(self, on: bool = True) -> None:
        """Send one endless line (digits, no terminator) instead of lines, until False."""
        with self._cond:
            self._endless = on

    def clear_faults(self) -> None:
        """Stop every injected fault: garbage, raw bytes, endless line, pause."""
        with self._cond:
            self._garbage = 0
            self._raw.clear()
            self._endless = self._paused = False

    def set_rate(self, rate_hz: float) -> None:
        """Send `rate_hz` lines a second."""
        with self._cond:
            self._period = 1.0 / rate_hz

    def wait_for_lines(self, count: int, timeout: float = 5.0) -> bool:
        """Wait until `count` more lines have been sent."""
        with self._cond:
            target = self.lines_sent + count
            return self._cond.wait_for(lambda: self.lines_sent >= target, timeout)

    # ----------------------------------------------------------------- wire
    def _stream(self) -> None:
        while True:
            with self._cond:
                if self._cond.wait_for(lambda: self._stopped, self._period):
                    return
                if self._paused:
                    continue
                line = self._next_line()
            # Nobody reads the pty: the line is lost, as on a real cable.
            with contextlib.suppress(TimeoutError):
                self._server.send(line, timeout=0.05)
            with self._cond:
                self.lines_sent += 1
                self._cond.notify_all()

    def _next_line(self) -> bytes:
        """Return the next bytes to send (called with `_cond` held)."""
        if self._raw:
            return self._raw.pop(0)
        if self._endless:
            return b"9" * 64
        if self._garbage:
            self._garbage -= 1
            return GARBAGE
        net = self._gross - self._zero - self._tare
        tared = bool(self._tare)
        if self._over or self._under or self._gross - self._zero > self.capacity_g:
            if self.format.name == "ohaus":
                return b"    -OL-   \r\n"
            state = ReadingState.UNDERLOAD if self._under else ReadingState.OVERLOAD
            return encode_line(self.format, Reading(state, None, self.unit, tared, ""))
        value = (net / UNITS[self.unit]).quantize(Decimal(1).scaleb(-self.decimals))
        state = ReadingState.MOTION if self._unstable else ReadingState.STABLE
        return encode_line(self.format, Reading(state, value, self.unit, tared, ""))

    def _on_data(self, data: bytes) -> None:
        self._rx += data
        while (end := self._rx.find(b"\n")) >= 0:
            line = bytes(self._rx[:end]).removesuffix(b"\r")
            del self._rx[: end + 1]
            self._command(line)
        if len(self._rx) > 1024:
            self._rx.clear()

    def _command(self, line: bytes) -> None:
        with self._cond:
            self.commands_received.append(line.decode("ascii", "replace"))
            self._cond.notify_all()
            if self._unstable or (line + b"\r\n") not in (
                self.format.zero_command, self.format.tare_command
            ):
                return
            if line + b"\r\n" == self.format.zero_command:
                self._zero, self._tare = self._gross, Decimal(0)
            elif self._gross - self._zero > 0:
                self._tare = self._gross - self._zero


HELP = """\
place GRAMS | unstable on|off | overload [on|off] | underload [on|off] | pause [on|off]
garbage [N] | overlong [on|off] | raw HEX | rate HZ | drop | commands | help | quit"""


def _control(sim: SimContinuous, words: list[str], _line: str = "") -> str | None:
    """Apply one control line; return the answer to print (None: unknown)."""
    name, args = words[0], words[1:]
    actions = {
        "pause": lambda: sim.pause(switch(args)),
        "garbage": lambda: sim.garbage(count(args)),
        "overlong": lambda: sim.overlong(switch(args)),
        "raw": lambda: sim.send_raw(bytes.fromhex("".join(args))),
        "rate": lambda: sim.set_rate(float(args[0])),
        "drop": sim.drop_connection,
    }
    if name not in actions:
        return load_control(sim, name, args)
    actions[name]()
    return "ok"


def main(argv: list[str] | None = None) -> int:
    """Run the simulator until stdin closes or says `quit`."""
    parser = listen_parser("continuous", __doc__)
    parser.add_argument("--preset", default="cas", choices=sorted(PRESETS))
    parser.add_argument("--unit", default="kg", choices=sorted(UNITS))
    parser.add_argument("--rate", type=float, default=10.0, help="lines per second")
    args, kind, port = parse_args(parser, argv)
    sim = SimContinuous(kind, port=port, preset=args.preset, unit=args.unit, rate_hz=args.rate)
    return serve(sim, partial(_control, sim), HELP)


if __name__ == "__main__":
    sys.exit(main())
