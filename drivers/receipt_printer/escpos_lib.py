"""Load python-escpos on first use, with its capability cache in a fixed folder.

python-escpos reads its capability database when `escpos.capabilities` is imported and, unless
`ESCPOS_CAPABILITIES_PICKLE_DIR` is set, caches it in a new temporary folder every time. We set
that variable (if the caller has not) to a folder under the user cache directory before the
first import, and never import python-escpos at module import time.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Any

import platformdirs

__all__ = ["PICKLE_DIR_ENV", "escpos_cache_dir", "new_dummy"]

PICKLE_DIR_ENV = "ESCPOS_CAPABILITIES_PICKLE_DIR"
_lock = threading.Lock()


def escpos_cache_dir() -> Path:
    """Return the folder python-escpos caches its capabilities in (created if missing)."""
    path = Path(os.environ.get(PICKLE_DIR_ENV) or
                Path(platformdirs.user_cache_dir("packbench")) / "escpos")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _printer_module() -> Any:
    with _lock:
        if "escpos.capabilities" not in sys.modules:
            os.environ[PICKLE_DIR_ENV] = str(escpos_cache_dir())
        from escpos import printer

        return printer


def new_dummy(escpos_profile: str = "default", media: dict[str, Any] | None = None) -> Any:
    """Return a python-escpos `Dummy` (a byte sink) with that capability profile.

    `media` replaces the profile's media data (width in mm and pixels, dpi) for this
    instance only; python-escpos shares one profile dict between instances.
    """
    dummy = _printer_module().Dummy(profile=escpos_profile)
    if media is not None:
        dummy.profile.profile_data = {**dummy.profile.profile_data, "media": media}
    return dummy
