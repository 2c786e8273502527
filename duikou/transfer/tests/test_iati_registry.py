"""The IATI export checked with the reference data shipped in duikou/transfer/iati_data.

Every publisher's activity and organisation files: valid against the shipped schemas, and every
attribute value that mapping.xml binds to a codelist is in that codelist.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from lxml import etree

from duikou.core.demo import demo_load

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "iati_data"


@pytest.fixture(scope="module")
def schema():
    here = os.getcwd()
    os.chdir(DATA)  # the schema includes iati-common.xsd and xml.xsd by relative path
    try:
        return etree.XMLSchema(etree.parse("iati-activities-schema.xsd"))
    finally:
        os.chdir(here)


def _codelist(name: str) -> set[str] | None:
    for folder in ("codelists", "codelists-nonembedded"):
        path = DATA / folder / f"{name}.xml"
        if path.exists():
            return {c.text for c in etree.parse(str(path)).iter("code")}
    return None  # a codelist not shipped (e.g. a non-embedded one the data never needed)


def _bindings():
    """(xpath of an attribute, codelist name) pairs from mapping.xml, without conditions."""
    for mapping in etree.parse(str(DATA / "codelists" / "mapping.xml")).iter("mapping"):
        if mapping.find("condition") is not None:
            continue
        yield mapping.findtext("path"), mapping.find("codelist").get("ref")


@pytest.fixture
def documents(tmp_path) -> list[etree._ElementTree]:
    demo_load()
    call_command("export-iati", all=True, out_dir=str(tmp_path))
    files = sorted(tmp_path.glob("iati-*.xml"))
    assert len(files) >= 8  # an activity and an organisation file for each demo publisher
    return [etree.parse(str(path)) for path in files]


def test_the_shipped_reference_data_is_complete():
    for name in (
        "LICENSE",
        "README.md",
        "rulesets/standard.json",
        "rulesets/LICENSE",
        "codelists/mapping.xml",
        "iati-activities-schema.xsd",
        "iati-organisations-schema.xsd",
    ):
        assert (DATA / name).exists(), name


def test_the_demo_export_validates_against_the_shipped_schema(documents, schema):
    here = os.getcwd()
    os.chdir(DATA)
    try:
        organisations = etree.XMLSchema(etree.parse("iati-organisations-schema.xsd"))
    finally:
        os.chdir(here)
    for document in documents:
        is_activities = document.getroot().tag == "iati-activities"
        (schema if is_activities else organisations).assertValid(document)


def test_every_codelist_bound_attribute_value_is_in_its_codelist(documents):
    wrong, checked = [], set()
    for path, name in _bindings():
        if not path or "/@" not in path:
            continue
        codes = _codelist(name)
        if codes is None:
            continue
        for document in documents:
            xpath = path
            for top in ("//iati-activities", "//iati-organisations"):
                xpath = xpath.replace(top, top[1:], 1) if xpath.startswith(top) else xpath
            for value in document.xpath(xpath):
                checked.add(name)
                if str(value) not in codes:
                    wrong.append((path, name, str(value)))
    assert {"ActivityStatus", "TransactionType", "OrganisationRole"} <= checked, checked
    assert not wrong, sorted(set(wrong))
