"""The load on a simulated scale, shared by the MT-SICS, Toledo and continuous simulators.

`SimLoad` keeps gross, zero and tare in grams (`Decimal`), motion, and a forced overload or
underload, guarded by the simulator's `_cond`; `load_control` applies the control words
that set them (`place GRAMS`, `unstable on|off`, `overload [on|off]`, `underload [on|off]`,
or the word the scale's protocol uses instead) and `commands`.
"""

from __future__ import annotations

import threading
from decimal import Decimal

from drivers.sim.cli import switch

__all__ = ["SimLoad", "load_control"]


class SimLoad:
    """The load on the platter and what the scale is forced to report."""

    _cond: threading.Condition
    commands_received: list[str]
    _gross = _zero = _tare = Decimal(0)
    _unstable = _over = _under = False

    def place(self, grams: float) -> None:
        """Put a load of `grams` (gross) on the scale; clears a forced overload/underload."""
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
        """Report overload until `place()` or `overload(False)`."""
        with self._cond:
            self._over, self._under = on, False

    def underload(self, on: bool = True) -> None:
        """Report underload until `place()` or `underload(False)`."""
        with self._cond:
            self._under, self._over = on, False

    def wait_for_commands(self, count: int, timeout: float = 5.0) -> bool:
        """Wait until `count` commands in all have been received."""
        with self._cond:
            return self._cond.wait_for(lambda: len(self.commands_received) >= count, timeout)

    @property
    def tare_g(self) -> float:
        """The tare held, in grams."""
        return float(self._tare)


def load_control(sim: SimLoad, name: str, args: list[str], under: str = "underload") -> str | None:
    """Apply a load control word (`under`: the scale's word for underload); None for another."""
    if name == "place":
        sim.place(float(args[0]))
    elif name == "unstable":
        sim.set_unstable(switch(args))
    elif name == "overload":
        sim.overload(switch(args))
    elif name == under:
        sim.underload(switch(args))
    elif name == "commands":
        return f"ok {len(sim.commands_received)}"
    else:
        return None
    return "ok"
