"""AIM symbology identifiers: split off and named, byte for byte."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.scanner.aim import AimId, split_aim
from drivers.scanner.protocol import ScanLine


@pytest.mark.parametrize(
    ("wire", "text", "name", "gs1", "rest"),
    [
        (b"]C10107035620052163", "]C1", "GS1 Code 128", True, b"0107035620052163"),
        (b"]C0SO-1", "]C0", "Code 128", False, b"SO-1"),
        (b"]d2\x1d01070356200521631723", "]d2", "GS1 Data Matrix", True,
         b"\x1d01070356200521631723"),
        (b"]Q3https://x", "]Q3", "GS1 QR Code", True, b"https://x"),
        (b"]E04006381333931", "]E0", "EAN-13/UPC-A", False, b"4006381333931"),
        (b"]E496385074", "]E4", "EAN-8", False, b"96385074"),
        (b"]e0011234", "]e0", "GS1 DataBar", True, b"011234"),
        (b"]z0hello", "]z0", "Aztec Code", False, b"hello"),
        (b"]W9x", "]W9", "unknown (W)", False, b"x"),
    ],
)
def test_identifiers(wire, text, name, gs1, rest):
    aim, data = split_aim(wire)
    assert aim is not None and (aim.text, aim.symbology, aim.is_gs1) == (text, name, gs1)
    assert data == rest
    assert ScanLine(wire).aim == aim


@pytest.mark.parametrize("wire", [b"4006381333931", b"]", b"]C", b"]1C0", b"]\xc3\xa9x", b"]C\x1d"])
def test_no_identifier(wire):
    assert split_aim(wire) == (None, wire)
    assert ScanLine(wire).aim is None


@given(st.binary(max_size=64))
def test_split_never_raises_and_loses_nothing(data):
    aim, rest = split_aim(data)
    assert (aim.text.encode() + rest if aim else rest) == data
    assert aim is None or isinstance(aim, AimId)
