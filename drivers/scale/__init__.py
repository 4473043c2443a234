"""Scale drivers: MT-SICS, Toledo 8217/8213 and continuous-output ASCII scales.

`open_scale(protocol, url, ...)` builds the driver a configuration names; every driver
implements the `Scale` protocol and raises only the `ScaleError` family.
"""

from drivers.scale.base import CONNECTED_STATES, Scale, ScaleState, Weight
from drivers.scale.factory import SCALE_PROTOCOLS, open_scale

__all__ = ["CONNECTED_STATES", "SCALE_PROTOCOLS", "Scale", "ScaleState", "Weight", "open_scale"]
