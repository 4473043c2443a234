"""A wire-level MT-SICS scale simulator on a pty or loopback TCP, with fault injection.

It answers the commands of `drivers.scale.mtsics` byte-exactly, one at a time, in order:

- `SI`: at once, `S S <w>` when stable, `S D <w>` while unstable.
- `S`: like a real balance, waits for stability; `S S <w>` as soon as the load is stable,
  or `S I` when it has not settled within `stable_timeout_s` (0.5 s by default, shorter than
  the driver's default 1 s deadline, so a client sees `S I` and not a timeout).
- `Z`: waits for stability like `S`; sets zero to the current load and clears the tare;
  `Z A`, or `Z I` on timeout.
- `T`: waits for stability; stores the current load as the tare, `T S <tare>`; `T I` on
  timeout, `T -` for a negative load.
- `@`: resets (clears tare and zero) and answers `I4 A "<serial>"`; `I4` answers the same.
- Anything else, a command with parameters, or a line over 1 kB: `ES`.
- Overload/underload (see `overload()`, or a value too wide for the 10-character field):
  `S +`/`S -` (`Z +`, `T +` ...).

<w> is the net load (gross minus zero minus tare) in `unit`, right-aligned in 10 characters
with `decimals` decimals (g: 2, kg: 3 by default).

Run it as a process: `python -m drivers.sim.mtsics --listen tcp:0` prints the URL on its first
stdout line, then reads control lines from stdin (`help` lists them).
"""

from __future__ import annotations

import argparse
import queue
import sys
import threading
from decimal import Decimal

from drivers.scale.mtsics import GRAMS_PER_UNIT, encode_reply, format_weight, from_grams
from drivers.sim.wire import Kind, WireServer

__all__ = ["SimMtSics", "main"]

DEFAULT_DECIMALS = {"g": 2, "kg": 3, "mg": 0, "lb": 4, "oz": 3}
GARBAGE = b"\x15\xfe#?*GARBAGE*\xff\r\n"
_MAX_COMMAND = 1024


class SimMtSics:
    """Simulated MT-SICS scale; `url` is a pyserial URL for the driver."""

    def __init__(
        self, kind: Kind = "tcp", *, port: int = 0, serial_number: str = "0123456789",
        unit: str = "g", decimals: int | None = None, stable_timeout_s: float = 0.5,
    ) -> None:
        if unit not in GRAMS_PER_UNIT:
            raise ValueError(f"unit must be one of {sorted(GRAMS_PER_UNIT)}")
        self.serial_number = serial_number
        self.unit = unit
        self.decimals = DEFAULT_DECIMALS[unit] if decimals is None else decimals
        self.stable_timeout_s = stable_timeout_s
        self.commands_received: list[str] = []
        self._cond = threading.Condition()
        self._gross = self._zero = self._tare = Decimal(0)
        self._unstable = self._over = self._under = False
        self._dont_answer = self._garbage = 0
        self._delay_s = 0.0
        self._stopped = False
        self._rx = bytearray()  # I/O thread only
        self._inbox: queue.Queue[tuple[bytes, int] | None] = queue.Queue()
        self._server = WireServer(kind, port=port, on_data=self._on_data, name="sim-mtsics")
        self.url = self._server.url
        self._worker = threading.Thread(target=self._serve, name="sim-mtsics", daemon=True)
        self._worker.start()

    @classmethod
    def on_pty(cls, **kw) -> SimMtSics:
        """Start a simulator on a new pty; `url` is a stable path to its slave end."""
        return cls("pty", **kw)

    @classmethod
    def on_tcp(cls, port: int = 0, **kw) -> SimMtSics:
        """Start a simulator on 127.0.0.1:`port` (0: any free port); `url` is `socket://...`."""
        return cls("tcp", port=port, **kw)

    def __enter__(self) -> SimMtSics:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --------------------------------------------------------------- control
    def place(self, grams: float) -> None:
        """Put a load of `grams` (gross) on the scale; clears overload/underload."""
        with self._cond:
            self._gross = Decimal(str(grams))
            self._over = self._under = False
            self._cond.notify_all()

    def set_unstable(self, unstable: bool) -> None:
        """Make the load sway (True) or settle (False)."""
        with self._cond:
            self._unstable = unstable
            self._cond.notify_all()

    def overload(self, on: bool = True) -> None:
        """Report overload (`+`) until `place()` or `overload(False)`."""
        with self._cond:
            self._over, self._under = on, False

    def underload(self, on: bool = True) -> None:
        """Report underload (`-`) until `place()` or `underload(False)`."""
        with self._cond:
            self._under, self._over = on, False

    def drop_connection(self) -> None:
        """Drop the client connection (TCP) or hang up the pty; pending replies are lost."""
        self._server.drop()
        with self._cond:
            self._cond.notify_all()  # a command waiting for stability gives up

    def dont_answer(self, n: int = 1) -> None:
        """Stay silent for the next `n` commands."""
        with self._cond:
            self._dont_answer += n

    def answer_garbage(self, n: int = 1) -> None:
        """Answer the next `n` commands with bytes that are not MT-SICS."""
        with self._cond:
            self._garbage += n

    def slow(self, seconds: float) -> None:
        """Delay every answer by `seconds` (0 for normal speed)."""
        with self._cond:
            self._delay_s = seconds

    def wait_for_client(self, min_connections: int = 1, timeout: float = 5.0) -> bool:
        """Wait for a TCP client (see `WireServer.wait_for_client`)."""
        return self._server.wait_for_client(min_connections, timeout)

    def wait_for_commands(self, count: int, timeout: float = 5.0) -> bool:
        """Wait until `count` commands in all have been received."""
        with self._cond:
            return self._cond.wait_for(lambda: len(self.commands_received) >= count, timeout)

    @property
    def connections(self) -> int:
        """How many TCP clients have connected so far."""
        return self._server.connections

    def stop(self) -> None:
        """Stop serving and close everything (idempotent)."""
        with self._cond:
            if self._stopped:
                return
            self._stopped = True
            self._cond.notify_all()
        self._inbox.put(None)
        self._server.stop()
        self._worker.join(5)

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
        while (item := self._inbox.get()) is not None:
            line, generation = item
            with self._cond:
                self.commands_received.append(line.decode("ascii", "replace"))
                self._cond.notify_all()
                if self._dont_answer:
                    self._dont_answer -= 1
                    continue
                garbage = self._garbage > 0
                self._garbage -= garbage
                if self._delay_s and self._cond.wait_for(lambda: self._stopped, self._delay_s):
                    return
                reply = GARBAGE if garbage else self._execute(line, generation)
            self._server.send(reply, generation=generation)

    def _execute(self, line: bytes, generation: int) -> bytes:
        """Return the reply to one command line (called with `_cond` held)."""
        cmd = line.decode("ascii", "replace")
        if cmd == "SI":
            return self._weight_reply("S")
        if cmd in ("S", "Z", "T"):
            if self._over or self._under:
                return encode_reply(cmd, "+" if self._over else "-")
            if not self._settle(generation):
                return encode_reply(cmd, "I")
            if cmd == "S":
                return self._weight_reply("S")
            if cmd == "Z":
                self._zero, self._tare = self._gross, Decimal(0)
                return encode_reply("Z", "A")
            tare = self._gross - self._zero
            if tare < 0:
                return encode_reply("T", "-")
            self._tare = tare
            return self._weight_reply("T", tare)
        if cmd == "@":
            self._zero = self._tare = Decimal(0)
        if cmd in ("@", "I4"):
            return encode_reply("I4", "A", self.serial_number)
        return b"ES\r\n"

    def _settle(self, generation: int) -> bool:
        """Wait for a stable load, as a balance does; False on timeout or a dropped client."""
        self._cond.wait_for(
            lambda: not self._unstable or self._stopped or generation != self._server.generation,
            self.stable_timeout_s,
        )
        return not self._unstable

    def _weight_reply(self, id_: str, grams: Decimal | None = None) -> bytes:
        if self._over or self._under:
            return encode_reply(id_, "+" if self._over else "-")
        net = self._gross - self._zero - self._tare if grams is None else grams
        try:
            field = format_weight(from_grams(net, self.unit), self.decimals)
        except ValueError:  # too wide for the display field
            return encode_reply(id_, "+" if net > 0 else "-")
        status = "D" if self._unstable and id_ == "S" else "S"
        return f"{id_} {status} {field} {self.unit}\r\n".encode("ascii")


HELP = """\
place GRAMS | unstable on|off | overload [on|off] | underload [on|off] | drop
dont_answer [N] | garbage [N] | slow SECONDS | commands | help | quit"""


def _control(sim: SimMtSics, words: list[str]) -> str:
    """Apply one control line; return the answer to print."""
    name, args = words[0], words[1:]
    on = not args or args[0] in ("on", "1", "true", "yes")
    if name == "place":
        sim.place(float(args[0]))
    elif name == "unstable":
        sim.set_unstable(on)
    elif name == "overload":
        sim.overload(on)
    elif name == "underload":
        sim.underload(on)
    elif name == "drop":
        sim.drop_connection()
    elif name == "dont_answer":
        sim.dont_answer(int(args[0]) if args else 1)
    elif name == "garbage":
        sim.answer_garbage(int(args[0]) if args else 1)
    elif name == "slow":
        sim.slow(float(args[0]))
    elif name == "commands":
        return f"ok {len(sim.commands_received)}"
    elif name == "help":
        return HELP
    else:
        return f"error: unknown control {name!r} (try help)"
    return "ok"


def main(argv: list[str] | None = None) -> int:
    """Run the simulator until stdin closes or says `quit`."""
    parser = argparse.ArgumentParser(prog="python -m drivers.sim.mtsics", description=__doc__)
    parser.add_argument("--listen", default="tcp:0", help="tcp:PORT (0: any free port) or pty")
    parser.add_argument("--serial", default="0123456789", help="serial number (I4, @)")
    parser.add_argument("--unit", default="g", choices=sorted(GRAMS_PER_UNIT))
    parser.add_argument("--decimals", type=int, default=None)
    parser.add_argument("--stable-timeout", type=float, default=0.5, help="S waits this long, s")
    args = parser.parse_args(argv)
    kw = dict(serial_number=args.serial, unit=args.unit, decimals=args.decimals,
              stable_timeout_s=args.stable_timeout)
    if args.listen == "pty":
        sim = SimMtSics.on_pty(**kw)
    elif args.listen.startswith("tcp:"):
        sim = SimMtSics.on_tcp(int(args.listen[4:]), **kw)
    else:
        parser.error("--listen must be tcp:PORT or pty")
    try:
        print(sim.url, flush=True)
        for raw in sys.stdin:
            words = raw.split()
            if not words:
                continue
            if words[0] in ("quit", "exit"):
                break
            try:
                print(_control(sim, words), flush=True)
            except (ValueError, IndexError) as exc:
                print(f"error: {exc}", flush=True)
    finally:
        sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
