from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from duikou.audit.models import ChangeEntry
from duikou.core import testing
from duikou.core.errors import ConflictError
from duikou.orgs.models import Membership, Organisation
from duikou.policy import SYSTEM
from duikou.results.models import Indicator, Value
from duikou.results.periods import month_period, period_parse, quarter_period, year_period
from duikou.results.selectors import achievement_for_org, indicator_table, value_list_for_user
from duikou.results.services import (
    indicator_set_formula,
    target_set,
    value_approve,
    value_save,
    value_submit,
    value_unlock,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    province = testing.donor_province("350000")
    command = testing.donor_org(parent=province, kind=Organisation.Kind.FRONT_COMMAND)
    team = testing.donor_org(parent=command)
    reporter = testing.user(role=Membership.Role.SUB_COMMAND, organisation=team)
    approver = testing.user(role=Membership.Role.FRONT_COMMAND, organisation=command)
    return command, team, reporter, approver


def patients():
    """接诊患者, opened to any period length so the tests can use years."""
    indicator = Indicator.objects.get(code="PATIENTS_TREATED")
    if indicator.frequency != "any":
        indicator.frequency = "any"
        indicator.save(update_fields=["frequency"])
    return indicator


def save(team, reporter, **fields):
    args = {
        "indicator": patients(),
        "org": team,
        "period": year_period(2025),
        "value": "100",
        "actor": reporter,
    }
    args.update(fields)
    return value_save(**{"actor": SYSTEM, **args})


def test_submit_approve_lock_and_unlock_with_a_reason(chain):
    _, team, reporter, approver = chain
    value = save(team, reporter)
    value = value_submit(value=value, actor=reporter)
    with pytest.raises(ValidationError, match="不能审核自己"):
        value_approve(value=value, actor=reporter)
    value = value_approve(value=value, actor=approver)
    assert value.status == "approved"
    with pytest.raises(ValidationError, match="已审核锁定"):
        save(team, reporter, value="120")
    with pytest.raises(ValidationError, match="书面原因"):
        value_unlock(value=value, reason=" ", actor=approver)
    value = value_unlock(value=value, reason="核实后数字有误", actor=approver)
    value = save(team, reporter, value="120", version=value.version)
    assert value.value == Decimal("120")
    actions = list(
        ChangeEntry.objects.filter(entity="results.value", entity_id=str(value.pk))
        .order_by("at", "id")
        .values_list("action", "reason")
    )
    assert actions == [
        ("create", ""),
        ("transition", ""),
        ("transition", ""),
        ("transition", "核实后数字有误"),
        ("update", ""),
    ]


def test_every_change_keeps_old_and_new_values(chain):
    _, team, reporter, _ = chain
    value = save(team, reporter, value="100")
    save(team, reporter, value="130")
    entry = ChangeEntry.objects.filter(
        entity="results.value", entity_id=str(value.pk), action="update"
    ).get()
    assert entry.before["value"] == "100.0000"
    assert entry.after["value"] == "130.0000"
    assert entry.actor == reporter


def test_a_stale_edit_is_refused(chain):
    _, team, reporter, _ = chain
    value = save(team, reporter)
    save(team, reporter, value="101", version=value.version)
    with pytest.raises(ConflictError):
        save(team, reporter, value="102", version=value.version)


def test_a_value_in_the_wrong_unit_is_refused_and_a_multiplied_unit_converted(chain):
    _, team, reporter, _ = chain
    with pytest.raises(ValidationError) as error:
        save(team, reporter, unit="元")
    assert "单位“元”与指标" in error.value.message_dict["unit"][0]
    value = save(team, reporter, value="1.2", unit="万人次")
    assert value.value == Decimal("12000")


def test_a_value_that_is_not_a_number_is_refused(chain):
    _, team, reporter, _ = chain
    with pytest.raises(ValidationError, match="不是数字"):
        save(team, reporter, value="很多")
    assert not Value.objects.filter(org=team).exists()


def test_a_period_that_does_not_match_the_frequency_is_refused(chain):
    _, team, reporter, _ = chain
    monthly = Indicator.objects.filter(frequency="month", kind="stored").first()
    with pytest.raises(ValidationError) as error:
        save(team, reporter, indicator=monthly, period=quarter_period(2025, 1))
    assert "按月填报" in error.value.message_dict["period"][0]


def test_an_organisation_the_user_may_not_report_for_is_refused(chain):
    _, _, reporter, _ = chain
    stranger = testing.donor_org()
    with pytest.raises(ValidationError, match="无权为"):
        save(stranger, reporter)
    assert not Value.objects.filter(org=stranger).exists()


def test_overlapping_periods_are_refused(chain):
    _, team, reporter, _ = chain
    save(team, reporter, period=month_period(2025, 3))
    with pytest.raises(ValidationError, match="重叠"):
        save(team, reporter, period=quarter_period(2025, 1))


def test_a_large_change_on_last_year_needs_a_comment(chain):
    _, team, reporter, _ = chain
    save(team, reporter, period=year_period(2024), value="100")
    with pytest.raises(ValidationError) as error:
        save(team, reporter, period=year_period(2025), value="300")
    assert "请填写说明" in error.value.message_dict["comment"][0]
    assert save(
        team, reporter, period=year_period(2025), value="300", comment="新增两家分院"
    ).value == Decimal(300)


def test_bounds_are_enforced():
    share = Indicator.objects.filter(unit="%", kind="stored").first()
    share.min_value, share.max_value, share.frequency = 0, 100, "any"
    share.save()
    team = testing.donor_org()
    with pytest.raises(ValidationError, match="不能大于100"):
        value_save(indicator=share, org=team, period=year_period(2025), value="130", actor=SYSTEM)


def test_a_record_backed_indicator_cannot_be_typed_in():
    team = testing.donor_org()
    with pytest.raises(ValidationError, match="不能填报"):
        value_save(
            indicator=Indicator.objects.get(code="PROJECTS"),
            org=team,
            period=year_period(2025),
            value="3",
            actor=SYSTEM,
        )


def test_a_formula_that_refers_to_itself_is_refused():
    derived = Indicator.objects.get(code="COST_PER_JOB")
    with pytest.raises(ValidationError, match="引用指标自身"):
        indicator_set_formula(indicator=derived, formula="FUND_SPENT / COST_PER_JOB", actor=SYSTEM)
    spending = Indicator.objects.get(code="FUND_SPENDING_RATE")
    indicator_set_formula(indicator=spending, formula="COST_PER_JOB * 2", actor=SYSTEM)
    with pytest.raises(ValidationError, match="引用指标自身"):
        indicator_set_formula(indicator=derived, formula="FUND_SPENDING_RATE + 1", actor=SYSTEM)


def test_a_derived_indicator_divided_by_zero_is_empty_not_an_error(chain):
    _, team, reporter, _ = chain
    jobs = Indicator.objects.get(code="JOBS_CREATED")
    indicator_set_formula(
        indicator=Indicator.objects.get(code="COST_PER_JOB"),
        formula="PATIENTS_TREATED / JOBS_CREATED",
        actor=SYSTEM,
    )
    jobs.kind, jobs.frequency = "stored", "any"
    jobs.save()
    testing.counted(save(team, reporter, value="100"))
    testing.counted(save(team, reporter, indicator=jobs, value="0"))
    table = indicator_table(
        user=testing.user(),
        indicator=Indicator.objects.get(code="COST_PER_JOB"),
        axis="o",
        node_ids=[team.pk],
        grain="y",
        years=[2025],
    )
    assert table == {(team.pk, 2025, 0): None}


def test_achievement_respects_the_direction_of_the_indicator(chain):
    command, team, reporter, approver = chain
    testing.counted(save(team, reporter, value="80"))
    target_set(
        indicator=patients(), org=command, period=year_period(2025), value="100", actor=SYSTEM
    )
    cost = Indicator.objects.filter(higher_is_better=False, kind="stored").first()
    cost.frequency = "any"
    cost.save()
    testing.counted(
        value_save(indicator=cost, org=team, period=year_period(2025), value="50", actor=SYSTEM)
    )
    target_set(indicator=cost, org=command, period=year_period(2025), value="40", actor=SYSTEM)
    rows = {a.indicator.code: a for a in achievement_for_org(user=approver, org=command, year=2025)}
    assert rows["PATIENTS_TREATED"].ratio == Decimal(80)
    assert rows["PATIENTS_TREATED"].met is False
    assert rows[cost.code].ratio == Decimal(80)
    assert rows[cost.code].met is False


def test_changing_a_target_needs_a_rationale():
    team = testing.donor_org()
    target_set(indicator=patients(), org=team, period=year_period(2025), value="100", actor=SYSTEM)
    with pytest.raises(ValidationError, match="调整原因"):
        target_set(
            indicator=patients(), org=team, period=year_period(2025), value="90", actor=SYSTEM
        )


def test_drafts_are_invisible_outside_their_chain(chain):
    _, team, reporter, approver = chain
    draft = save(team, reporter)
    other_province = testing.user(
        role=Membership.Role.FRONT_COMMAND, organisation=testing.donor_province("140000")
    )
    assert draft in value_list_for_user(user=approver)
    assert draft not in value_list_for_user(user=other_province)


def test_periods_are_read_as_users_write_them():
    assert period_parse("2025年第3季度") == quarter_period(2025, 3)
    assert period_parse("2025.3") == month_period(2025, 3)
    with pytest.raises(ValidationError, match="无法识别"):
        period_parse("去年")
