"""Ship dates and delivery windows on fixed dates, checked against the holidays package."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station.domain.edd import (
    Edd,
    EddError,
    EddPolicy,
    NoRuleError,
    ServiceRule,
    SuppliedEdd,
    estimate,
    ship_date,
)

BERLIN = ZoneInfo("Europe/Berlin")
SERVICES = {
    ("DHL", "Paket"): ServiceRule({"DE": (1, 2), "AT": (2, 3), "*": (3, 6)}),
    ("DHL", "Paket Samstag"): ServiceRule({"DE": (1, 2)}, delivery_weekmask="1111110"),
    ("Post", "International"): ServiceRule({"AT": (2, 3), "CH": (2, 3), "EU1": (4, 5)}),
    ("Courier", "Same Day"): ServiceRule({"DE": (0, 1)}),
}


def policy(**changes) -> EddPolicy:
    values = {"origin_country": "DE", "origin_subdivision": "BE", "timezone": "Europe/Berlin",
              "cutoff": time(14, 0), "services": SERVICES}
    return EddPolicy(**{**values, **changes})


def berlin(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=BERLIN)


def is_holiday(country: str, day: date, subdiv: str | None = None) -> bool:
    return day in holidays.country_holidays(country, subdiv=subdiv, years=day.year)


def dhl(packed: datetime, dest: str = "DE", sub: str | None = None, **changes) -> Edd:
    return estimate(packed, policy(**changes), "DHL", "Paket", dest, sub)


# ----------------------------------------------------------------- cutoff, weekends
def test_packed_before_the_cutoff_ships_the_same_day():
    assert dhl(berlin(2026, 3, 11, 13, 59)) == Edd(
        date(2026, 3, 11), date(2026, 3, 12), date(2026, 3, 13), "computed")


def test_packed_at_or_after_the_cutoff_ships_the_next_dispatch_day():
    assert dhl(berlin(2026, 3, 11, 14, 0)).ship_date == date(2026, 3, 12)
    assert dhl(berlin(2026, 3, 11, 22, 0)).ship_date == date(2026, 3, 12)


def test_friday_after_the_cutoff_and_the_weekend_ship_on_monday():
    assert dhl(berlin(2026, 3, 13, 15, 0)).ship_date == date(2026, 3, 16)
    assert dhl(berlin(2026, 3, 14, 9, 0)).ship_date == date(2026, 3, 16)  # Saturday morning
    edd = dhl(berlin(2026, 3, 15, 11, 0))  # Sunday
    assert (edd.ship_date, edd.earliest, edd.latest) == (
        date(2026, 3, 16), date(2026, 3, 17), date(2026, 3, 18))


def test_handling_days_count_dispatch_days():
    assert dhl(berlin(2026, 3, 11, 10), handling_days=1).ship_date == date(2026, 3, 12)
    assert dhl(berlin(2026, 3, 12, 10), handling_days=2).ship_date == date(2026, 3, 16)
    assert dhl(berlin(2026, 3, 12, 15), handling_days=1).ship_date == date(2026, 3, 16)


# ----------------------------------------------------------------- public holidays
def test_easter_friday_and_monday_move_dispatch_to_tuesday():
    good_friday, easter_monday = date(2026, 4, 3), date(2026, 4, 6)
    assert is_holiday("DE", good_friday) and is_holiday("DE", easter_monday)
    assert not is_holiday("DE", date(2026, 4, 7))
    assert dhl(berlin(2026, 4, 2, 15)).ship_date == date(2026, 4, 7)  # Thursday, late
    assert dhl(berlin(2026, 4, 3, 9)).ship_date == date(2026, 4, 7)  # on the holiday itself
    edd = dhl(berlin(2026, 4, 2, 10))  # Thursday in time: delivered after the long weekend
    assert (edd.ship_date, edd.earliest, edd.latest) == (
        date(2026, 4, 2), date(2026, 4, 7), date(2026, 4, 8))


def test_friday_before_whit_monday_ships_on_tuesday():
    whit_monday = date(2026, 5, 25)
    assert whit_monday.weekday() == 0 and is_holiday("DE", whit_monday)
    assert dhl(berlin(2026, 5, 22, 15)).ship_date == date(2026, 5, 26)


def test_christmas_with_and_without_closing_on_christmas_eve():
    eve, first, second = date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26)
    assert not is_holiday("DE", eve) and is_holiday("DE", first) and is_holiday("DE", second)
    assert dhl(berlin(2026, 12, 23, 15)).ship_date == eve
    closed = ("12-24", "12-31")
    assert dhl(berlin(2026, 12, 23, 15), closed_days=closed).ship_date == date(2026, 12, 28)
    edd = dhl(berlin(2026, 12, 23, 10), closed_days=closed)
    assert (edd.ship_date, edd.earliest, edd.latest) == (
        date(2026, 12, 23), eve, date(2026, 12, 28))


def test_new_year_closing_crosses_into_the_next_year():
    assert is_holiday("DE", date(2027, 1, 1))
    late_30th = berlin(2026, 12, 30, 15)
    assert dhl(late_30th).ship_date == date(2026, 12, 31)
    edd = dhl(late_30th, closed_days=("12-24", "12-31"))
    assert (edd.ship_date, edd.earliest, edd.latest) == (
        date(2027, 1, 4), date(2027, 1, 5), date(2027, 1, 6))


def test_one_off_closed_dates():
    stocktaking = date(2026, 11, 20)
    assert dhl(berlin(2026, 11, 19, 15), closed_days=("2026-11-20",)).ship_date == date(
        2026, 11, 23)
    assert dhl(berlin(2026, 11, 19, 15), closed_days=(stocktaking,)).ship_date == date(
        2026, 11, 23)
    assert dhl(berlin(2027, 11, 18, 15), closed_days=(stocktaking,)).ship_date == date(
        2027, 11, 19)


def test_a_destination_holiday_delays_delivery():
    national_day = date(2026, 10, 26)
    assert is_holiday("AT", national_day)
    assert not is_holiday("CH", national_day) and not is_holiday("DE", national_day)
    friday = berlin(2026, 10, 23, 10)
    to_at = estimate(friday, policy(), "Post", "International", "AT")
    to_ch = estimate(friday, policy(), "Post", "International", "CH")
    assert (to_ch.earliest, to_ch.latest) == (date(2026, 10, 27), date(2026, 10, 28))
    assert (to_at.earliest, to_at.latest) == (date(2026, 10, 28), date(2026, 10, 29))
    # Shipped on the Austrian holiday itself (a German working day): transit starts the
    # next Austrian delivery day.
    on_the_day = estimate(berlin(2026, 10, 26, 10), policy(), "Post", "International", "AT")
    assert (on_the_day.ship_date, on_the_day.earliest, on_the_day.latest) == (
        national_day, date(2026, 10, 28), date(2026, 10, 29))


def test_saturday_delivery_weekmask():
    friday = berlin(2026, 3, 13, 10)
    saturday = estimate(friday, policy(), "DHL", "Paket Samstag", "DE")
    weekdays = estimate(friday, policy(), "DHL", "Paket", "DE")
    assert (saturday.earliest, saturday.latest) == (date(2026, 3, 14), date(2026, 3, 16))
    assert (weekdays.earliest, weekdays.latest) == (date(2026, 3, 16), date(2026, 3, 17))
    # 26 December 2026 is a Saturday and a holiday: no Saturday delivery then.
    assert date(2026, 12, 26).weekday() == 5 and is_holiday("DE", date(2026, 12, 26))
    xmas = estimate(berlin(2026, 12, 24, 10), policy(), "DHL", "Paket Samstag", "DE")
    assert (xmas.earliest, xmas.latest) == (date(2026, 12, 28), date(2026, 12, 29))


def test_same_day_transit():
    edd = estimate(berlin(2026, 3, 13, 10), policy(), "Courier", "Same Day", "DE")
    assert (edd.ship_date, edd.earliest, edd.latest) == (
        date(2026, 3, 13), date(2026, 3, 13), date(2026, 3, 16))


# ----------------------------------------------------------------- subdivisions
def test_corpus_christi_closes_a_bavarian_site_but_not_a_berlin_one():
    corpus_christi = date(2026, 6, 4)
    assert is_holiday("DE", corpus_christi, "BY") and not is_holiday("DE", corpus_christi, "BE")
    late_wednesday = berlin(2026, 6, 3, 15)
    assert dhl(late_wednesday, origin_subdivision="BY").ship_date == date(2026, 6, 5)
    assert dhl(late_wednesday, origin_subdivision="BE").ship_date == corpus_christi


def test_destination_subdivision_holidays():
    wednesday = berlin(2026, 6, 3, 10)
    to_bavaria = dhl(wednesday, "DE", "BY")
    assert (to_bavaria.earliest, to_bavaria.latest) == (date(2026, 6, 5), date(2026, 6, 8))
    assert dhl(wednesday, "DE", "DE-BY") == to_bavaria
    assert dhl(wednesday, "de", "by") == to_bavaria
    to_berlin = dhl(wednesday, "DE", "BE")
    assert (to_berlin.earliest, to_berlin.latest) == (date(2026, 6, 4), date(2026, 6, 5))
    # A region name the calendar does not know counts national holidays only.
    assert is_holiday("DE", date(2026, 5, 1))
    before_may_day = berlin(2026, 4, 30, 10)
    assert dhl(before_may_day, "DE", "Bavaria") == dhl(before_may_day, "DE")
    assert dhl(before_may_day, "DE", "Bavaria").earliest == date(2026, 5, 4)


def test_a_destination_without_a_holiday_calendar_counts_weekdays_only():
    assert "XX" not in holidays.list_supported_countries()
    edd = dhl(berlin(2026, 12, 24, 10), "XX")  # rule "*": 3..6 days
    assert (edd.earliest, edd.latest) == (date(2026, 12, 29), date(2027, 1, 1))


# ----------------------------------------------------------------- rules and overrides
def test_rule_lookup_by_subdivision_country_zone_and_wildcard():
    services = {
        ("DHL", "Paket"): ServiceRule({"DE-BY": (2, 2), "DE": (1, 1), "EU1": (3, 3)}),
        ("DHL", "*"): ServiceRule({"*": (4, 4)}),
        ("*", "*"): ServiceRule({"*": (5, 5)}),
    }
    p = policy(services=services, zones={"FR": "EU1"})
    monday = berlin(2026, 3, 9, 10)

    def days(carrier: str, service: str, dest: str, sub: str | None = None) -> int:
        return np.busday_count(date(2026, 3, 9), estimate(monday, p, carrier, service, dest,
                                                          sub).earliest)

    assert days("dhl", "PAKET", "DE") == 1
    assert days("DHL", "Paket", "DE", "BY") == 2
    assert days("DHL", "Paket", "FR") == 3
    assert days("DHL", "Express", "FR") == 4
    assert days("UPS", "Ground", "FR") == 5
    with pytest.raises(NoRuleError, match="tried IT"):
        estimate(monday, p, "DHL", "Paket", "IT")
    with pytest.raises(NoRuleError, match="UPS"):
        estimate(monday, policy(), "UPS", "Ground", "DE")


def test_a_supplied_window_wins_and_keeps_its_source():
    packed = berlin(2026, 3, 13, 15)
    carrier = SuppliedEdd(date(2026, 3, 20), date(2026, 3, 21), "carrier")
    assert dhl(packed) != estimate(packed, policy(), "DHL", "Paket", "DE", supplied=carrier)
    assert estimate(packed, policy(), "DHL", "Paket", "DE", supplied=carrier) == Edd(
        date(2026, 3, 16), date(2026, 3, 20), date(2026, 3, 21), "carrier")
    backend = SuppliedEdd(date(2026, 3, 18), date(2026, 3, 18), "backend")
    # No rule is needed when the date is supplied.
    assert estimate(packed, policy(), "UPS", "Ground", "US", supplied=backend).source == (
        "backend")
    with pytest.raises(EddError, match="before earliest"):
        SuppliedEdd(date(2026, 3, 21), date(2026, 3, 20))
    with pytest.raises(EddError, match="source"):
        SuppliedEdd(date(2026, 3, 20), date(2026, 3, 21), "computed")


# ----------------------------------------------------------------- time zones
def test_late_evening_utc_is_already_the_next_day_in_berlin():
    # 23:30 UTC on Tuesday is 00:30 on Wednesday in Berlin: before a 23:45 cutoff, it is
    # Wednesday's parcel (read in UTC it would wrongly go on Tuesday).
    late = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)
    assert ship_date(late, policy(cutoff=time(23, 45))) == date(2026, 3, 11)
    # Friday 23:30 UTC is Saturday in Berlin: Monday.
    assert ship_date(datetime(2026, 3, 13, 23, 30, tzinfo=UTC), policy()) == date(2026, 3, 16)


def test_cutoff_follows_summer_time():
    # 12:30 UTC is 13:30 in winter (CET) and 14:30 in summer (CEST) in Berlin.
    assert ship_date(datetime(2026, 3, 10, 12, 30, tzinfo=UTC), policy()) == date(2026, 3, 10)
    assert ship_date(datetime(2026, 7, 7, 12, 30, tzinfo=UTC), policy()) == date(2026, 7, 8)


def test_naive_datetimes_are_refused():
    with pytest.raises(EddError, match="timezone-aware"):
        ship_date(datetime(2026, 3, 10, 12, 0), policy())


# ----------------------------------------------------------------- policy checks
@pytest.mark.parametrize(("changes", "message"), [
    ({"timezone": "Europe/Nowhere"}, "time zone"),
    ({"origin_country": "XX"}, "origin"),
    ({"origin_country": "de"}, "origin_country"),
    ({"origin_subdivision": "ZZ"}, "origin"),
    ({"dispatch_weekmask": "1111"}, "dispatch_weekmask"),
    ({"dispatch_weekmask": "0000000"}, "dispatch_weekmask"),
    ({"handling_days": -1}, "handling_days"),
    ({"closed_days": ("13-45",)}, "closed_days"),
    ({"closed_days": ("24.12.",)}, "closed_days"),
    ({"cutoff": time(14, 0, tzinfo=UTC)}, "cutoff"),
])
def test_bad_policies_are_refused(changes, message):
    with pytest.raises(EddError, match=message):
        policy(**changes)


@pytest.mark.parametrize(("transit", "weekmask", "message"), [
    ({}, "1111100", "at least one"),
    ({"DE": (3, 1)}, "1111100", "min <= max"),
    ({"DE": (1, 99)}, "1111100", "min <= max"),
    ({"DE": (1.5, 2)}, "1111100", "whole days"),
    ({"DE": (1, 2)}, "MTWTFSS", "delivery_weekmask"),
])
def test_bad_rules_are_refused(transit, weekmask, message):
    with pytest.raises(EddError, match=message):
        ServiceRule(transit, delivery_weekmask=weekmask)


def test_a_bad_destination_country_is_refused():
    with pytest.raises(EddError, match="two-letter"):
        dhl(berlin(2026, 3, 11, 10), "Deutschland")


# ----------------------------------------------------------------- properties
_POLICY = policy(closed_days=("12-24", "12-31"), handling_days=1)


@settings(max_examples=150, deadline=None)
@given(
    packed=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2030, 12, 31),
                        timezones=st.just(UTC)),
    service=st.sampled_from(["Paket", "Paket Samstag"]),
    sub=st.sampled_from([None, "BY", "BE", "NW"]),
)
def test_every_estimate_lands_on_working_days(packed, service, sub):
    edd = estimate(packed, _POLICY, "DHL", service, "DE", sub)
    local_day = packed.astimezone(BERLIN).date()
    origin = holidays.country_holidays("DE", subdiv="BE", years=edd.ship_date.year)
    dest = holidays.country_holidays("DE", subdiv=sub, years=[edd.latest.year - 1,
                                                               edd.latest.year])
    assert local_day < edd.ship_date <= local_day + timedelta(days=12)  # handling_days=1
    assert edd.ship_date.weekday() < 5 and edd.ship_date not in origin
    assert (edd.ship_date.month, edd.ship_date.day) not in ((12, 24), (12, 31))
    last_delivery_day = 5 if service == "Paket Samstag" else 4
    for day in (edd.earliest, edd.latest):
        assert day.weekday() <= last_delivery_day and day not in dest
    assert edd.ship_date < edd.earliest <= edd.latest
    # Exactly min and max delivery days after the ship date (DE: 1..2).
    mask = "1111110" if service == "Paket Samstag" else "1111100"
    after = edd.ship_date + timedelta(days=1)
    for day, n in ((edd.earliest, 1), (edd.latest, 2)):
        assert np.busday_count(after, day + timedelta(days=1), weekmask=mask,
                               holidays=sorted(dest)) == n
