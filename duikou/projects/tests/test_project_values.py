"""A project page shows the values that measure that project, not every value its
organisation reported for the place."""

import pytest
from django.contrib.auth import get_user_model

from duikou.core.demo import demo_load
from duikou.policy import SYSTEM
from duikou.projects.models import Project
from duikou.results.models import Value

pytestmark = pytest.mark.django_db


def test_only_the_values_linked_to_a_project_show_on_its_page(client):
    demo_load()
    client.force_login(get_user_model().objects.get(username="demo-quanzhou"))
    park = Project.objects.get(code="DEMO-FJ-2025-003")
    neighbour = Project.objects.get(code="DEMO-FJ-2025-004")  # same organisation and county
    assert (neighbour.donor_org, neighbour.region) == (park.donor_org, park.region)
    linked = Value.objects.get(project=park)
    unlinked = Value.objects.filter(org=park.donor_org, region=park.region, project=None)
    assert unlinked.exists()

    page = client.get(f"/projects/{park.pk}/")
    assert [v.pk for v in page.context["values"]] == [linked.pk]
    other = client.get(f"/projects/{neighbour.pk}/")
    assert list(other.context["values"]) == []


def test_values_linked_to_nothing_show_on_the_organisation_and_place_pages(client):
    demo_load()
    client.force_login(get_user_model().objects.get(username="demo-quanzhou"))
    park = Project.objects.get(code="DEMO-FJ-2025-003")
    unlinked = set(Value.objects.filter(org=park.donor_org, about="").values_list("pk", flat=True))
    # The county's hospital and visitor figures (2024 and 2025), measuring no one project.
    assert len(unlinked) == 6

    org_page = client.get(f"/orgs/{park.donor_org_id}/")
    assert {v.pk for v in org_page.context["values"]} == unlinked
    assert "未关联具体项目" in org_page.content.decode()
    place_page = client.get(f"/regions/{park.region_id}/")
    assert {v.pk for v in place_page.context["values"]} == unlinked
    # The park's own value stays on the park's page only.
    linked = Value.objects.get(project=park).pk
    assert linked not in {v.pk for v in org_page.context["values"]}


def test_a_value_may_only_be_about_a_record_of_its_organisation_or_below():
    from django.core.exceptions import ValidationError

    from duikou.orgs.models import Organisation
    from duikou.results.models import Indicator
    from duikou.results.periods import period_parse
    from duikou.results.services import value_save

    demo_load()
    park = Project.objects.get(code="DEMO-FJ-2025-003")
    elsewhere = Organisation.objects.get(code="SC-350400")  # 三明: not the park's chain
    with pytest.raises(ValidationError, match="不属于"):
        value_save(
            indicator=Indicator.objects.get(code="PEOPLE_EMPLOYED"),
            org=elsewhere,
            period=period_parse("2025Q3"),
            value="5",
            about=park,
            actor=SYSTEM,
        )
