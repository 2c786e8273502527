"""Reference data and roll-ups through the API: what each list filters on, its links from
page to page, its refusals, and that roll-ups are the dashboard's figures in the caller's
scope."""

from datetime import date

import pytest
from django.test import Client

from duikou.api.services import api_token_create
from duikou.core import testing as factories
from duikou.orgs.models import Organisation, Programme
from duikou.orgs.services import pairing_create
from duikou.policy import SYSTEM
from duikou.results.models import Indicator, Target
from duikou.results.periods import Period
from duikou.results.selectors import indicator_table
from duikou.results.services import target_set, value_save

pytestmark = pytest.mark.django_db


def get(path: str, user=None, **params):
    _token, raw = api_token_create(user=user or factories.user(), name="测试")
    return Client().get(path, params, HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def tree():
    province = factories.donor_province("350000")
    command = factories.donor_org(
        parent=province, kind=Organisation.Kind.FRONT_COMMAND, base="652300"
    )
    sub = factories.donor_org(parent=command, base="652324")
    return province, command, sub


def test_organisations_filter_by_side_kind_and_subtree(tree):
    province, command, sub = tree
    body = get("/api/v1/organisations", parent=province.code).json()
    codes = {item["code"] for item in body["items"]}
    assert {command.code, sub.code} <= codes and province.code not in codes
    body = get("/api/v1/organisations", parent=province.code, kind="sub_command").json()
    assert {item["code"] for item in body["items"]} == {sub.code}
    body = get("/api/v1/organisations", side="donor", limit=500).json()
    assert province.code in {item["code"] for item in body["items"]}
    assert all(item["side"] == "donor" for item in body["items"])


def test_organisations_carry_their_iati_identifiers(tree):
    from duikou.orgs.services import organisation_update

    _province, command, sub = tree
    organisation_update(
        org=command,
        version=command.version,
        credit_code="91350100M000100Y43",
        iati_publisher=True,
        actor=SYSTEM,
    )
    body = get("/api/v1/organisations", parent=command.code).json()
    (row,) = [item for item in body["items"] if item["code"] == sub.code]
    assert (row["credit_code"], row["iati_identifier"], row["iati_publisher"]) == ("", "", False)
    body = get("/api/v1/organisations", kind="front_command", limit=500).json()
    (row,) = [item for item in body["items"] if item["code"] == command.code]
    assert row["iati_identifier"] == "CN-USCI-91350100M000100Y43" and row["iati_publisher"]


def test_regions_filter_by_level_and_parent():
    body = get("/api/v1/regions", parent="652300", level="county", limit=100).json()
    codes = {item["code"] for item in body["items"]}
    assert "652324" in codes and "652300" not in codes
    assert all(
        item["level"] == "county" and item["code"].startswith("6523") for item in body["items"]
    )


def test_lists_link_their_pages_and_walk_the_whole_list():
    first = get("/api/v1/regions", level="county", limit=7).json()
    assert first["previous"] is None and first["next"]
    seen, page = [], first
    while True:
        seen += [item["code"] for item in page["items"]]
        if not page["next"]:
            break
        page = Client().get(page["next"], HTTP_AUTHORIZATION=_bearer()).json()
    assert len(seen) == first["count"] == len(set(seen))
    assert seen == sorted(seen)


def _bearer() -> str:
    _token, raw = api_token_create(user=factories.user(), name="测试")
    return f"Bearer {raw}"


def test_pairings_filter_by_donor_recipient_and_day(tree):
    _, command, _ = tree
    programme = Programme.objects.first() or factories.programme()
    pairing_create(
        programme=programme,
        donor=command,
        recipient=factories.region("652324"),
        start_date=date(2020, 1, 1),
        end_date=date(2022, 12, 31),
        actor=SYSTEM,
    )
    body = get("/api/v1/pairings", donor=command.code).json()
    assert "652324" in [item["recipient"] for item in body["items"]]
    assert all(item["donor"] == command.code for item in body["items"])

    def recipients(**params):
        items = get("/api/v1/pairings", donor=command.code, **params).json()["items"]
        return [(item["recipient"], item["end_date"]) for item in items]

    assert ("652324", "2022-12-31") in recipients(active_on="2021-06-01")
    assert ("652324", "2022-12-31") not in recipients(active_on="2024-06-01")
    assert all(code.startswith("6523") for code, _ in recipients(recipient="652300"))
    assert recipients(recipient="652324") == [("652324", "2022-12-31")]


def test_indicators_filter_by_kind():
    body = get("/api/v1/indicators", kind="derived", limit=500).json()
    assert body["count"] == Indicator.objects.filter(kind="derived").count() > 0
    assert all(item["kind"] == "derived" for item in body["items"])


@pytest.mark.parametrize(
    "path, params, field",
    [
        ("/api/v1/organisations", {"colour": "red"}, "colour"),
        ("/api/v1/organisations", {"side": "left"}, "side"),
        ("/api/v1/organisations", {"parent": "NOPE"}, "parent"),
        ("/api/v1/regions", {"level": "galaxy"}, "level"),
        ("/api/v1/pairings", {"active_on": "昨天"}, "active_on"),
        ("/api/v1/indicators", {"frequency": "sometimes"}, "frequency"),
        ("/api/v1/targets", {"year": "1999年"}, "year"),
        ("/api/v1/targets", {"indicator": "NOPE"}, "indicator"),
        ("/api/v1/rollups", {"indicator": "PATIENTS_TREATED"}, "node"),
        (
            "/api/v1/rollups",
            {"indicator": "PATIENTS_TREATED", "node": "650000", "grain": "w"},
            "grain",
        ),
        ("/api/v1/regions", {"limit": "0"}, "limit"),
    ],
)
def test_an_unknown_or_unreadable_parameter_answers_422_naming_it(path, params, field):
    response = get(path, **params)
    assert response.status_code == 422, response.content[:300]
    body = response.json()
    assert [error["field"] for error in body["errors"]] == [field]
    assert body["detail"] and body["errors"][0]["message"]


def test_targets_are_those_in_scope_and_filter_by_kind_and_year(tree):
    _, command, sub = tree
    other = factories.donor_org(parent=factories.donor_province("310000"))
    patients = Indicator.objects.get(code="PATIENTS_TREATED")
    year = Period(date(2025, 1, 1), date(2025, 12, 31))
    target_set(indicator=patients, org=sub, period=year, value="100", actor=SYSTEM)
    target_set(
        indicator=patients,
        org=sub,
        period=year,
        value="40",
        kind=Target.Kind.BASELINE,
        actor=SYSTEM,
    )
    target_set(indicator=patients, org=other, period=year, value="7", actor=SYSTEM)
    officer = factories.user(role="reporter", organisation=command)
    body = get("/api/v1/targets", user=officer, indicator=patients.code).json()
    assert {item["org"] for item in body["items"]} == {sub.code}
    body = get("/api/v1/targets", user=officer, kind="baseline", year="2025").json()
    assert [item["value"] for item in body["items"]] == ["40.0000"]
    assert get("/api/v1/targets", user=officer, year="2024").json()["count"] == 0


def test_rollups_are_the_dashboards_figures_in_the_callers_scope(tree):
    _, command, sub = tree
    patients = Indicator.objects.get(code="PATIENTS_TREATED")
    patients.frequency = "any"
    patients.save()
    value = value_save(
        indicator=patients,
        org=sub,
        period=Period(date(2025, 3, 1), date(2025, 3, 31)),
        value="12",
        actor=SYSTEM,
    )
    factories.counted(value)
    national = factories.user()
    body = get(
        "/api/v1/rollups", user=national, indicator=patients.code, node=command.code, year="2025"
    ).json()
    cells = {(cell["node"], cell["year"]): cell["value"] for cell in body["cells"]}
    expected = indicator_table(
        user=national, indicator=patients, axis="o", node_ids=[command.pk], grain="y", years=[2025]
    )
    assert float(cells[(command.code, 2025)]) == float(expected[(command.pk, 2025, 0)]) == 12
    assert float(cells[(sub.code, 2025)]) == 12
    outsider = factories.user(
        role="reporter", organisation=factories.donor_org(parent=factories.donor_province("310000"))
    )
    response = get("/api/v1/rollups", user=outsider, indicator=patients.code, node=command.code)
    assert response.status_code == 403


def test_indicators_filter_by_sector_and_frequency():
    Indicator.objects.create(
        code="TEST_SECTOR_A", name_zh="测试甲", unit="人", frequency="quarter", sector="测试领域"
    )
    Indicator.objects.create(
        code="TEST_SECTOR_B", name_zh="测试乙", unit="人", frequency="year", sector="测试领域"
    )
    body = get("/api/v1/indicators", sector="测试领域").json()
    assert {item["code"] for item in body["items"]} == {"TEST_SECTOR_A", "TEST_SECTOR_B"}
    body = get("/api/v1/indicators", sector="测试领域", frequency="quarter").json()
    assert [item["code"] for item in body["items"]] == ["TEST_SECTOR_A"]


def test_targets_filter_by_organisation_with_its_subtree(tree):
    province, command, sub = tree
    elsewhere = factories.donor_org(parent=province, base="652301")
    patients = Indicator.objects.get(code="PATIENTS_TREATED")
    year = Period(date(2025, 1, 1), date(2025, 12, 31))
    target_set(indicator=patients, org=sub, period=year, value="100", actor=SYSTEM)
    target_set(indicator=patients, org=elsewhere, period=year, value="5", actor=SYSTEM)
    body = get("/api/v1/targets", org=command.code).json()
    assert {item["org"] for item in body["items"]} == {sub.code}
    body = get("/api/v1/targets", org=province.code).json()
    assert {item["org"] for item in body["items"]} == {sub.code, elsewhere.code}


def test_targets_filter_by_period_as_the_api_writes_it(tree):
    _, _, sub = tree
    patients = Indicator.objects.get(code="PATIENTS_TREATED")
    patients.frequency = "any"
    patients.save()
    spans = {
        "2025": Period(date(2025, 1, 1), date(2025, 12, 31)),
        "2025Q1": Period(date(2025, 1, 1), date(2025, 3, 31)),
        "2025-03": Period(date(2025, 3, 1), date(2025, 3, 31)),
    }
    made = {
        written: target_set(indicator=patients, org=sub, period=period, value="1", actor=SYSTEM)
        for written, period in spans.items()
    }
    for written, target in made.items():
        body = get("/api/v1/targets", org=sub.code, period=written).json()
        assert [item["id"] for item in body["items"]] == [target.pk], written
    response = get("/api/v1/targets", period="2025H3")
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "period" and "“2025H3”" in error["message"]


@pytest.mark.parametrize(
    "path", ["/api/v1/organisations", "/api/v1/regions", "/api/v1/pairings", "/api/v1/indicators"]
)
@pytest.mark.parametrize(("param", "value"), [("colour", "red"), ("ordering", "name")])
def test_every_reference_list_refuses_an_undocumented_parameter(path, param, value):
    response = get(path, **{param: value})
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [param]


def test_rollups_name_an_undocumented_parameter_and_every_unreadable_one():
    response = get("/api/v1/rollups", indicator="PATIENTS_TREATED", node="650000", limit="5")
    assert [error["field"] for error in response.json()["errors"]] == ["limit"]
    response = get("/api/v1/rollups", indicator="NOPE", node="NOPE", year="去年")
    assert response.status_code == 422
    assert {error["field"] for error in response.json()["errors"]} == {"indicator", "year"}
    response = get("/api/v1/rollups", indicator="PATIENTS_TREATED", node="NOPE", axis="r")
    [error] = response.json()["errors"]
    assert error["field"] == "node" and "“NOPE”" in error["message"]


def test_the_document_lists_each_reference_list_s_parameters():
    document = get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/targets"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert names == {"indicator", "org", "year", "period", "kind", "limit", "offset", "ordering"}
