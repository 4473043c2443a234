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

import argparse
import queue
import sys
import threading
from decimal import Decimal

from drivers.scale.mtsics import from_grams, to_grams
from drivers.scale.toledo import PROFILES, StatusBits, encode_status, encode_weight
from drivers.sim.cli import parse_listen, serve
from drivers.sim.wire import Kind, WireServer

__all__ = ["SimToledo", "main"]

GARBAGE = b"\x15\xfe#?*GARBAGE*\xff\r"


class SimToledo:
    """Simulated Toledo 8217/8213 scale; `url` is a pyserial URL for `ToledoScale`."""

    def __init__(
        self, kind: Kind = "tcp", *, port: int = 0, profile: str = "8217",
        capacity_g: float = 15000, zero_range_g: float = 300,
    ) -> None:
        self.profile = PROFILES[profile]
        self.capacity_g = Decimal(str(capacity_g))
        self.zero_range_g = Decimal(str(zero_range_g))
        self.commands_received: list[str] = []
        self._cond = threading.Condition()
        self._gross = self._zero = self._tare = Decimal(0)
        self._unstable = self._over = self._under = False
        self._dont_answer = self._garbage = 0
        self._forced: list[bytes] = []
        self._delay_s = 0.0
        self._stopped = False
        self._inbox: queue.Queue[tuple[str, int] | None] = queue.Queue()
        self._server = WireServer(kind, port=port, on_data=self._on_data, name="sim-toledo")
        self.url = self._server.url
        self._worker = threading.Thread(target=self._serve, name="sim-toledo", daemon=True)
        self._worker.start()

    @classmethod
    def on_pty(cls, **kw) -> SimToledo:
        """Start a simulator on a new pty; `url` is a stable path to its slave end."""
        return cls("pty", **kw)

    @classmethod
    def on_tcp(cls, port: int = 0, **kw) -> SimToledo:
        """Start a simulator on 127.0.0.1:`port` (0: any free port); `url` is `socket://...`."""
        return cls("tcp", port=port, **kw)

    def __enter__(self) -> SimToledo:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --------------------------------------------------------------- control
    def place(self, grams: float) -> None:
        """Put a load of `grams` (gross) on the platter; clears forced over/under zero."""
        with self._cond:
            self._gross = Decimal(str(grams))
            self._over = self._under = False

    def set_unstable(self, unstable: bool) -> None:
        """Make the load sway (True) or settle (False)."""
        with self._cond:
            self._unstable = unstable

    def overload(self, on: bool = True) -> None:
        """Report over capacity until `place()` or `overload(False)`."""
        with self._cond:
            self._over, self._under = on, False

    def underzero(self, on: bool = True) -> None:
        """Report under zero until `place()` or `underzero(False)`."""
        with self._cond:
            self._under, self._over = on, False

    def drop_connection(self) -> None:
        """Drop the client connection (TCP) or hang up the pty."""
        self._server.drop()

    def dont_answer(self, n: int = 1) -> None:
        """Stay silent for the next `n` commands."""
        with self._cond:
            self._dont_answer += n

    def answer_garbage(self, n: int = 1) -> None:
        """Answer the next `n` commands with bytes that are not a Toledo frame."""
        with self._cond:
            self._garbage += n

    def force_reply(self, frame: bytes, n: int = 1) -> None:
        """Answer the next `n` commands with exactly `frame`."""
        with self._cond:
            self._forced += [bytes(frame)] * n

    def slow(self, seconds: float) -> None:
        """Delay every answer by `seconds` (0 for normal speed)."""
        with self._cond:
            self._delay_s = seconds

    def wait_for_commands(self, count: int, timeout: float = 5.0) -> bool:
        """Wait until `count` commands in all have been received."""
        with self._cond:
            return self._cond.wait_for(lambda: len(self.commands_received) >= count, timeout)

    @property
    def tare_g(self) -> float:
        """The tare held, in grams."""
        return float(self._tare)

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
        for byte in data:
            if byte not in (0x0D, 0x0A):
                self._inbox.put((chr(byte), self._server.generation))

    def _serve(self) -> None:
        while (item := self._inbox.get()) is not None:
            cmd, generation = item
            with self._cond:
                self.commands_received.append(cmd)
                self._cond.notify_all()
                if self._dont_answer:
                    self._dont_answer -= 1
                    continue
                garbage = self._garbage > 0
                self._garbage -= garbage
                forced = self._forced.pop(0) if self._forced else None
                if self._delay_s and self._cond.wait_for(lambda: self._stopped, self._delay_s):
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


HELP = """\
place GRAMS | unstable on|off | overload [on|off] | underzero [on|off] | drop
dont_answer [N] | garbage [N] | reply HEX | slow SECONDS | commands | help | quit"""


def _control(sim: SimToledo, words: list[str]) -> str:
    """Apply one control line; return the answer to print."""
    name, args = words[0], words[1:]
    on = not args or args[0] in ("on", "1", "true", "yes")
    actions = {
        "place": lambda: sim.place(float(args[0])),
        "unstable": lambda: sim.set_unstable(on),
        "overload": lambda: sim.overload(on),
        "underzero": lambda: sim.underzero(on),
        "drop": sim.drop_connection,
        "dont_answer": lambda: sim.dont_answer(int(args[0]) if args else 1),
        "garbage": lambda: sim.answer_garbage(int(args[0]) if args else 1),
        "reply": lambda: sim.force_reply(bytes.fromhex("".join(args))),
        "slow": lambda: sim.slow(float(args[0])),
    }
    if name == "commands":
        return f"ok {len(sim.commands_received)}"
    if name not in actions:
        return f"error: unknown control {name!r} (try help)"
    actions[name]()
    return "ok"


def main(argv: list[str] | None = None) -> int:
    """Run the simulator until stdin closes or says `quit`."""
    parser = argparse.ArgumentParser(prog="python -m drivers.sim.toledo", description=__doc__)
    parser.add_argument("--listen", default="tcp:0", help="tcp:PORT (0: any free port) or pty")
    parser.add_argument("--profile", default="8217", choices=sorted(PROFILES))
    parser.add_argument("--capacity", type=float, default=15000, help="capacity, g")
    args = parser.parse_args(argv)
    kind, port = parse_listen(parser, args.listen)
    sim = SimToledo(kind, port=port, profile=args.profile, capacity_g=args.capacity)
    return serve(sim, lambda words, _line: _control(sim, words), HELP)


if __name__ == "__main__":
    sys.exit(main())
