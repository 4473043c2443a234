"""A wire-level MT-SICS scale simulator on a pty or loopback TCP, with fault injection.

It answers the commands of `drivers.scale.mtsics` byte-exactly, one at a time, in order:

- `SI`: at once, `S S <w>` when stable, `S D <w>` while unstable.
- `S`: like a real balance, waits for stability; `S S <w>` as soon as the load is stable,
  or `S I` when it has not settled within `stable_timeout_s` (0.5 s by default, shorter than
  the driver's default 1 s deadline, so a client sees `S I` and not a timeout).
- `SIR`: `S S <w>`/`S D <w>` at once and then every `sir_period_s`, until the next command
  (which is then answered as usual) or `@`.
- `Z`: waits for stability like `S`; sets zero to the current load and clears the tare;
  `Z A`, or `Z I` on timeout. `ZI`: zero now, `ZI S` (stable) or `ZI D` (in motion).
- `T`: waits for stability; stores the current load as the tare, `T S <tare>`; `T I` on
  timeout, `T -` for a negative load. `TI`: tare now, `TI S <tare>`/`TI D <tare>`, `TI L`
  for a negative load. `TA`: `TA A <tare>`; `TA <value> <unit>` stores a preset tare
  (`TA L` for a bad value or unit). `TAC`: clears the tare, `TAC A`.
- `@`: stops `SIR`, resets (clears tare and zero) and answers `I4 A "<serial>"`; `I4`
  answers the same. `I1`, `I2` (`I2 A "<model> <capacity> g"`), `I3`, `I5`: inquiries.
- An unknown command: `ES`. A known command with parameters it does not take: `EL`. A line
  with bytes outside printable ASCII, or over 1 kB: `ET`.
- Overload/underload (see `overload()`, `capacity_g`, or a value too wide for the
  10-character field): `S +`/`S -` (`Z +`, `T +` ...).

<w> is the net load (gross minus zero minus tare) in `unit`, right-aligned in 10 characters
with `decimals` decimals (g: 2, kg: 3 by default).

Run it as a process: `python -m drivers.sim.mtsics --listen tcp:0` prints the URL on its first
stdout line, then reads control lines from stdin (`help` lists them).
"""

from __future__ import annotations

import queue
import sys
from decimal import Decimal, InvalidOperation
from functools import partial

from drivers.scale.mtsics import GRAMS_PER_UNIT, encode_reply, format_weight, from_grams, to_grams
from drivers.sim.base import FaultCounters, WireSimulator
from drivers.sim.cli import FAULT_HELP, fault_control, listen_parser, parse_args, serve
from drivers.sim.load import SimLoad, load_control
from drivers.sim.wire import Kind

__all__ = ["SimMtSics", "main"]

DEFAULT_DECIMALS = {"g": 2, "kg": 3, "mg": 0, "lb": 4, "oz": 3}
GARBAGE = b"\x15\xfe#?*GARBAGE*\xff\r\n"
_MAX_COMMAND = 1024
_WEIGHING = ("S", "Z", "T")  # wait for stability first
_NO_ARGS = frozenset({"S", "SI", "SIR", "Z", "ZI", "T", "TI", "TAC", "@", "I1", "I2", "I3",
                      "I4", "I5"})


class SimMtSics(SimLoad, FaultCounters, WireSimulator):
    """Simulated MT-SICS scale; `url` is a pyserial URL for the driver."""

    def __init__(
        self, kind: Kind = "tcp", *, port: int = 0, serial_number: str = "0123456789",
        unit: str = "g", decimals: int | None = None, stable_timeout_s: float = 0.5,
        sir_period_s: float = 0.1, model: str = "PB-SIM6200", capacity_g: float | None = None,
    ) -> None:
        if unit not in GRAMS_PER_UNIT:
            raise ValueError(f"unit must be one of {sorted(GRAMS_PER_UNIT)}")
        super().__init__()
        self.serial_number = serial_number
        self.unit = unit
        self.decimals = DEFAULT_DECIMALS[unit] if decimals is None else decimals
        self.stable_timeout_s = stable_timeout_s
        self.sir_period_s = sir_period_s
        self.model = model
        self.capacity_g = None if capacity_g is None else Decimal(str(capacity_g))
        self.commands_received: list[str] = []
        self._forced: list[bytes] = []
        self._streaming: int | None = None  # generation of the connection SIR streams to
        self._rx = bytearray()  # I/O thread only
        self._inbox: queue.Queue[tuple[bytes, int] | None] = queue.Queue()
        self._listen(kind, port, "mtsics", on_data=self._on_data, worker=self._serve)

    # --------------------------------------------------------------- control
    def drop_connection(self) -> None:
        """Drop the client connection (TCP) or hang up the pty; pending replies are lost."""
        super().drop_connection()
        with self._cond:
            self._cond.notify_all()  # a command waiting for stability gives up

    def force_reply(self, line: bytes, n: int = 1) -> None:
        """Answer the next `n` commands with exactly `line` (CR LF added if missing)."""
        frame = line if line.endswith(b"\r\n") else line + b"\r\n"
        with self._cond:
            self._forced += [frame] * n

    @property
    def streaming(self) -> bool:
        """True while `SIR` output is running."""
        return self._streaming is not None

    # ----------------------------------------------------------------- wire
    def _on_data(self, data: bytes) -> None:
        self._rx += data
        while (end := self._rx.find(b"\n")) >= 0:
            line = bytes(self._rx[:end]).removesuffix(b"\r")
            del self._rx[: end + 1]
            self._inbox.put((line, self._server.generation))
        if len(self._rx) > _MAX_COMMAND:
            self._rx.clear()
            self._inbox.put((b"\x00overlong", self._server.generation))

    def _serve(self) -> None:
        while True:
            try:
                item = self._inbox.get(timeout=self.sir_period_s if self.streaming else None)
            except queue.Empty:
                self._stream_reading()
                continue
            if item is None:
                return
            line, generation = item
            with self._cond:
                self._streaming = None  # any command ends SIR
                self.commands_received.append(line.decode("ascii", "replace"))
                self._cond.notify_all()
                if self._take_silence():
                    continue
                garbage = self._take_garbage()
                forced = self._forced.pop(0) if self._forced else None
                if self._wait_slow():
                    return
                if garbage or forced is not None:
                    reply = GARBAGE if garbage else forced
                else:
                    reply = self._execute(line, generation)
            self._server.send(reply, generation=generation)

    def _stream_reading(self) -> None:
        with self._cond:
            generation = self._streaming
            reply = self._weight_reply("S")
        try:
            sent = generation is not None and self._server.send(
                reply, generation=generation, timeout=1
            )
        except TimeoutError:  # nobody reads the pty
            sent = False
        if not sent:
            self._streaming = None  # the client went away: a new one starts without SIR

    def _execute(self, line: bytes, generation: int) -> bytes:
        """Return the reply to one command line (called with `_cond` held)."""
        if not line or not all(0x20 <= b < 0x7F for b in line):
            return b"ET\r\n"
        cmd, *args = line.decode("ascii").split(" ")
        if cmd == "TA":
            return self._tare_value(args)
        if cmd not in _NO_ARGS:
            return b"ES\r\n"
        if args:
            return b"EL\r\n"
        if cmd == "SI":
            return self._weight_reply("S")
        if cmd == "SIR":
            self._streaming = generation
            return self._weight_reply("S")
        if cmd == "TAC":
            self._tare = Decimal(0)
            return encode_reply("TAC", "A")
        if cmd[0] in "@I":
            return self._inquiry(cmd)
        if self._over or self._under or self._beyond_capacity():
            return encode_reply(cmd, "-" if self._under else "+")
        if cmd in _WEIGHING and not self._settle(generation):
            return encode_reply(cmd, "I")
        if cmd == "S":
            return self._weight_reply("S")
        if cmd in ("Z", "ZI"):
            self._zero, self._tare = self._gross, Decimal(0)
            return encode_reply(cmd, "A" if cmd == "Z" else "D" if self._unstable else "S")
        tare = self._gross - self._zero  # T or TI
        if tare < 0:
            return encode_reply(cmd, "-" if cmd == "T" else "L")
        self._tare = tare
        return self._weight_reply(cmd, tare)

    def _inquiry(self, cmd: str) -> bytes:
        if cmd == "@":
            self._zero = self._tare = Decimal(0)
        if cmd in ("@", "I4"):
            return encode_reply("I4", "A", self.serial_number)
        if cmd == "I1":
            return encode_reply("I1", "A", "01", "2.20", "2.20", "1.00", "1.00")
        if cmd == "I2":
            capacity = self.capacity_g if self.capacity_g is not None else Decimal(6200)
            return encode_reply("I2", "A", f"{self.model} {capacity:.2f} g")
        if cmd == "I3":
            return encode_reply("I3", "A", "1.00 1.0.0.1")
        return encode_reply("I5", "A", "1234567")

    def _tare_value(self, args: list[str]) -> bytes:
        if not args:
            return self._status_weight("TA", self._tare)
        if len(args) != 2 or args[1] not in GRAMS_PER_UNIT:
            return encode_reply("TA", "L")
        try:
            grams = to_grams(Decimal(args[0]), args[1])
        except InvalidOperation:
            return encode_reply("TA", "L")
        if not grams.is_finite() or grams < 0 or self._beyond_capacity(grams):
            return encode_reply("TA", "L")
        self._tare = grams
        return self._status_weight("TA", grams)

    def _settle(self, generation: int) -> bool:
        """Wait for a stable load, as a balance does; False on timeout or a dropped client."""
        self._cond.wait_for(
            lambda: not self._unstable or self._stopped or generation != self._server.generation,
            self.stable_timeout_s,
        )
        return not self._unstable

    def _beyond_capacity(self, grams: Decimal | None = None) -> bool:
        load = self._gross - self._zero if grams is None else grams
        return self.capacity_g is not None and load > self.capacity_g

    def _field(self, grams: Decimal) -> str:
        return f"{format_weight(from_grams(grams, self.unit), self.decimals)} {self.unit}"

    def _status_weight(self, id_: str, grams: Decimal) -> bytes:
        return f"{id_} A {self._field(grams)}\r\n".encode("ascii")

    def _weight_reply(self, id_: str, grams: Decimal | None = None) -> bytes:
        if self._over or self._under:
            return encode_reply(id_, "+" if self._over else "-")
        if grams is None and self._beyond_capacity():
            return encode_reply(id_, "+")
        net = self._gross - self._zero - self._tare if grams is None else grams
        try:
            field = self._field(net)
        except ValueError:  # too wide for the display field
            return encode_reply(id_, "+" if net > 0 else "-")
        status = "D" if self._unstable and id_ in ("S", "TI") else "S"
        return f"{id_} {status} {field}\r\n".encode("ascii")


HELP = f"""\
place GRAMS | unstable on|off | overload [on|off] | underload [on|off]
{FAULT_HELP} | reply LINE | commands | help | quit"""


def _control(sim: SimMtSics, words: list[str], line: str = "") -> str | None:
    """Apply one control line; return the answer to print (None: unknown)."""
    name, args = words[0], words[1:]
    if name == "reply":
        sim.force_reply(line.split(" ", 1)[1].encode("ascii"))
        return "ok"
    return "ok" if fault_control(sim, name, args) else load_control(sim, name, args)


def main(argv: list[str] | None = None) -> int:
    """Run the simulator until stdin closes or says `quit`."""
    parser = listen_parser("mtsics", __doc__)
    parser.add_argument("--serial", default="0123456789", help="serial number (I4, @)")
    parser.add_argument("--unit", default="g", choices=sorted(GRAMS_PER_UNIT))
    parser.add_argument("--decimals", type=int, default=None)
    parser.add_argument("--stable-timeout", type=float, default=0.5, help="S waits this long, s")
    parser.add_argument("--sir-period", type=float, default=0.1, help="SIR line interval, s")
    args, kind, port = parse_args(parser, argv)
    sim = SimMtSics(kind, port=port, serial_number=args.serial, unit=args.unit,
                    decimals=args.decimals, stable_timeout_s=args.stable_timeout,
                    sir_period_s=args.sir_period)
    return serve(sim, partial(_control, sim), HELP)


if __name__ == "__main__":
    sys.exit(main())
