from datetime import date

import pytest
from django.core.exceptions import ValidationError

from duikou.audit.models import ChangeEntry
from duikou.core import testing
from duikou.projects.models import BudgetLine, Project

pytestmark = pytest.mark.django_db


def test_it_derives_county_level_and_prefecture_from_the_place():
    project = testing.project(region="652324")
    assert project.is_county_or_below
    assert project.prefecture.code == "652300"
    assert project.donor_province.name == "福建省"
    assert not project.out_of_pairing


def test_a_project_at_prefecture_level_is_not_county_and_below():
    assert not testing.project(region="652300").is_county_or_below


def test_a_project_outside_its_donors_pairing_is_accepted_and_flagged():
    project = testing.project(region="653130")  # 巴楚县 is paired with Shanghai
    assert project.out_of_pairing
    assert Project.objects.filter(pk=project.pk).exists()


def test_it_records_the_creation_in_the_change_history():
    project = testing.project(budgets={"aid": "100.00", "local": "50.25"})
    entry = ChangeEntry.objects.get(entity="projects.project", entity_id=str(project.pk))
    assert entry.action == "create"
    assert entry.after["budgets"] == {"aid": "100.00", "local": "50.25"}


def test_it_refuses_an_end_before_the_start():
    with pytest.raises(ValidationError) as error:
        testing.project(code="X-1", planned_start=date(2025, 5, 1), planned_end=date(2025, 4, 1))
    assert error.value.message_dict == {"planned_end": ["计划完工日期不能早于计划开工日期"]}
    assert not Project.objects.filter(code="X-1").exists()


def test_it_refuses_a_duplicate_project_code():
    testing.project(code="X-2")
    with pytest.raises(ValidationError) as error:
        testing.project(code="X-2")
    assert "项目编号“X-2”已存在" in error.value.message_dict["code"]
    assert Project.objects.filter(code="X-2").count() == 1


def test_it_refuses_an_unknown_region_code():
    with pytest.raises(ValidationError) as error:
        testing.project(code="X-3", region="659999")
    assert error.value.message_dict["region"] == ["区划代码“659999”不存在"]
    assert not Project.objects.filter(code="X-3").exists()


def test_it_refuses_a_negative_budget_and_writes_nothing():
    with pytest.raises(ValidationError) as error:
        testing.project(code="X-4", budgets={"aid": "-5.00"})
    assert "援疆资金计划金额不能为负数" in error.value.message_dict["budgets"]
    assert not Project.objects.filter(code="X-4").exists()
    assert not BudgetLine.objects.filter(project__code="X-4").exists()


def test_it_refuses_a_non_numeric_budget():
    with pytest.raises(ValidationError, match="不是有效的金额"):
        testing.project(code="X-5", budgets={"aid": "三百万"})
    assert not Project.objects.filter(code="X-5").exists()


def test_it_refuses_a_recipient_organisation_as_donor():
    recipient = testing.donor_org()
    recipient.side = "recipient"
    with pytest.raises(ValidationError, match="不是支援方机构"):
        testing.project(code="X-6", donor_org=recipient)
