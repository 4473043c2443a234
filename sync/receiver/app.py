"""Serve the backend API for real over HTTP: verify, dedupe, order-check, store, answer.

A reference implementation of docs/backend-api.md on `http.server.ThreadingHTTPServer`
(HTTP/1.1, keep-alive), for tests, demos and benchmarks:

- `POST /events`: Standard Webhooks signature checked with `standardwebhooks`'
  `Webhook.verify` (a tampered body, a wrong secret or a timestamp more than 5 minutes off:
  401); `application/cloudevents+json` (one event) or `application/cloudevents-batch+json`
  (a JSON array); events stored once per id (`store.ReceiverStore`); answer
  `{"results": [...]}`: 200, or 422 for a single event that is not a usable CloudEvent.
- `GET /orders?cursor=&limit=`: orders ready to pack, paginated (see `orders.py`).
- `POST /_control` (a fault document, see `faults.py`), `GET /_stats`: for tests and demos
  only; `control=False` turns both off.

Faults (`Receiver.faults`) are played before or after processing, as planned.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from standardwebhooks import Webhook

from sync.receiver.faults import Fault, FaultKind, Faults, apply_control
from sync.receiver.orders import OrderFeed
from sync.receiver.store import ItemResult, ReceiverStore, database_url

__all__ = ["Receiver", "RequestRecord"]

log = logging.getLogger(__name__)

EVENT_TYPE = "application/cloudevents+json"
BATCH_TYPE = "application/cloudevents-batch+json"
MAX_BODY = 32 * 1024 * 1024
MAX_BATCH = 5000


@dataclass(frozen=True)
class RequestRecord:
    """One events request as it arrived: its signature headers, body hash, answer."""

    webhook_id: str
    webhook_timestamp: str
    content_type: str
    body_sha256: str
    answers: list[int | None] = field(default_factory=list)  # [status], [None]: dropped

    @property
    def status(self) -> int | None:
        """Return the status answered (None: dropped or not yet answered)."""
        return self.answers[0] if self.answers else None


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins the handlers, so no socket outlives stop()
    block_on_close = True
    allow_reuse_address = True

    def __init__(self, address, receiver: Receiver) -> None:
        self.receiver = receiver
        self.open_sockets: set[socket.socket] = set()
        self.sockets_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request, client_address) -> None:
        with self.sockets_lock:
            self.open_sockets.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request) -> None:
        with self.sockets_lock:
            self.open_sockets.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request, client_address) -> None:
        # A client that went away mid-answer is normal here (timeouts, drops): no traceback.
        log.debug("connection from %s ended with an error", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "packbench-receiver/1"
    timeout = 30  # an idle keep-alive connection is closed after this long
    # Headers and body go out in two writes: without this, Nagle's algorithm meets the
    # client's delayed ACK and every answer waits some 40 ms.
    disable_nagle_algorithm = True
    server: _Server
    answered: list[int | None] | None = None  # where to note the status answered

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def do_POST(self) -> None:
        self.answered = None
        path = urlsplit(self.path).path
        body = self._read_body()
        if body is None:
            return
        receiver = self.server.receiver
        if path == "/events":
            receiver.handle_events(self, body)
        elif path == "/_control" and receiver.control:
            try:
                self.reply(200, {"status": apply_control(receiver.faults, json.loads(body))})
            except (ValueError, KeyError, TypeError) as exc:
                self.reply(400, {"error": str(exc)})
        else:
            self.reply(404, {"error": "not found"})

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        receiver = self.server.receiver
        if parts.path == "/orders":
            receiver.handle_orders(self, parts)
        elif parts.path == "/_stats" and receiver.control:
            self.reply(200, receiver.stats())
        elif parts.path == "/healthz":
            self.reply(200, {"status": "ok"})
        else:
            self.reply(404, {"error": "not found"})

    def _read_body(self) -> bytes | None:
        length = self.headers.get("content-length")
        if length is None or not length.isdigit():
            self.reply(411, {"error": "Content-Length required"})
            return None
        if int(length) > MAX_BODY:
            self.reply(413, {"error": "body too large"})
            return None
        return self.rfile.read(int(length))

    def reply(self, status: int, doc: Any, headers: dict[str, str] | None = None,
              raw: bytes | None = None) -> None:
        """Send `doc` as JSON (or `raw` bytes) with `status` and extra `headers`."""
        data = raw if raw is not None else json.dumps(doc, separators=(",", ":")).encode()
        if self.answered is not None:
            self.answered.append(status)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def drop(self) -> None:
        """Close the connection without answering."""
        if self.answered is not None:
            self.answered.append(None)
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


class Receiver:
    """The reference backend on `host:port` (0: any free port), storing into `db`.

    `db` is a SQLite file path or a SQLAlchemy URL. `orders` feeds `GET /orders`.
    """

    def __init__(
        self, secret: str, db: str, *, host: str = "127.0.0.1", port: int = 0,
        control: bool = True, orders: list[dict] | None = None,
    ) -> None:
        self._webhook = Webhook(secret)
        self.store = ReceiverStore(database_url(db))
        self.faults = Faults()
        self.orders = OrderFeed(self._webhook, orders or [])
        self.control = control
        self.log: deque[RequestRecord] = deque(maxlen=10_000)  # the latest events requests
        self._requests = 0
        self._count_lock = threading.Lock()
        self._server = _Server((host, port), self)
        self.host, self.port = self._server.server_address[:2]
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"Receiver(url={self.url!r})"

    @property
    def url(self) -> str:
        """Return the base URL (`http://host:port`)."""
        return f"http://{self.host}:{self.port}"

    @property
    def events_url(self) -> str:
        """Return the events endpoint's URL."""
        return f"{self.url}/events"

    @property
    def orders_url(self) -> str:
        """Return the orders endpoint's URL."""
        return f"{self.url}/orders"

    def start(self) -> Receiver:
        """Start serving in a background thread."""
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, name="receiver",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, cut open connections, close the database."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        with self._server.sockets_lock:
            for sock in list(self._server.open_sockets):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        self._server.server_close()
        self.store.close()

    def __enter__(self) -> Receiver:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def stats(self) -> dict[str, Any]:
        """Return request count, store counts and the faults played."""
        st = self.store.stats()
        return {"requests": self._requests, "stored": st.stored, "duplicates": st.duplicates,
                "out_of_order": st.out_of_order, "violations": st.violations,
                "faults": {str(k): v for k, v in self.faults.played.items()}}

    # -- endpoints ------------------------------------------------------------------------

    def handle_events(self, h: _Handler, body: bytes) -> None:
        """Answer one `POST /events`; note it in `log`."""
        with self._count_lock:
            self._requests += 1
        record = RequestRecord(h.headers.get("webhook-id", ""),
                               h.headers.get("webhook-timestamp", ""),
                               h.headers.get("content-type", ""),
                               hashlib.sha256(body).hexdigest())
        self.log.append(record)
        h.answered = record.answers
        self._answer_events(h, body)

    def _answer_events(self, h: _Handler, body: bytes) -> None:
        fault = self.faults.next_fault()
        if fault is not None and fault.kind is FaultKind.SLOW:
            time.sleep(fault.delay_s)  # the reference backend being slow, on its own thread
            fault = None
        if fault is not None and self._play_before(h, fault):
            return
        try:
            text = body.decode("utf-8")
            self._webhook.verify(text, dict(h.headers.items()), json_parse=False)
        except UnicodeDecodeError:
            h.reply(400, {"error": "body is not UTF-8"})
            return
        except Exception as exc:  # the verifier raises several types on malformed headers
            h.reply(401, {"error": f"signature not valid: {exc}"})
            return
        status, doc = self._process(h.headers.get("content-type", ""), text)
        if fault is not None and fault.kind is FaultKind.FAIL_AFTER:
            h.reply(fault.status, {"error": "injected failure after processing"})
        elif fault is not None and fault.kind is FaultKind.DROP_AFTER:
            h.drop()
        else:
            h.reply(status, doc)

    def _play_before(self, h: _Handler, fault: Fault) -> bool:
        if fault.kind is FaultKind.FAIL_BEFORE:
            h.reply(fault.status, {"error": "injected failure"})
        elif fault.kind is FaultKind.DROP_BEFORE:
            h.drop()
        elif fault.kind is FaultKind.THROTTLE:
            h.reply(429, {"error": "slow down"}, {"Retry-After": fault.retry_after})
        else:
            return False
        return True

    def _process(self, content_type: str, text: str) -> tuple[int, dict]:
        kind = content_type.split(";", 1)[0].strip().lower()
        if kind not in (EVENT_TYPE, BATCH_TYPE):
            return 415, {"error": f"expected {EVENT_TYPE} or {BATCH_TYPE}"}
        try:
            doc = json.loads(text)
        except ValueError:
            return 400, {"error": "body is not JSON"}
        if kind == EVENT_TYPE:
            result = self.store.record([doc])[0]
            return (422 if result.status == "rejected" else 200), {"results": [result.as_json()]}
        if not isinstance(doc, list) or not doc or len(doc) > MAX_BATCH:
            return 400, {"error": f"a batch is a JSON array of 1 to {MAX_BATCH} events"}
        retry = {i for i in range(len(doc)) if self.faults.item_retry()}
        stored = iter(self.store.record([e for i, e in enumerate(doc) if i not in retry]))
        results = [
            ItemResult(_id_of(e), "retry", "try again later") if i in retry else next(stored)
            for i, e in enumerate(doc)
        ]
        return 200, {"results": [r.as_json() for r in results]}

    def handle_orders(self, h: _Handler, parts) -> None:
        """Answer one `GET /orders`."""
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        try:
            self._webhook.verify(target, dict(h.headers.items()), json_parse=False)
        except Exception as exc:
            h.reply(401, {"error": f"signature not valid: {exc}"})
            return
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        try:
            data, headers = self.orders.page(query.get("cursor", ""), query.get("limit", ""))
        except ValueError as exc:
            h.reply(400, {"error": str(exc)})
            return
        h.reply(200, None, headers, raw=data)


def _id_of(item: Any) -> str:
    value = item.get("id") if isinstance(item, dict) else None
    return value if isinstance(value, str) else ""
