"""Register packers and supervisors; hash and check PINs with scrypt."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from station.data.models import Packer

# scrypt cost: about 50 ms per check here, far too slow for guessing a 4-6 digit PIN
# offline at scale yet quick enough for a supervisor at the station.
_N, _R, _P = 2**14, 8, 1
ROLES = ("packer", "supervisor")


class PackerError(ValueError):
    """A packer cannot be registered as asked."""


def hash_pin(pin: str) -> str:
    """Return a salted scrypt hash of a PIN, self-describing."""
    if not pin or len(pin) < 4:
        raise PackerError("a PIN has at least 4 characters")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_pin(pin: str, stored: str | None) -> bool:
    """Tell whether a PIN matches a stored hash (constant-time compare)."""
    if not stored:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(
            pin.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
            dklen=len(base64.b64decode(digest)),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


def add_packer(
    sessions: sessionmaker[Session], *, badge_id: str, name: str, role: str,
    pin: str | None = None,
) -> bool:
    """Create or update a packer by badge; return True if created."""
    badge_id, name = badge_id.strip(), name.strip()
    if not badge_id or any(ch.isspace() for ch in badge_id) or len(badge_id) > 64:
        raise PackerError("a badge id is 1-64 characters without spaces")
    if not name:
        raise PackerError("a name is required")
    if role not in ROLES:
        raise PackerError(f"role must be one of {', '.join(ROLES)}")
    pin_hash = hash_pin(pin) if pin else None
    with sessions.begin() as s:
        row = s.scalars(select(Packer).where(Packer.badge_id == badge_id)).first()
        created = row is None
        if row is None:
            row = Packer(badge_id=badge_id, name=name, role=role, active=True)
            s.add(row)
        row.name, row.role, row.active = name, role, True
        if pin_hash:
            row.pin_hash = pin_hash
    return created
