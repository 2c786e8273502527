"""The IATI export: one file per publishing office, valid against the official 2.03 schemas,
reporting what the ledger holds (identifiers, dates, budgets, places) and nothing made up."""

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from lxml import etree

from duikou.core import testing as factories
from duikou.core.demo import demo_load
from duikou.orgs.models import Organisation
from duikou.orgs.services import organisation_update
from duikou.orgs.validators import credit_check_character, validate_credit_code, validate_iati_ref
from duikou.policy import SYSTEM
from duikou.projects.models import BudgetLine, Project
from duikou.projects.services import budget_set
from duikou.results.models import Indicator, Target
from duikou.results.periods import year_period
from duikou.results.services import target_set
from duikou.transfer.iati import iati_for_user, publisher_for_user

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "iati_data"


def _schema(name: str) -> etree.XMLSchema:
    here = os.getcwd()
    os.chdir(DATA)  # the schemas include iati-common.xsd and xml.xsd by relative path
    try:
        return etree.XMLSchema(etree.parse(name))
    finally:
        os.chdir(here)


@pytest.fixture(scope="module")
def schema():
    return _schema("iati-activities-schema.xsd")


@pytest.fixture(scope="module")
def organisation_schema():
    return _schema("iati-organisations-schema.xsd")


def _credit(first17: str) -> str:
    return first17 + credit_check_character(first17)


def _publisher(**fields) -> Organisation:
    """A front command that publishes, with a 统一社会信用代码 (or the fields given)."""
    command = factories.donor_org(kind=Organisation.Kind.FRONT_COMMAND)
    changes = {"iati_publisher": True, "credit_code": _credit("11650000MA0000123")} | fields
    return organisation_update(org=command, version=command.version, actor=SYSTEM, **changes)


def test_the_demo_files_validate_and_each_project_is_in_exactly_one(
    tmp_path, schema, organisation_schema
):
    demo_load()
    project = Project.objects.filter(donor_org__code="SC-350500").first()
    indicator = Indicator.objects.filter(kind="stored").first()
    target_set(
        indicator=indicator,
        org=project.donor_org,
        period=year_period(2025),
        value=100,
        actor=SYSTEM,
    )
    target_set(
        indicator=indicator,
        org=project.donor_org,
        period=year_period(2024),
        value=40,
        kind=Target.Kind.BASELINE,
        actor=SYSTEM,
    )
    call_command("export-iati", all=True, out_dir=str(tmp_path))
    seen = []
    for path in sorted(tmp_path.glob("iati-activities-*.xml")):
        document = etree.parse(str(path))
        schema.assertValid(document)
        reporting = {e.get("ref") for e in document.iter("reporting-org")}
        assert len(reporting) == 1 and next(iter(reporting)).startswith("CN-USCI-")
        for identifier in document.iter("iati-identifier"):
            assert identifier.text.startswith(next(iter(reporting)) + "-")
            seen.append(identifier.text.rsplit("-DEMO-", 1)[-1])
    assert len(seen) == len(set(seen)) == Project.objects.count()
    for path in tmp_path.glob("iati-organisation-*.xml"):
        organisation_schema.assertValid(etree.parse(str(path)))
    fujian = (tmp_path / "iati-activities-FC-350000.xml").read_text()
    assert 'xml:lang="en"' in fujian and "<narrative>" in fujian
    assert 'vocabulary="99"' in fujian and 'vocabulary="1"' in fujian
    assert '<transaction-type code="3"/>' in fujian and 'default-currency="CNY"' in fujian
    assert "<result" in fujian and "<baseline" in fujian and "<target" in fujian
    assert "<pos>" in fujian  # places the map layers know get an approximate point
    assert "DUIKOU" not in fujian  # the platform reports nothing in its own name


def test_organisations_are_referenced_only_by_real_identifiers():
    publisher = _publisher()
    team = factories.donor_org(parent=publisher)
    factories.project(donor_org=team, code="IATI-REF")
    document = etree.fromstring(iati_for_user(user=SYSTEM, publisher=publisher))
    orgs = {e.findtext("narrative"): e.get("ref") for e in document.iter("participating-org")}
    assert orgs[publisher.name] == f"CN-USCI-{publisher.credit_code}"
    assert orgs[team.name] is None  # no identifier known: named, without a made-up ref
    organisation_update(org=team, version=team.version, iati_ref="CN-COA-650000-0042", actor=SYSTEM)
    document = etree.fromstring(iati_for_user(user=SYSTEM, publisher=publisher))
    orgs = {e.findtext("narrative"): e.get("ref") for e in document.iter("participating-org")}
    assert orgs[team.name] == "CN-COA-650000-0042"


def test_a_project_goes_to_its_nearest_publisher_only():
    province_office = factories.donor_org(kind=Organisation.Kind.AID_OFFICE)
    organisation_update(
        org=province_office,
        version=province_office.version,
        iati_publisher=True,
        iati_ref="CN-COA-350000-001",
        actor=SYSTEM,
    )
    command = _publisher()  # under the same test province, publishing on its own
    factories.project(donor_org=factories.donor_org(parent=command), code="IATI-NEAR")
    mine = etree.fromstring(iati_for_user(user=SYSTEM, publisher=command))
    assert [e.text for e in mine.iter("iati-identifier")][-1].endswith("IATI-NEAR")
    other = etree.fromstring(iati_for_user(user=SYSTEM, publisher=province_office))
    assert not [e.text for e in other.iter("iati-identifier") if e.text.endswith("IATI-NEAR")]


def test_the_page_gives_the_users_publisher_and_refuses_a_part_of_one(client, schema):
    command, theirs = _publisher(), _publisher()
    team = factories.donor_org(parent=command)
    factories.project(donor_org=team, code="IATI-MINE", planned_start=date(2024, 1, 1))
    factories.project(donor_org=factories.donor_org(parent=theirs), code="IATI-THEIRS")
    client.force_login(factories.user(role="front_command", organisation=command))
    response = client.get("/transfer/iati.xml")
    assert response.status_code == 200
    document = etree.fromstring(response.content)
    schema.assertValid(document)
    identifiers = [e.text for e in document.iter("iati-identifier")]
    assert any(i.endswith("IATI-MINE") for i in identifiers)
    assert not any(i.endswith("IATI-THEIRS") for i in identifiers)
    page = client.get("/transfer/").content.decode()
    assert command.name in page and theirs.name not in page and "机构文件" in page
    # Someone who sees only part of the publisher's portfolio gets no file in its name.
    client.force_login(factories.user(role="sub_command", organisation=team))
    response = client.get(f"/transfer/iati.xml?publisher={command.code}")
    assert response.status_code == 403
    assert "不是您可以导出的 IATI 发布机构" in response.content.decode()


def test_a_publisher_without_an_identifier_is_refused_in_chinese():
    command = _publisher(credit_code="")
    with pytest.raises(ValidationError) as refused:
        publisher_for_user(user=SYSTEM, code=command.code)
    assert "没有 IATI 组织标识，也没有统一社会信用代码" in str(refused.value)
    with pytest.raises(CommandError, match="没有 IATI 组织标识"):
        call_command("export-iati", publisher=command.code, out="-")


def test_a_budget_change_moves_last_updated():
    publisher = _publisher()
    project = factories.project(donor_org=factories.donor_org(parent=publisher))

    def stamp():
        document = etree.fromstring(iati_for_user(user=SYSTEM, publisher=publisher))
        return document.find("iati-activity").get("last-updated-datetime")

    long_ago = project.updated_at.replace(year=2020)
    Project.objects.filter(pk=project.pk).update(updated_at=long_ago)
    BudgetLine.objects.filter(project=project).update(updated_at=long_ago)
    assert stamp().startswith("2020-")
    budget_set(project=project, fund_source="aid", amount=Decimal("2000000"), actor=SYSTEM)
    assert not stamp().startswith("2020-")  # the budget changed, so the activity did


def test_the_organisation_file_sums_budgets_by_year(organisation_schema, tmp_path):
    publisher = _publisher()
    factories.project(
        donor_org=factories.donor_org(parent=publisher),
        planned_start=date(2025, 1, 1),
        planned_end=date(2026, 12, 31),
        budgets={"aid": "730000.00"},
    )
    out = tmp_path / "org.xml"
    call_command("export-iati", publisher=publisher.code, organisation_out=str(out))
    document = etree.parse(str(out))
    organisation_schema.assertValid(document)
    budgets = {
        b.find("period-start").get("iso-date")[:4]: Decimal(b.findtext("value"))
        for b in document.iter("total-budget")
    }
    assert budgets == {"2025": Decimal("365000.00"), "2026": Decimal("365000.00")}
    assert document.findtext(".//organisation-identifier") == publisher.iati_identifier


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("91350100M000100Y4", "应为 18 位"),
        ("91350100M000100YO3", "不允许的字符“O”"),
        ("91350100M000100Y44", "最后一位应为“3”"),
    ],
)
def test_a_wrong_credit_code_is_refused_saying_why(value, says):
    with pytest.raises(ValidationError, match=says):
        validate_credit_code(value)


def test_credit_codes_and_iati_refs_that_are_right_pass():
    validate_credit_code("91350100M000100Y43")
    validate_credit_code("914403001922038216")
    validate_iati_ref("CN-USCI-914403001922038216")
    validate_iati_ref("CN-COA-650000-0042")
    validate_iati_ref("XM-DAC-41114")
    with pytest.raises(ValidationError, match="前缀“CN-DUIKOU”不在 IATI 登记机构代码表中"):
        validate_iati_ref("CN-DUIKOU-1")
