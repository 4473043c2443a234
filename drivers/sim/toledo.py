"""A wire-level Toledo 8217/8213 scale simulator on a pty or loopback TCP, with faults.

It reads single command letters (CR and LF between them are ignored) and answers each
with one frame of `drivers.scale.toledo`, byte-exactly, in the profile's unit and digits:

- `W`: the net weight, `STX 01.250 CR` (`N` before CR while a tare is held), when the load
  is stable and in range; otherwise `STX ? <status> CR` with motion, over capacity (gross
  above `capacity_g`, or a weight too wide for 6 characters) or under zero (net below 0).
- `Z`: zeroes a stable load within `zero_range_g` of the last zero in gross mode; status
  (centre of zero once zeroed, motion, or outside zero capture range if refused).
- `T`: tares a stable load above zero (status with the net bit). `C`: clears the tare.
- Any other byte: a status with the bad-command bit in profiles that have one; ignored in
  the others (they define no answer).

Every status carries the profile's always-one bits; centre of zero is set while the net
load is within a quarter of a display division of zero.

Run it as a process: `python -m drivers.sim.toledo --listen pty` prints the URL on its first
stdout line, then reads control lines from stdin (`help` lists them).
"""

from __future__ import annotations

import queue
import sys
from decimal import Decimal
from functools import partial

from drivers.scale.mtsics import from_grams, to_grams
from drivers.scale.toledo import PROFILES, StatusBits, encode_status, encode_weight
from drivers.sim.base import FaultCounters, WireSimulator
from drivers.sim.cli import FAULT_HELP, fault_control, listen_parser, parse_args, serve
from drivers.sim.load import SimLoad, load_control
from drivers.sim.wire import Kind

__all__ = ["SimToledo", "main"]

GARBAGE = b"\x15\xfe#?*GARBAGE*\xff\r"


class SimToledo(SimLoad, FaultCounters, WireSimulator):
    """Simulated Toledo 8217/8213 scale; `url` is a pyserial URL for `ToledoScale`."""

    def __init__(
        self, kind: Kind = "tcp", *, port: int = 0, profile: str = "8217",
        capacity_g: float = 15000, zero_range_g: float = 300,
    ) -> None:
        super().__init__()
        self.profile = PROFILES[profile]
        self.capacity_g = Decimal(str(capacity_g))
        self.zero_range_g = Decimal(str(zero_range_g))
        self.commands_received: list[str] = []
        self._forced: list[bytes] = []
        self._inbox: queue.Queue[tuple[str, int] | None] = queue.Queue()
        self._listen(kind, port, "toledo", on_data=self._on_data, worker=self._serve)

    # --------------------------------------------------------------- control
    def underzero(self, on: bool = True) -> None:
        """Report under zero until `place()` or `underzero(False)`."""
        self.underload(on)

    def force_reply(self, frame: bytes, n: int = 1) -> None:
        """Answer the next `n` commands with exactly `frame`."""
        with self._cond:
            self._forced += [bytes(frame)] * n

    # ----------------------------------------------------------------- wire
    def _on_data(self, data: bytes) -> None:
        for byte in data:
            if byte not in (0x0D, 0x0A):
                self._inbox.put((chr(byte), self._server.generation))

    def _serve(self) -> None:
        while (item := self._inbox.get()) is not None:
            cmd, generation = item
            with self._cond:
                self.commands_received.append(cmd)
                self._cond.notify_all()
                if self._take_silence():
                    continue
                garbage = self._take_garbage()
                forced = self._forced.pop(0) if self._forced else None
                if self._wait_slow():
                    return
                reply = GARBAGE if garbage else forced if forced is not None else self._execute(cmd)
            if reply:
                self._server.send(reply, generation=generation)

    def _execute(self, cmd: str) -> bytes:
        """Return the frame answering `cmd` (called with `_cond` held)."""
        if cmd == "W":
            weight = self._weight_frame()
            return weight if weight is not None else self._status()
        if cmd not in "ZTC" or len(cmd) != 1:
            return self._status(self.profile.bad_command) if self.profile.bad_command else b""
        if self._unstable or self._over or self._under:
            return self._status()
        if cmd == "Z":
            if self._tare or abs(self._gross - self._zero) > self.zero_range_g:
                return self._status(StatusBits.OUTSIDE_ZERO_CAPTURE)
            self._zero = self._gross
        elif cmd == "T" and self._net() > 0:
            self._tare = self._gross - self._zero
        elif cmd == "C":
            self._tare = Decimal(0)
        return self._status()

    def _net(self) -> Decimal:
        return self._gross - self._zero - self._tare

    def _status(self, extra: int = 0) -> bytes:
        bits = self.profile.always_one | extra
        if self._unstable:
            bits |= StatusBits.MOTION
        if self._over or self._gross - self._zero > self.capacity_g:
            bits |= StatusBits.OVER_CAPACITY
        if self._under or self._net() < 0:
            bits |= StatusBits.UNDER_ZERO
        division = to_grams(Decimal(1).scaleb(-self.profile.decimals), self.profile.unit)
        if abs(self._net()) * 4 < division:
            bits |= StatusBits.CENTRE_OF_ZERO
        if self._tare:
            bits |= StatusBits.NET
        return encode_status(bits & 0x7F)

    def _weight_frame(self) -> bytes | None:
        if self._unstable or self._over or self._under or self._net() < 0:
            return None
        if self._gross - self._zero > self.capacity_g:
            return None
        value = from_grams(self._net(), self.profile.unit)
        try:
            return encode_weight(value, decimals=self.profile.decimals, net=bool(self._tare))
        except ValueError:  # too wide for the frame: the scale shows over capacity
            self._over = True
            return None


HELP = f"""\
place GRAMS | unstable on|off | overload [on|off] | underzero [on|off]
{FAULT_HELP} | reply HEX | commands | help | quit"""


def _control(sim: SimToledo, words: list[str], _line: str = "") -> str | None:
    """Apply one control line; return the answer to print (None: unknown)."""
    name, args = words[0], words[1:]
    if name == "reply":
        sim.force_reply(bytes.fromhex("".join(args)))
        return "ok"
    if fault_control(sim, name, args):
        return "ok"
    return load_control(sim, name, args, under="underzero")


def main(argv: list[str] | None = None) -> int:
    """Run the simulator until stdin closes or says `quit`."""
    parser = listen_parser("toledo", __doc__)
    parser.add_argument("--profile", default="8217", choices=sorted(PROFILES))
    parser.add_argument("--capacity", type=float, default=15000, help="capacity, g")
    args, kind, port = parse_args(parser, argv)
    sim = SimToledo(kind, port=port, profile=args.profile, capacity_g=args.capacity)
    return serve(sim, partial(_control, sim), HELP)


if __name__ == "__main__":
    sys.exit(main())
