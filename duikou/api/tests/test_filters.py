"""Every documented filter of every record list: that it filters, that a value it cannot
read and a parameter no list documents answer 422, and that pages are stable and linked.

The cases are generated from ``duikou.api.filters.FILTERS``: a filter added there without a
way to set records on both sides of it here fails ``test_every_filter_filters``."""

from datetime import UTC, date, datetime

import pytest
from django.test import Client

from duikou.api.filters import FILTERS, ORG_PATHS, REGION_PATHS
from duikou.api.services import api_token_create
from duikou.core import testing as factories
from duikou.geo.models import Region
from duikou.policy import SYSTEM
from duikou.results.models import Indicator
from duikou.transfer.kinds import KINDS

pytestmark = pytest.mark.django_db


def _fund_transaction():
    from duikou.projects.services import fund_transaction_create

    return fund_transaction_create(
        project=factories.project(),
        fund_source="aid",
        kind="release",
        amount="1000.00",
        on=date(2025, 5, 1),
        actor=SYSTEM,
    )


def _sales_record():
    from duikou.exchanges.services import sales_record_create

    return sales_record_create(
        channel=factories.sales_channel(),
        period_start=date(2025, 5, 1),
        period_end=date(2025, 5, 31),
        sales_amount="1000.00",
        actor=SYSTEM,
    )


def _value():
    from duikou.results.periods import Period
    from duikou.results.services import value_save

    return value_save(
        indicator=Indicator.objects.get(code="PATIENTS_TREATED"),
        org=factories.donor_org(),
        period=Period(date(2025, 1, 1), date(2025, 3, 31)),
        value="12",
        actor=SYSTEM,
    )


def _progress_report():
    from duikou.projects.services import progress_report_submit

    return progress_report_submit(
        project=factories.project(),
        year=2025,
        month=5,
        percent_complete="10",
        amount_spent="1000.00",
        actor=SYSTEM,
    )


def _funds_in_place():
    from duikou.investment.services import deal_advance_stage, deal_record_funds_in_place

    deal = deal_advance_stage(
        deal=factories.deal(stage="negotiating"),
        to_stage="signed",
        on=date(2025, 2, 1),
        signed_amount="1000000.00",
        actor=SYSTEM,
    )
    return deal_record_funds_in_place(
        deal=deal, amount="1000.00", on=date(2025, 5, 1), actor=SYSTEM
    )


def _mentor_pair():
    from duikou.people.services import mentor_pair_create

    return mentor_pair_create(
        mentor=factories.aid_member(),
        apprentice_name="阿依古丽",
        apprentice_institution="测试医院",
        field="内科",
        start=date(2025, 3, 1),
        region="652301",
        actor=SYSTEM,
    )


MAKERS = {
    "progress_reports": _progress_report,
    "funds_in_place": _funds_in_place,
    "mentor_pairs": _mentor_pair,
    "fund_transactions": _fund_transaction,
    "sales_records": _sales_record,
    "values": _value,
    "projects": factories.project,
    "deals": factories.deal,
    "batches": factories.aid_batch,
    "members": factories.aid_member,
    "trainings": factories.training,
    "events": factories.event,
    "partnerships": factories.partnership,
    "sales_channels": factories.sales_channel,
}
YEAR_FIELDS = {"projects": "plan_year", "deals": "signed_year"}
INVALID = {
    "organisation": "NOPE",
    "region": "999999",
    "year": "1999年",
    "month": "三月",
    "quarter": "Q2",
    "indicator": "NOPE",
    "q": "a\x01b",
    "updated_since": "昨天",
    "period": "2025Q5",
}
CASES = [(key, spec.param) for key, specs in FILTERS.items() for spec in specs]


def _bearer() -> str:
    _token, raw = api_token_create(user=factories.user(), name="测试")
    return f"Bearer {raw}"


def get(path: str, **params):
    return Client().get(path, params, HTTP_AUTHORIZATION=_bearer())


def _set(spec_kind, obj, **fields):
    """Set fields straight in the table; ``project__region`` sets the parent record's."""
    for name, value in fields.items():
        if "__" in name:
            parent_name, leaf = name.split("__", 1)
            parent = getattr(obj, parent_name)
            type(parent).objects.filter(pk=parent.pk).update(**{leaf: value})
        else:
            spec_kind.model.objects.filter(pk=obj.pk).update(**{name: value})


def _sides(key: str, param: str, a, b) -> str:
    """Put ``a`` inside the filter and ``b`` outside; the value that selects ``a``."""
    kind = KINDS[key]
    spec = next(s for s in FILTERS[key] if s.param == param)
    if param == "organisation":
        field = ORG_PATHS[key]
        top = factories.donor_org()
        _set(kind, a, **{field: factories.donor_org(parent=top)})
        _set(kind, b, **{field: factories.donor_org()})
        return top.code
    if param == "region":
        field = REGION_PATHS.get(key, "region")
        _set(kind, a, **{field: Region.objects.get(code="652324")})
        _set(kind, b, **{field: Region.objects.get(code="653101")})
        return "652300"
    if param == "year":
        field = YEAR_FIELDS.get(key, "year")
        _set(kind, a, **{field: 2021})
        _set(kind, b, **{field: 2022})
        return "2021"
    if param in ("month", "quarter"):
        _set(kind, a, **{param: 3})
        _set(kind, b, **{param: 4})
        return "3"
    if param == "period":
        _set(kind, a, period_start=date(2021, 1, 1), period_end=date(2021, 3, 31))
        _set(kind, b, period_start=date(2021, 1, 1), period_end=date(2021, 12, 31))
        return "2021Q1"
    if param == "updated_since":
        _set(kind, a, updated_at=datetime(2030, 1, 1, tzinfo=UTC))
        _set(kind, b, updated_at=datetime(2020, 1, 1, tzinfo=UTC))
        return "2029-06-01T00:00:00Z"
    if param == "indicator":
        other = Indicator.objects.filter(kind="stored").exclude(pk=a.indicator_id).first()
        _set(kind, b, indicator=other)
        return a.indicator.code
    if param == "q":
        _set(kind, a, name="独一无二的名称")
        _set(kind, b, name="别的名称")
        return "独一无二"
    column = kind.column(param)
    if column is not None and column.type == "choice":
        first, second = list(column.choices.values)[:2]
        _set(kind, a, **{param: first})
        _set(kind, b, **{param: second})
        return first
    pytest.fail(f"{key}?{param}=…: no way to set records on both sides of this filter ({spec})")


@pytest.mark.parametrize(("key", "param"), CASES)
def test_every_filter_filters(key, param):
    maker = MAKERS.get(key)
    if maker is None:
        pytest.xfail(f"no factory for {key} in duikou/core/testing.py yet")
    a, b = maker(), maker()
    value = _sides(key, param, a, b)
    body = get(f"/api/v1/{key}", **{param: value, "limit": 500}).json()
    ids = {item["id"] for item in body["items"]}
    assert a.pk in ids and b.pk not in ids, (key, param, value, body)


@pytest.mark.parametrize("key", list(KINDS))
def test_every_list_refuses_an_undocumented_parameter(key):
    response = get(f"/api/v1/{key}", colour="red")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "colour"
    assert "colour" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(("key", "param"), CASES)
def test_every_filter_refuses_a_value_it_cannot_read(key, param):
    value = INVALID.get(param, "bogus")
    response = get(f"/api/v1/{key}", **{param: value})
    assert response.status_code == 422, response.content
    error = response.json()["errors"][0]
    assert error["field"] == param
    spec = next(s for s in FILTERS[key] if s.param == param)
    if spec.bounds:  # an integer in the document: the schema's own message (应为整数)
        assert error["message"] == "应为整数"
    else:  # the value quoted as read
        assert f"“{value}”" in error["message"], error


@pytest.mark.parametrize("key", list(KINDS))
def test_every_list_refuses_an_unknown_ordering(key):
    response = get(f"/api/v1/{key}", ordering="name")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "ordering"


def test_the_document_lists_only_each_kind_s_own_filters():
    document = get("/api/v1/openapi.json").json()
    for key, specs in FILTERS.items():
        operation = document["paths"][f"/api/v1/{key}"]["get"]
        names = {p["name"] for p in operation["parameters"]}
        assert names == {s.param for s in specs} | {"limit", "offset", "ordering"}, key


@pytest.mark.parametrize("ordering", ["id", "-updated_at"])
def test_pages_are_stable_and_next_previous_walk_the_whole_list(ordering):
    made = [factories.project() for _ in range(7)]
    KINDS["projects"].model.objects.filter(pk__in=[p.pk for p in made]).update(
        updated_at=datetime(2030, 1, 1, tzinfo=UTC)
    )
    bearer = _bearer()
    first = (
        Client()
        .get("/api/v1/projects", {"limit": 3, "ordering": ordering}, HTTP_AUTHORIZATION=bearer)
        .json()
    )
    assert first["previous"] is None and first["next"].startswith("http")
    seen, page, pages = [], first, [first]
    while True:
        seen += [item["id"] for item in page["items"]]
        if not page["next"]:
            break
        page = Client().get(page["next"], HTTP_AUTHORIZATION=bearer).json()
        pages.append(page)
    assert len(seen) == first["count"] == len(set(seen))
    back = []
    while page["previous"]:
        page = Client().get(page["previous"], HTTP_AUTHORIZATION=bearer).json()
        back = [item["id"] for item in page["items"]] + back
    assert back == seen[: len(back)] and back
    if ordering == "id":
        assert seen == sorted(seen)


def _value_of(period_start: date, period_end: date):
    from duikou.results.periods import Period
    from duikou.results.services import value_save

    Indicator.objects.filter(code="PATIENTS_TREATED").update(frequency="any")  # any span
    return value_save(
        indicator=Indicator.objects.get(code="PATIENTS_TREATED"),
        org=factories.donor_org(),
        period=Period(period_start, period_end),
        value="12",
        actor=SYSTEM,
    )


@pytest.mark.parametrize(
    ("written", "start", "end"),
    [
        ("2025", date(2025, 1, 1), date(2025, 12, 31)),
        ("2025Q1", date(2025, 1, 1), date(2025, 3, 31)),
        ("2025-03", date(2025, 3, 1), date(2025, 3, 31)),
        ("2025年第2季度", date(2025, 4, 1), date(2025, 6, 30)),
        ("2025-01-01..2025-06-30", date(2025, 1, 1), date(2025, 6, 30)),
    ],
)
def test_values_filter_by_the_period_as_the_api_writes_it(written, start, end):
    spans = [
        (date(2025, 1, 1), date(2025, 12, 31)),
        (date(2025, 1, 1), date(2025, 3, 31)),
        (date(2025, 3, 1), date(2025, 3, 31)),
        (date(2025, 4, 1), date(2025, 6, 30)),
        (date(2025, 1, 1), date(2025, 6, 30)),
    ]
    made = {span: _value_of(*span) for span in spans}
    body = get("/api/v1/values", period=written, limit=500).json()
    assert {item["id"] for item in body["items"]} == {made[(start, end)].pk}, body
    # The period as the list writes it reads back as the same filter.
    [shown] = {item["period"] for item in body["items"]}
    again = get("/api/v1/values", period=shown, limit=500).json()
    assert [item["id"] for item in again["items"]] == [made[(start, end)].pk]


@pytest.mark.parametrize("written", ["2025Q5", "2025-13", "二〇二五", "2025-06-30..2025-01-01"])
def test_an_unreadable_period_answers_422_naming_the_parameter_and_the_value(written):
    response = get("/api/v1/values", period=written)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "period"
    assert error["message"].startswith(f"period“{written}”无法识别")
