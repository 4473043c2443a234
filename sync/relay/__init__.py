"""Deliver the outbox to the customer-notification backend: signed, ordered, retried.

`Relay` (relay.py) is the background worker, `EventsClient` (client.py) the signed HTTP
sender, delivery.py turns answers into outcomes, claim.py claims outbox events (also with
several senders on PostgreSQL), policy.py holds the pure retry rules, and orders.py pulls
the orders ready to pack. The contract is docs/backend-api.md.
"""

from sync.relay.client import Answer, EventsClient, Secret
from sync.relay.policy import RetryPolicy, Verdict
from sync.relay.relay import Relay, open_relay
from sync.relay.state import AlertKind, Cycle, RelaySettings, RelayState, RelayStats

__all__ = ["AlertKind", "Answer", "Cycle", "EventsClient", "Relay", "RelaySettings",
           "RelayState", "RelayStats", "RetryPolicy", "Secret", "Verdict", "open_relay"]
