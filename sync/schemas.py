"""Load the JSON Schema of each event type and validate events against it.

One schema per CloudEvents type, `resources/schemas/<type>.schema.json` (draft 2020-12),
covers the whole envelope and its `data`; the catalogue is `docs/events.md`. Schemas are
read with `importlib.resources` on first use, never at import.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from jsonschema.exceptions import best_match

SCHEMA_PACKAGE = "resources"
SCHEMA_FOLDER = "schemas"
EVENT_TYPES = (
    "packbench.order.packed.v1", "packbench.shipment.created.v1",
    "packbench.shipment.voided.v1", "packbench.order.exception.v1",
    "packbench.return.received.v1", "packbench.return.inspected.v1",
)
MAX_REPORTED = 10


class EventSchemaError(ValueError):
    """An event that does not match its schema; `errors` lists each problem by path."""

    def __init__(self, event_type: str, errors: list[str]) -> None:
        self.event_type = event_type
        self.errors = errors
        shown = errors[:MAX_REPORTED]
        more = f"; and {len(errors) - len(shown)} more" if len(errors) > len(shown) else ""
        super().__init__(f"{event_type or 'event'} is invalid: {'; '.join(shown)}{more}")


def schema_for(event_type: str) -> dict[str, Any]:
    """Return (a copy of) the JSON Schema of one event type."""
    return copy.deepcopy(_load(_known(event_type)))


def validate_event(envelope: Mapping[str, Any]) -> None:
    """Raise `EventSchemaError` unless `envelope` is a valid event of its own `type`."""
    if not isinstance(envelope, Mapping):
        raise EventSchemaError("", [f"an event is a JSON object, got {type(envelope).__name__}"])
    event_type = envelope.get("type")
    if not isinstance(event_type, str) or event_type not in EVENT_TYPES:
        raise EventSchemaError("", [f"type: unknown event type {event_type!r} "
                                    f"(known: {', '.join(EVENT_TYPES)})"])
    _raise_if_invalid(event_type, _validator(event_type), envelope)
    # A rule JSON Schema cannot state: the subject names the order the data is about.
    subject = f"order/{envelope['data']['order_id']}"
    if envelope["subject"] != subject:
        raise EventSchemaError(event_type, [
            f"subject: {envelope['subject']!r} does not match data.order_id (want {subject!r})"])


def validate_data(event_type: str, data: Mapping[str, Any]) -> None:
    """Raise `EventSchemaError` unless `data` is valid as the data of `event_type`."""
    _raise_if_invalid(_known(event_type), _data_validator(_known(event_type)), data, "data")


# --------------------------------------------------------------------- helpers
def _known(event_type: str) -> str:
    if event_type not in EVENT_TYPES:
        raise EventSchemaError("", [f"unknown event type {event_type!r} "
                                    f"(known: {', '.join(EVENT_TYPES)})"])
    return event_type


@cache
def _load(event_type: str) -> dict[str, Any]:
    path = resources.files(SCHEMA_PACKAGE).joinpath(SCHEMA_FOLDER,
                                                    f"{event_type}.schema.json")
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def _validator(event_type: str) -> Draft202012Validator:
    return Draft202012Validator(_load(event_type), format_checker=FormatChecker())


@cache
def _data_validator(event_type: str) -> Draft202012Validator:
    root = _load(event_type)
    schema = {"$schema": root["$schema"], "$defs": root["$defs"], "$ref": "#/$defs/data"}
    return Draft202012Validator(schema, format_checker=FormatChecker())


def _raise_if_invalid(event_type: str, validator: Draft202012Validator, value: Any,
                      root: str = "") -> None:
    errors = sorted(validator.iter_errors(value), key=lambda e: list(map(str, e.path)))
    if errors:
        raise EventSchemaError(event_type, [_describe(e, root) for e in errors])


def _describe(error: ValidationError, root: str) -> str:
    # A null-or-something field fails as "not valid under any of the given schemas":
    # report the branch that came closest instead.
    if error.validator in ("anyOf", "oneOf") and error.context:
        error = best_match(error.context)
    where = root + "".join(f"[{p}]" if isinstance(p, int) else f".{p}"
                           for p in error.absolute_path)
    return f"{where.lstrip('.') or '(event)'}: {error.message}"
