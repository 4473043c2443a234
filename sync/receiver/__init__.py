"""A reference backend for the outbox: receives signed CloudEvents over real HTTP.

`Receiver` (app.py) serves the API of docs/backend-api.md, `ReceiverStore` (store.py)
keeps what arrived in its own database, `Faults` (faults.py) plans injected failures.
Run it as `python -m sync.receiver --listen 127.0.0.1:0 --secret whsec_... --db PATH`.
"""

from sync.receiver.app import Receiver
from sync.receiver.faults import Fault, FaultKind, Faults
from sync.receiver.store import ItemResult, ReceiverStats, ReceiverStore, Violation

__all__ = [
           "Fault",
           "FaultKind",
           "Faults",
           "ItemResult",
           "Receiver",
           "ReceiverStats",
           "ReceiverStore",
           "Violation",
]
