"""The helpers the retention, processor and DPIA rules rely on: calendar-aware duration
comparison (`exceeds`), `today()` with SOURCE_DATE_EPOCH, `sensitive`, `lookup_all`."""
from __future__ import annotations

from datetime import date

import pytest

from gdpr_check.expr import Helpers, Index
from gdpr_check.model import Inventory, Policy


@pytest.mark.parametrize("duration,limit,expected", [
    ("P12M", "P1Y", False), ("P1Y", "P12M", False), ("P72M", "P6Y", False),
    ("P13M", "P1Y", True), ("P7Y", "P6Y", True), ("P25M", "P2Y", True),
    ("P1M", "P30D", False),   # 31-day months only: not longer whatever the start date
    ("P31D", "P1M", False), ("P32D", "P1M", True),
    ("P366D", "P1Y", False), ("P367D", "P1Y", True),
    ("P2W", "P14D", False), ("P15D", "P2W", True),
    ("P1DT1H", "P1D", True), ("PT24H", "P1D", False),
    ("P30D", "P6Y", False),
])
def test_exceeds_is_calendar_aware(duration, limit, expected):
    helpers = _helpers()
    assert helpers.exceeds(duration, limit) is expected


def test_exceeds_with_a_missing_side_is_false():
    helpers = _helpers()
    assert helpers.exceeds("P1Y", None) is False
    assert helpers.exceeds(None, "P1Y") is False


def test_today_honours_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 UTC
    assert _helpers().today() == date(2023, 11, 14)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert _helpers().today() == date.today()


def test_sensitive_and_lookup_all_skip_undeclared_ids():
    policy = Policy.model_validate({
        "controller": {"name": "X", "country": "FI"},
        "data_categories": [{"id": "contact"}, {"id": "health", "special": True},
                            {"id": "convictions", "criminal": True}],
        "purposes": [{"id": "p1"}, {"id": "p2", "profiling": True}],
    })
    helpers = Helpers(Index(policy, Inventory()), reference=None)
    assert helpers.sensitive(["contact", "health", "unknown", "convictions"]) == \
        ["health", "convictions"]
    assert helpers.sensitive(None) == []
    assert [p.id for p in helpers.lookup_all("purpose", ["p2", "nope", "p1"])] == ["p2", "p1"]
    with pytest.raises(ValueError):
        helpers.lookup_all("nothing", ["x"])


def _helpers():
    policy = Policy.model_validate({"controller": {"name": "X", "country": "FI"}})
    return Helpers(Index(policy, Inventory()), reference=None)


def test_one_duration_reader_serves_every_distinct_duration():
    """Pydantic's reader builds a validator (~1 ms): once a run, not once a duration."""
    from gdpr_check.expr.helpers import _timedelta_adapter, duration_days
    duration_days.cache_clear()
    _timedelta_adapter.cache_clear()
    assert [duration_days(f"P{n}D") for n in (1, 2, 3)] == [1.0, 2.0, 3.0]
    assert _timedelta_adapter.cache_info().misses == 1


def test_the_days_of_a_month_are_the_calendar_s():
    """`_days_in` stands in for `calendar.monthrange` (not imported by a run for ~1 ms):
    leap years by the Gregorian rule, and December of the last year a date can have."""
    import calendar

    from gdpr_check.expr.helpers import _days_in
    years = [*range(1, 30), 1900, 2000, *range(2020, 2030), 2100, *range(9990, 10000)]
    assert [_days_in(y, m) for y in years for m in range(1, 13)] == \
        [calendar.monthrange(y, m)[1] for y in years for m in range(1, 13)]


@pytest.mark.parametrize("duration,words", [
    ("P3M", "3 months"), ("P1M", "1 month"), ("P2Y", "2 years"),
    ("P1Y6M", "1 year and 6 months"), ("P30D", "30 days"), ("P2W", "2 weeks"),
    ("PT72H", "72 hours"), (None, None), ("", ""), ("until the contract ends",
                                                      "until the contract ends"),
])
def test_in_words_says_a_duration_as_a_message_does(duration, words):
    assert _helpers().in_words(duration) == words


def test_a_message_says_the_duration_in_words():
    """RT003's message, rendered as the engine renders it: no ISO 8601 left in it."""
    from gdpr_check.expr.sandbox import compile_template
    from gdpr_check.expr import scope_for
    from gdpr_check.refdata import reference
    helpers = _helpers()
    scope = scope_for(helpers, Policy(), Inventory(), reference())
    message = compile_template("kept for {{ 'P5Y' | in_words }}, not {{ limit | in_words }}",
                               None, ["limit"])
    assert message({**scope, "limit": "P2Y"}) == "kept for 5 years, not 2 years"
