"""A wire-level ZPL II label printer simulator on a pty or loopback TCP, with fault injection.

It reads the byte stream the way a printer does:

- `~` commands act at once, inside a format too: `~HS` and `~HQES` are answered from the
  simulator's state, in the format of `drivers.label_printer.protocol`; `~PP` pauses, `~PS`
  resumes, `~JA` cancels every held format; any other `~XX` is recorded and ignored.
- Every `^XA ... ^XZ` format is kept in `jobs`, in order, as received (minus `~` commands in
  it). It prints (into `printed`; `labels_printed` grows by its `^PQ` quantity) only while
  nothing stops the printer: paused, paper out, head open, ribbon out, receive buffer full,
  head over temperature. Otherwise it waits in `held` (buffered, not printed; `~HS` counts it
  in "formats in buffer") and prints in order once the problem is cleared.
- `load_paper(labels=n)` loads a roll of n labels: when the printer needs label n+1, it stops
  with paper out, and the format being printed waits with its remaining labels.
- Non-blank bytes outside a format are counted in `stray_bytes`; a `^XA` inside an open
  format discards that format (counted in `malformed`).

Fault injection: `drop_connection()`, `dont_answer(n)` (the next n queries get no reply),
`answer_garbage(n)`, `slow(seconds)`, and `silent_in_fault` (no `~HS` reply while paper or
ribbon is out, the head is open or too hot, as Zebra documents for some firmware).

Run it as a process: `python -m drivers.sim.zpl --listen tcp:0` prints the URL on its first
stdout line, then reads control lines from stdin (`help` lists them).
"""

from __future__ import annotations

import queue
import re
import sys
from functools import partial

from drivers.label_printer.protocol import (
    ErrorFlag,
    ExtendedStatus,
    HostStatus,
    WarningFlag,
    encode_extended_status,
    encode_host_status,
)
from drivers.sim.base import FaultCounters, WireSimulator
from drivers.sim.cli import FAULT_HELP, fault_control, listen_parser, parse_args, serve, switch
from drivers.sim.wire import Kind

__all__ = ["SimZplPrinter", "main"]

GARBAGE = b"\x15\xfe#?*GARBAGE*\xff\r\n"
_TOKEN = re.compile(rb"~[A-Za-z]{2}|\^[Xx][AaZz]")
_QUANTITY = re.compile(rb"\^PQ(\d+)", re.IGNORECASE)
_MAX_FORMAT = 1 << 22  # a format that never ends must not eat all memory
_FAULTS = ("paper_out", "head_open", "ribbon_out", "buffer_full", "over_temperature")


class SimZplPrinter(FaultCounters, WireSimulator):
    """Simulated ZPL II printer; `url` is a pyserial URL for `ZplPrinter`."""

    def __init__(
        self, kind: Kind = "tcp", *, port: int = 0, label_length_dots: int = 1218,
        silent_in_fault: bool = False,
    ) -> None:
        super().__init__()
        self.label_length_dots = label_length_dots
        self.silent_in_fault = silent_in_fault
        self.commands_received: list[str] = []
        self.labels_printed = 0
        self.stray_bytes = self.malformed = 0
        self._flags = dict.fromkeys((*_FAULTS, "paused", "under_temperature", "paper_low"), False)
        self._paper_left: int | None = None  # None: a roll that never ends
        self._jobs: list[bytes] = []
        self._printed: list[bytes] = []
        self._held: list[list] = []  # [format, labels still to print]
        self._rx = bytearray()  # I/O thread only, like _format
        self._format: bytearray | None = None
        self._inbox: queue.Queue[tuple | None] = queue.Queue()
        self._listen(kind, port, "zpl", on_data=self._on_data, worker=self._serve)

    # --------------------------------------------------------------- control
    def paper_out(self, on: bool = True) -> None:
        """Run out of paper (or load it again with `on=False`: a roll that never ends)."""
        if not on:
            self.load_paper()
            return
        self._set("paper_out", True)

    def load_paper(self, labels: int | None = None) -> None:
        """Load a roll of `labels` labels (None: never ends); clears paper out."""
        with self._cond:
            self._paper_left = labels
        self._set("paper_out", False)

    def head_open(self, on: bool = True) -> None:
        """Open (or close) the print head."""
        self._set("head_open", on)

    def ribbon_out(self, on: bool = True) -> None:
        """Run out of ribbon (or load a new one)."""
        self._set("ribbon_out", on)

    def pause(self, on: bool = True) -> None:
        """Pause (or leave pause), like the PAUSE key or `~PP` / `~PS`."""
        self._set("paused", on)

    def resume(self) -> None:
        """Leave pause; held formats print if nothing else is wrong."""
        self._set("paused", False)

    def buffer_full(self, on: bool = True) -> None:
        """Report (or stop reporting) a full receive buffer; formats are held meanwhile."""
        self._set("buffer_full", on)

    def over_temperature(self, on: bool = True) -> None:
        """Report the print head too hot: printing stops."""
        self._set("over_temperature", on)

    def under_temperature(self, on: bool = True) -> None:
        """Report the print head too cold: printing goes on."""
        self._set("under_temperature", on)

    def paper_low(self, on: bool = True) -> None:
        """Report paper near end (a `~HQES` warning; printing goes on)."""
        self._set("paper_low", on)

    def clear(self) -> None:
        """Clear every fault and pause, load an endless roll, and print what is held."""
        with self._cond:
            self._flags = dict.fromkeys(self._flags, False)
            self._paper_left = None
            self._print_held()
            self._cond.notify_all()

    # ----------------------------------------------------------------- views
    @property
    def jobs(self) -> list[bytes]:
        """Every format received, in order."""
        with self._cond:
            return list(self._jobs)

    @property
    def printed(self) -> list[bytes]:
        """Formats printed in full, in order."""
        with self._cond:
            return list(self._printed)

    @property
    def held(self) -> list[bytes]:
        """Formats received but not (fully) printed yet, in order."""
        with self._cond:
            return [entry[0] for entry in self._held]

    def status(self) -> HostStatus:
        """The state as the next `~HS` reply reports it (outside a partial format)."""
        with self._cond:
            return self._host_status(partial=False)

    def wait_for_jobs(self, n: int, timeout: float = 5.0) -> bool:
        """Wait until `n` formats in all have been received."""
        return self._wait_until(lambda: len(self._jobs) >= n, timeout)

    def wait_for_commands(self, n: int, timeout: float = 5.0) -> bool:
        """Wait until `n` `~` commands in all have been received."""
        return self._wait_until(lambda: len(self.commands_received) >= n, timeout)

    # ----------------------------------------------------------------- state
    def _set(self, flag: str, on: bool) -> None:
        with self._cond:
            self._flags[flag] = on
            self._print_held()
            self._cond.notify_all()

    def _can_print(self) -> bool:
        return not any(self._flags[f] for f in (*_FAULTS, "paused"))

    def _print_held(self) -> None:
        """Print held formats in order while nothing stops the printer (`_cond` held)."""
        while self._held and self._can_print():
            entry = self._held[0]
            n = entry[1] if self._paper_left is None else min(entry[1], self._paper_left)
            entry[1] -= n
            self.labels_printed += n
            if self._paper_left is not None:
                self._paper_left -= n
            if entry[1]:  # the roll ran out under this format
                self._flags["paper_out"] = True
                return
            self._printed.append(self._held.pop(0)[0])

    def _host_status(self, partial: bool) -> HostStatus:
        f = self._flags
        return HostStatus(
            paper_out=f["paper_out"], paused=f["paused"], label_length_dots=self.label_length_dots,
            formats_in_buffer=len(self._held), buffer_full=f["buffer_full"],
            partial_format=partial, under_temperature=f["under_temperature"],
            over_temperature=f["over_temperature"], head_up=f["head_open"],
            ribbon_out=f["ribbon_out"], labels_remaining=self._held[0][1] if self._held else 0,
        )

    def _extended_status(self) -> ExtendedStatus:
        f = self._flags
        errors = ((ErrorFlag.MEDIA_OUT if f["paper_out"] else 0)
                  | (ErrorFlag.RIBBON_OUT if f["ribbon_out"] else 0)
                  | (ErrorFlag.HEAD_OPEN if f["head_open"] else 0)
                  | (ErrorFlag.PRINTHEAD_OVER_TEMPERATURE if f["over_temperature"] else 0))
        warnings = WarningFlag.PAPER_NEAR_END if f["paper_low"] else 0
        return ExtendedStatus(bool(errors), int(errors), bool(warnings), int(warnings))

    # ----------------------------------------------------------------- wire
    def _on_data(self, data: bytes) -> None:
        """Split the stream into formats and `~` commands (I/O thread)."""
        rx = self._rx
        rx += data
        generation = self._server.generation
        while (m := _TOKEN.search(rx)) is not None:
            token = m.group().upper()
            end = m.end()
            if token == b"~HQ":
                if len(rx) < end + 2:
                    break  # wait for the query type
                token, end = token + bytes(rx[end : end + 2]).upper(), end + 2
            self._text(m.start())
            raw, rx[:] = bytes(rx[: end - m.start()]), rx[end - m.start() :]
            if token == b"^XA":
                self.malformed += self._format is not None
                self._format = bytearray(raw)
            elif token == b"^XZ":
                if self._format is None:
                    self.stray_bytes += len(raw)
                else:
                    self._inbox.put(("job", bytes(self._format + raw)))
                    self._format = None
            else:
                self._inbox.put(("cmd", token.decode("ascii"), generation, bool(self._format)))
        # Keep a tail that may be the start of a token split across reads.
        starts = [i for i in (rx.rfind(b"~", -5), rx.rfind(b"^", -2)) if i >= 0]
        self._text(min(starts) if starts else len(rx))

    def _text(self, n: int) -> None:
        """Consume `n` bytes of plain text from the receive buffer (I/O thread)."""
        chunk, self._rx[:] = bytes(self._rx[:n]), self._rx[n:]
        if self._format is None:
            self.stray_bytes += len(chunk.strip(b" \t\r\n"))
        elif len(self._format) + len(chunk) > _MAX_FORMAT:
            self.malformed += 1
            self._format = None
        else:
            self._format += chunk

    def _serve(self) -> None:
        while (item := self._inbox.get()) is not None:
            if item[0] == "job":
                with self._cond:
                    self._receive(item[1])
                continue
            _, name, generation, partial = item
            with self._cond:
                self.commands_received.append(name)
                self._cond.notify_all()
                reply = self._command(name, partial)
                if reply is None:
                    continue
                if self._take_silence():
                    continue
                garbage = self._take_garbage()
                if self._wait_slow():
                    return
            self._server.send(GARBAGE if garbage else reply, generation=generation)

    def _receive(self, fmt: bytes) -> None:
        m = _QUANTITY.search(fmt)
        self._jobs.append(fmt)
        self._held.append([fmt, max(1, int(m[1])) if m else 1])
        self._print_held()
        self._cond.notify_all()

    def _command(self, name: str, partial: bool) -> bytes | None:
        """Act on one `~` command; return its reply, None if it has none (`_cond` held)."""
        if name == "~HS":
            faulted = any(self._flags[f] for f in _FAULTS if f != "buffer_full")
            if self.silent_in_fault and faulted:
                return None
            return encode_host_status(self._host_status(partial))
        if name == "~HQES":
            return encode_extended_status(self._extended_status())
        if name in ("~PP", "~PS"):
            self._flags["paused"] = name == "~PP"
            self._print_held()
        elif name == "~JA":
            self._held.clear()
        return None


HELP = f"""\
paper_out|head_open|ribbon_out|pause|buffer_full|over_temp|under_temp|paper_low [on|off]
load_paper [LABELS] | resume | clear | {FAULT_HELP}
silent_in_fault [on|off] | jobs | printed | held | help | quit"""

_SWITCHES = {
    "paper_out": "paper_out", "head_open": "head_open", "ribbon_out": "ribbon_out",
    "pause": "pause", "buffer_full": "buffer_full", "over_temp": "over_temperature",
    "under_temp": "under_temperature", "paper_low": "paper_low",
}


def _control(sim: SimZplPrinter, words: list[str], _line: str = "") -> str | None:
    """Apply one control line; return the answer to print (None: unknown)."""
    name, args = words[0], words[1:]
    if name in _SWITCHES:
        getattr(sim, _SWITCHES[name])(switch(args))
    elif name == "silent_in_fault":
        sim.silent_in_fault = switch(args)
    elif name == "load_paper":
        sim.load_paper(int(args[0]) if args else None)
    elif name == "resume":
        sim.resume()
    elif name == "clear":
        sim.clear()
    elif name in ("jobs", "printed", "held"):
        return f"ok {len(getattr(sim, name))}"
    elif not fault_control(sim, name, args):
        return None
    return "ok"


def main(argv: list[str] | None = None) -> int:
    """Run the simulator until stdin closes or says `quit`."""
    parser = listen_parser("zpl", __doc__)
    parser.add_argument("--label-length", type=int, default=1218, help="label length, dots")
    parser.add_argument("--silent-in-fault", action="store_true",
                        help="do not answer ~HS while paper/ribbon out or head open")
    args, kind, port = parse_args(parser, argv)
    sim = SimZplPrinter(kind, port=port, label_length_dots=args.label_length,
                        silent_in_fault=args.silent_in_fault)
    return serve(sim, partial(_control, sim), HELP)


if __name__ == "__main__":
    sys.exit(main())
