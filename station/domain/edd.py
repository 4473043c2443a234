"""Estimate when a parcel ships and when it is delivered.

The ship date is the first dispatch day on which the parcel can leave: the day it is packed
when that is a dispatch day and the local time is before the cutoff, else the next dispatch
day, plus `handling_days` more dispatch days. Dispatch days follow the site's calendar: its
weekmask, the public holidays of its country and subdivision (from the `holidays` package)
and the days the site is closed (`closed_days`, such as 24 and 31 December).

Delivery is then `transit` (min, max) delivery days after the ship date, counted on the
destination's calendar: the carrier service's weekmask (Saturday delivery or not) and the
public holidays of the destination country and, when known, subdivision. Transit days come
from a small rules table per carrier service, looked up by `CC-SUB` (country and
subdivision), `CC`, the country's zone (`zones`) and `*`, in that order.

A date the carrier or the backend supplies wins over the computed one; `Edd.source` says
which it is. Everything here is pure: no clock, no files, no network.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:
    import numpy as np

Source = Literal["computed", "carrier", "backend"]
SUPPLIED_SOURCES = ("carrier", "backend")
WEEKDAYS = "1111100"  # Monday to Friday (numpy weekmask order: Monday first)
WILDCARD = "*"
MAX_HANDLING_DAYS = 30
MAX_TRANSIT_DAYS = 60
_WEEKMASK = re.compile(r"[01]{7}")
_ANNUAL = re.compile(r"(\d{2})-(\d{2})")


class EddError(ValueError):
    """A delivery estimate that cannot be made: bad policy, or no rule for the service."""


class NoRuleError(EddError):
    """No transit rule covers this carrier service and destination."""


@dataclass(frozen=True, slots=True)
class ServiceRule:
    """Transit days of one carrier service, by destination, and the days it delivers."""

    transit: Mapping[str, tuple[int, int]]  # destination key -> (min, max) delivery days
    delivery_weekmask: str = WEEKDAYS

    def __post_init__(self) -> None:
        _check_weekmask(self.delivery_weekmask, "delivery_weekmask")
        if not self.transit:
            raise EddError("transit: at least one destination is needed (`*` for any)")
        for key, days in self.transit.items():
            if not isinstance(key, str) or not key:
                raise EddError(f"transit: destination key {key!r} must be a non-empty string")
            if (len(days) != 2 or not all(isinstance(d, int) and not isinstance(d, bool)
                                          for d in days)):
                raise EddError(f"transit[{key!r}]: {days!r} must be (min, max) whole days")
            low, high = days
            if not 0 <= low <= high <= MAX_TRANSIT_DAYS:
                raise EddError(f"transit[{key!r}]: need 0 <= min <= max <= {MAX_TRANSIT_DAYS},"
                               f" got {days!r}")


@dataclass(frozen=True, slots=True)
class EddPolicy:
    """How a site dispatches and how long its carrier services take."""

    origin_country: str  # ISO 3166 alpha-2
    timezone: str  # IANA zone of the site, e.g. "Europe/Berlin"
    cutoff: time  # local time; a parcel packed at or after it ships on the next dispatch day
    services: Mapping[tuple[str, str], ServiceRule]  # (carrier, service); "*" matches any
    origin_subdivision: str | None = None  # e.g. "BY"
    handling_days: int = 0  # dispatch days between the packing day and dispatch
    dispatch_weekmask: str = WEEKDAYS  # days the carriers collect at the site
    closed_days: tuple[str | date, ...] = ()  # "MM-DD" every year, "YYYY-MM-DD" or a date once
    zones: Mapping[str, str] = field(default_factory=dict)  # country -> zone, e.g. "AT": "EU1"

    def __post_init__(self) -> None:
        if self.cutoff.tzinfo is not None:
            raise EddError("cutoff: give a local time without zone (the zone is `timezone`)")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise EddError(f"timezone: unknown time zone {self.timezone!r}") from exc
        _check_weekmask(self.dispatch_weekmask, "dispatch_weekmask")
        if (not isinstance(self.handling_days, int)
                or not 0 <= self.handling_days <= MAX_HANDLING_DAYS):
            raise EddError(f"handling_days: need 0..{MAX_HANDLING_DAYS} whole days")
        if _country(self.origin_country) != self.origin_country:
            raise EddError(f"origin_country: {self.origin_country!r} must be like 'DE'")
        try:
            _public_holidays(self.origin_country, self.origin_subdivision, (2000,), True)
        except EddError as exc:
            raise EddError(f"origin: {exc}") from exc
        _closed_rule(tuple(self.closed_days))  # raises on a bad entry

    @property
    def zone(self) -> ZoneInfo:
        """Return the site's time zone."""
        return ZoneInfo(self.timezone)


@dataclass(frozen=True, slots=True)
class SuppliedEdd:
    """A delivery window given by the carrier or the backend."""

    earliest: date
    latest: date
    source: Source = "carrier"

    def __post_init__(self) -> None:
        if self.source not in SUPPLIED_SOURCES:
            raise EddError(f"source: {self.source!r} is not one of {SUPPLIED_SOURCES}")
        if self.latest < self.earliest:
            raise EddError(f"latest {self.latest} is before earliest {self.earliest}")


@dataclass(frozen=True, slots=True)
class Edd:
    """When the parcel ships and the window in which it is delivered."""

    ship_date: date
    earliest: date
    latest: date
    source: Source


def estimate(
    packed_at: datetime, policy: EddPolicy, carrier: str, service: str, dest_country: str,
    dest_subdivision: str | None = None, supplied: SuppliedEdd | None = None,
) -> Edd:
    """Return the ship date and delivery window of a parcel packed at `packed_at`.

    Raises `NoRuleError` when nothing is supplied and no rule covers the service and
    destination; `EddError` (a ValueError) for other bad input.
    """
    shipped = ship_date(packed_at, policy)
    if supplied is not None:
        return Edd(shipped, supplied.earliest, supplied.latest, supplied.source)
    country = _country(dest_country)
    subdiv = _subdivision(country, dest_subdivision)
    rule = find_rule(policy, carrier, service)
    low, high = transit_days(rule, policy.zones, country, subdiv)
    years = _years(shipped, high)
    cal = _calendar(rule.delivery_weekmask, country, subdiv, years, (), strict=False)
    return Edd(shipped, _after(shipped, low, cal), _after(shipped, high, cal), "computed")


def ship_date(packed_at: datetime, policy: EddPolicy) -> date:
    """Return the dispatch day of a parcel packed at `packed_at` (timezone-aware)."""
    import numpy as np  # here, not at import: it is slow to load and only needed here
    if packed_at.tzinfo is None or packed_at.utcoffset() is None:
        raise EddError("packed_at must be timezone-aware")
    local = packed_at.astimezone(policy.zone)
    day = local.date()
    years = _years(day, policy.handling_days)
    cal = _calendar(policy.dispatch_weekmask, policy.origin_country, policy.origin_subdivision,
                    years, tuple(policy.closed_days), strict=True)
    start = np.datetime64(day, "D")
    if np.is_busday(start, busdaycal=cal):
        first = np.busday_offset(start, 0 if local.time() < policy.cutoff else 1, busdaycal=cal)
    else:  # packed on a closed day: the cutoff of that day does not matter
        first = np.busday_offset(start, 0, roll="forward", busdaycal=cal)
    return np.busday_offset(first, policy.handling_days, busdaycal=cal).item()


def find_rule(policy: EddPolicy, carrier: str, service: str) -> ServiceRule:
    """Return the rule of a carrier service: exact, then `(carrier, "*")`, then `("*", "*")`."""
    wanted = {(c.casefold(), s.casefold()): rule for (c, s), rule in policy.services.items()}
    for key in ((carrier, service), (carrier, WILDCARD), (WILDCARD, WILDCARD)):
        rule = wanted.get((key[0].casefold(), key[1].casefold()))
        if rule is not None:
            return rule
    raise NoRuleError(f"no delivery rule for carrier {carrier!r} service {service!r}")


def transit_days(
    rule: ServiceRule, zones: Mapping[str, str], country: str, subdivision: str | None,
) -> tuple[int, int]:
    """Return (min, max) transit days to a destination: by `CC-SUB`, `CC`, zone, then `*`."""
    keys = [f"{country}-{subdivision.upper()}"] if subdivision else []
    keys.append(country)
    if country in zones:
        keys.append(zones[country])
    keys.append(WILDCARD)
    for key in keys:
        if key in rule.transit:
            return rule.transit[key]
    raise NoRuleError(f"no transit days to {country} (tried {', '.join(keys)})")


# --------------------------------------------------------------------- helpers
def _after(day: date, n: int, cal: np.busdaycalendar) -> date:
    import numpy as np
    # The n-th delivery day strictly after `day`; 0 means the same day when it delivers.
    roll = "forward" if n == 0 else "backward"
    return np.busday_offset(np.datetime64(day, "D"), n, roll=roll, busdaycal=cal).item()


def _years(start: date, business_days: int) -> tuple[int, ...]:
    # Enough years of holidays for the offset never to run past the last known holiday.
    return tuple(range(start.year - 1, start.year + 2 + business_days // 150))


@lru_cache(maxsize=256)
def _calendar(weekmask: str, country: str, subdiv: str | None, years: tuple[int, ...],
              closed: tuple[str | date, ...], *, strict: bool) -> np.busdaycalendar:
    import numpy as np
    days = set(_public_holidays(country, subdiv, years, strict))
    annual, once = _closed_rule(closed)
    days.update(once)
    for year in years:
        for month, dom in annual:
            try:
                days.add(date(year, month, dom))
            except ValueError:  # 02-29 in a common year
                continue
    return np.busdaycalendar(weekmask=weekmask, holidays=sorted(days))


@lru_cache(maxsize=256)
def _public_holidays(country: str, subdiv: str | None, years: tuple[int, ...],
                     strict: bool) -> tuple[date, ...]:
    import holidays
    # The origin must be known (strict). At a destination, an unknown subdivision (a region
    # name) falls back to the national holidays, an unknown country to weekends only.
    tries = list(dict.fromkeys((subdiv, subdiv.upper()))) if subdiv else [None]
    if not strict and subdiv:
        tries.append(None)
    error: NotImplementedError | None = None
    for sub in tries:
        try:
            return tuple(holidays.country_holidays(country, subdiv=sub, years=list(years)))
        except NotImplementedError as exc:
            error = error or exc
    if strict:
        raise EddError(str(error))
    return ()


@lru_cache(maxsize=64)
def _closed_rule(closed: tuple[str | date, ...]) -> tuple[tuple[tuple[int, int], ...],
                                                         tuple[date, ...]]:
    annual: list[tuple[int, int]] = []
    once: list[date] = []
    for entry in closed:
        if isinstance(entry, date):
            once.append(entry)
            continue
        match = _ANNUAL.fullmatch(entry) if isinstance(entry, str) else None
        try:
            if match:
                date(2000, int(match[1]), int(match[2]))  # 2000 is a leap year: 02-29 passes
                annual.append((int(match[1]), int(match[2])))
            else:
                once.append(date.fromisoformat(entry))
        except (TypeError, ValueError):
            raise EddError(f"closed_days: {entry!r} is neither MM-DD nor YYYY-MM-DD") from None
    return tuple(annual), tuple(once)


def _check_weekmask(mask: str, what: str) -> None:
    if not isinstance(mask, str) or not _WEEKMASK.fullmatch(mask) or "1" not in mask:
        raise EddError(f"{what}: {mask!r} must be 7 digits 0/1, Monday first, at least one 1")


def _country(code: str) -> str:
    value = (code or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", value):
        raise EddError(f"destination country {code!r} is not an ISO 3166 two-letter code")
    return value


def _subdivision(country: str, code: str | None) -> str | None:
    # Accept "BY" and "DE-BY"; anything else (a region name) is kept and, if the holiday
    # calendar does not know it, the national calendar is used.
    value = (code or "").strip()
    if value.upper().startswith(f"{country}-"):
        value = value[len(country) + 1:]
    return value or None
