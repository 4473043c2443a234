"""Every scale type through `open_scale` and the `Scale` protocol: same faults, same errors.

Each driver runs against its simulator over a real pty and over loopback TCP: weights in
grams, an unstable load never gives a stable weight, overload is an error, a dropped
connection raises once and the next call reconnects, garbage and over-long lines are a
`ScaleProtocolError`.
"""

from __future__ import annotations

import contextlib

import pytest

from drivers.scale import SCALE_PROTOCOLS, Scale, ScaleState, open_scale
from drivers.scale.errors import (
    ScaleBusyError,
    ScaleConnectionError,
    ScaleOverloadError,
    ScaleProtocolError,
)
from drivers.sim.continuous import SimContinuous
from drivers.sim.mtsics import SimMtSics
from drivers.sim.toledo import SimToledo


class Rig:
    """One simulator and the fault helpers that differ between them."""

    def __init__(self, protocol: str, kind: str) -> None:
        self.protocol = protocol
        if protocol == "mt-sics":
            self.sim = SimMtSics(kind, stable_timeout_s=0.1)
        elif protocol == "toledo-8217":
            self.sim = SimToledo(kind)
        else:
            self.sim = SimContinuous(kind, preset="cas", rate_hz=100)

    def garbage(self) -> None:
        if self.protocol == "continuous":
            self.sim.garbage(1000)
        else:
            self.sim.answer_garbage()

    def overlong(self) -> None:
        if self.protocol == "mt-sics":
            self.sim.force_reply(b"S S " + b"9" * 400)
        elif self.protocol == "toledo-8217":
            self.sim.force_reply(b"\x02" + b"9" * 40 + b"\r")
        else:
            self.sim.overlong()

    def clean(self) -> None:
        if self.protocol == "continuous":
            self.sim.clear_faults()


@pytest.fixture(params=[(p, k) for p in SCALE_PROTOCOLS for k in ("pty", "tcp")],
                ids=lambda pk: f"{pk[0]}-{pk[1]}")
def rig(request):
    r = Rig(*request.param)
    yield r
    r.sim.stop()


@pytest.fixture
def scale(rig):
    sc = open_scale(rig.protocol, rig.sim.url, timeout_s=0.3)
    yield sc
    sc.close()


def test_every_driver_is_a_scale(scale):
    assert isinstance(scale, Scale)
    assert scale.state is ScaleState.DISCONNECTED


def test_weight_in_grams(rig, scale):
    rig.sim.place(1250)
    weight = scale.weight_immediate()
    assert (weight.grams, weight.stable) == (1250.0, True)
    assert scale.weight_stable().grams == 1250.0
    assert scale.state is ScaleState.CONNECTED


def test_an_unstable_load_never_gives_a_stable_weight(rig, scale):
    rig.sim.place(800)
    rig.sim.set_unstable(True)
    for _ in range(2):
        with pytest.raises(ScaleBusyError):  # ScaleMotionError, or the scale's own S I
            scale.weight_stable(timeout_s=0.2)
        with contextlib.suppress(ScaleBusyError):  # the Toledo sends no weight while moving
            assert not scale.weight_immediate().stable
    rig.sim.set_unstable(False)
    assert scale.weight_stable().stable


def test_overload_is_an_error_not_a_weight(rig, scale):
    rig.sim.overload()
    with pytest.raises(ScaleOverloadError):
        scale.weight_immediate()
    with pytest.raises(ScaleOverloadError):
        scale.weight_stable()
    rig.sim.place(5)
    assert scale.weight_immediate().grams == 5.0


def test_dropped_connection_then_the_next_call_reconnects(rig, scale):
    rig.sim.place(3)
    assert scale.weight_immediate().grams == 3.0
    rig.sim.drop_connection()
    with pytest.raises(ScaleConnectionError):
        for _ in range(3):  # a streaming pty may hang up between two calls
            scale.weight_immediate()
    assert scale.state is ScaleState.DISCONNECTED
    assert scale.weight_immediate().grams == 3.0


@pytest.mark.parametrize("fault", ["garbage", "overlong"])
def test_garbage_and_overlong_lines_are_protocol_errors(rig, scale, fault):
    rig.sim.place(42)
    getattr(rig, fault)()
    with pytest.raises(ScaleProtocolError):
        scale.weight_immediate()
    assert scale.state is ScaleState.FAULT
    rig.clean()
    assert scale.weight_immediate().grams == 42.0


def test_open_scale_checks_its_arguments():
    assert SCALE_PROTOCOLS == ("mt-sics", "toledo-8217", "continuous")
    with pytest.raises(ValueError, match="mt-sics, toledo-8217, continuous"):
        open_scale("sartorius", "loop://")
    with pytest.raises(ValueError, match="mt-sics-emulator"):
        open_scale("mt-sics", "loop://", model="acme")
    with pytest.raises(ValueError, match="8217-lb"):
        open_scale("toledo-8217", "loop://", model="acme")
    with pytest.raises(ValueError, match="ohaus"):
        open_scale("continuous", "loop://", model="acme")
    with pytest.raises(ValueError, match="only for continuous"):
        open_scale("mt-sics", "loop://", pattern="(?P<stability>S)(?P<value>1)")
    with pytest.raises(ValueError, match="named groups"):
        open_scale("continuous", "loop://", pattern="(?P<value>1)")
    custom = open_scale("continuous", "loop://", pattern="(?P<stability>S)(?P<value>1)")
    assert custom.format.name == "custom"
    assert open_scale("toledo-8217", "loop://", model="8217-lb").profile.unit == "lb"
    assert open_scale("mt-sics", "loop://", model="mt-sics-emulator").quirks.name == (
        "mt-sics-emulator")
