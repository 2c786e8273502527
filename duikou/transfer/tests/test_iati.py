"""The IATI export of the demo portfolio is valid against the official 2.03 schema."""

import os
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from lxml import etree

from duikou.core import testing as factories
from duikou.core.demo import demo_load
from duikou.policy import SYSTEM
from duikou.projects.models import Project
from duikou.results.models import Indicator, Target
from duikou.results.periods import year_period
from duikou.results.services import target_set

pytestmark = pytest.mark.django_db

SCHEMAS = Path(settings.SHARED_DIR) / "iati-2.03"


@pytest.fixture(scope="module")
def schema():
    here = os.getcwd()
    os.chdir(SCHEMAS)  # the schema includes iati-common.xsd and xml.xsd by relative path
    try:
        return etree.XMLSchema(etree.parse("iati-activities-schema.xsd"))
    finally:
        os.chdir(here)


def test_the_demo_portfolio_validates_against_the_iati_schema(client, schema, tmp_path):
    demo_load()
    project = Project.objects.filter(is_demo=True).first()
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
    from django.core.management import call_command

    out = tmp_path / "iati.xml"
    call_command("export-iati", out=str(out))
    document = etree.parse(str(out))
    schema.assertValid(document)
    activities = document.findall("iati-activity")
    assert len(activities) >= Project.objects.count()
    xml = out.read_text()
    assert 'xml:lang="en"' in xml and "<narrative>" in xml
    assert 'vocabulary="99"' in xml and 'vocabulary="1"' in xml
    assert '<transaction-type code="3"/>' in xml and 'default-currency="CNY"' in xml
    assert "<result" in xml and "<baseline" in xml and "<target" in xml


def test_the_page_shows_only_the_users_scope(client, schema):
    mine, theirs = factories.donor_org(), factories.donor_org()
    factories.project(donor_org=mine, code="IATI-MINE", planned_start=date(2024, 1, 1))
    factories.project(donor_org=theirs, code="IATI-THEIRS")
    client.force_login(factories.user(role="sub_command", organisation=mine))
    response = client.get("/transfer/iati.xml")
    assert response.status_code == 200
    document = etree.fromstring(response.content)
    schema.assertValid(document)
    identifiers = [e.text for e in document.iter("iati-identifier")]
    assert any(i.endswith("IATI-MINE") for i in identifiers)
    assert not any(i.endswith("IATI-THEIRS") for i in identifiers)
