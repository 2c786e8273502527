"""One value workflow for every source: who may submit, approve, return and unlock (and who
may not), the version each change carries, the catalogue's ranges, returned reasons, bulk
actions all or nothing, and values from the grid, an import and the API reaching the
roll-ups once approved."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from duikou.core import testing
from duikou.core.errors import ConflictError
from duikou.orgs.models import Membership, Organisation
from duikou.results.models import Indicator, Rollup, Value
from duikou.results.periods import year_period
from duikou.results.services import (
    STATE_CHANGES,
    value_approve,
    value_save,
    value_submit,
    values_change_state,
)

pytestmark = pytest.mark.django_db
ROLES = ("national", "front_command", "sub_command", "colleague", "recipient", "auditor", "public")


@pytest.fixture
def world():
    province = testing.donor_province("350000")
    command = testing.donor_org(parent=province, kind=Organisation.Kind.FRONT_COMMAND)
    team = testing.donor_org(parent=command)
    users = {
        "national": testing.user(role=Membership.Role.NATIONAL),
        "front_command": testing.user(role=Membership.Role.FRONT_COMMAND, organisation=command),
        "sub_command": testing.user(role=Membership.Role.SUB_COMMAND, organisation=team),
        "colleague": testing.user(role=Membership.Role.SUB_COMMAND, organisation=team),
        "recipient": testing.user(role=Membership.Role.RECIPIENT, region_code="652301"),
        "auditor": testing.user(role=Membership.Role.AUDITOR),
        "public": testing.user(role=Membership.Role.PUBLIC),
    }
    return {"command": command, "team": team, "users": users}


def yearly():
    indicator = Indicator.objects.get(code="PATIENTS_TREATED")
    indicator.frequency = "any"
    indicator.save(update_fields=["frequency"])
    return indicator


def value_in(world, status: str, *, org=None, by="sub_command", year=2025) -> Value:
    """A value of the team in ``status``, entered and submitted by ``by``, approved by the
    front command."""
    users = world["users"]
    value = value_save(
        indicator=yearly(),
        org=org or world["team"],
        period=year_period(year),
        value="100",
        actor=users[by],
    )
    if status in ("submitted", "approved"):
        value = value_submit(value=value, actor=users[by], version=value.version)
    if status == "approved":
        value = value_approve(value=value, actor=users["front_command"], version=value.version)
    return value


# What each role may do to a team's value entered and submitted by one sub-command user.
ALLOWED = {
    "submit": {"national", "front_command", "sub_command", "colleague"},
    # The level above only: not the national office (a front command sits between), not
    # the team itself, never the person who entered or submitted it.
    "approve": {"front_command"},
    "return": {"front_command"},
    "unlock": {"front_command"},
}
BEFORE = {"submit": "draft", "approve": "submitted", "return": "submitted", "unlock": "approved"}


@pytest.mark.parametrize("action", list(STATE_CHANGES))
@pytest.mark.parametrize("role", ROLES)
def test_every_role_may_make_exactly_the_state_changes_its_place_allows(world, action, role):
    value = value_in(world, BEFORE[action], year=2020)
    actor = world["users"][role]
    try:
        values_change_state(
            action=action, items=[(value, value.version)], actor=actor, reason="核对有误"
        )
    except ValidationError:
        done = False
    else:
        done = True
    assert done == (role in ALLOWED[action]), (role, action)
    value.refresh_from_db()
    assert (value.status != BEFORE[action]) == done


def test_nobody_approves_a_value_they_entered_or_submitted(world):
    users = world["users"]
    # The front command enters and submits for its team: it may not approve its own figure.
    own = value_in(world, "submitted", by="front_command", year=2021)
    with pytest.raises(ValidationError, match="不能审核自己"):
        value_approve(value=own, actor=users["front_command"], version=own.version)
    # The front command's own values go to the national office (no level between).
    top = value_in(world, "submitted", org=world["command"], by="front_command", year=2022)
    value_approve(value=top, actor=users["national"], version=top.version)
    with pytest.raises(ValidationError, match="上级机构"):
        team = value_in(world, "submitted", year=2023)
        value_approve(value=team, actor=users["national"], version=team.version)


@pytest.mark.parametrize("action", ["submit", "approve", "return", "unlock"])
def test_a_state_change_on_a_stale_version_is_refused_with_what_changed(world, action):
    value = value_in(world, BEFORE[action], year=2019)
    approver = world["users"]["front_command" if action != "submit" else "sub_command"]
    with pytest.raises(ConflictError) as refused:
        STATE_CHANGES[action](
            value=value,
            actor=approver,
            version=value.version - 1,
            **({"reason": "核对"} if action in ("return", "unlock") else {}),
        )
    assert refused.value.changes["数值"] == "100"
    value.refresh_from_db()
    assert value.status == BEFORE[action]


def test_the_catalogue_ranges_hold_on_every_path(world):
    rate = Indicator.objects.get(code="UNDERGRAD_RATE")
    reporter = world["users"]["sub_command"]
    with pytest.raises(ValidationError, match="不能大于100%"):
        value_save(
            indicator=rate, org=world["team"], period=year_period(2025), value="135", actor=reporter
        )
    with pytest.raises(ValidationError, match="不能小于0"):
        value_save(
            indicator=yearly(),
            org=world["team"],
            period=year_period(2025),
            value="-3",
            actor=reporter,
        )
    from duikou.results.periods import year_period as year
    from duikou.results.services import ValueRow, values_import

    with pytest.raises(ValidationError, match="不能大于100%"):
        values_import(
            rows=[
                ValueRow(
                    line=2,
                    indicator=rate,
                    org=world["team"],
                    period=year(2025),
                    value=Decimal("135"),
                )
            ],
            actor=reporter,
        )


def test_a_returned_value_shows_its_reason_to_the_reporter(world, client):
    value = value_in(world, "submitted", year=2018)
    values_change_state(
        action="return",
        items=[(value, value.version)],
        actor=world["users"]["front_command"],
        reason="请附上接诊登记表",
    )
    client.force_login(world["users"]["sub_command"])
    page = client.get("/results/submissions/?returned=1").content.decode()
    assert "请附上接诊登记表" in page
    value.refresh_from_db()
    assert value.return_reason == "请附上接诊登记表"
    values_change_state(
        action="submit", items=[(value, value.version)], actor=world["users"]["sub_command"]
    )
    value.refresh_from_db()
    assert (value.status, value.return_reason) == ("submitted", "")


def test_a_bulk_action_with_one_refusal_changes_nothing_and_lists_it(world):
    good = value_in(world, "submitted", year=2016)
    own = value_in(world, "submitted", by="front_command", year=2017)
    with pytest.raises(ValidationError) as refused:
        values_change_state(
            action="approve",
            items=[(good, good.version), (own, own.version)],
            actor=world["users"]["front_command"],
        )
    assert len(refused.value.messages) == 1
    assert "2017" in refused.value.messages[0] and "不能审核自己" in refused.value.messages[0]
    good.refresh_from_db()
    assert good.status == "submitted"


def _counted(indicator, node) -> Decimal:
    """The 2025 cell of an organisation (the team's front command) in the roll-ups."""
    cell = Rollup.objects.filter(
        indicator=indicator, axis="o", node_id=node.pk, grain="y", year=2025
    )
    return sum((c.total for c in cell), Decimal(0))


def test_values_from_the_grid_an_import_and_the_api_count_once_approved(world, client):
    from duikou.api.services import api_token_create
    from duikou.transfer.services import import_remap
    from duikou.transfer.testing import import_file, xlsx_bytes

    users = world["users"]
    indicator = yearly()
    before = _counted(indicator, world["command"])
    # The grid's path: the entry service, then submit.
    grid = value_in(world, "submitted", year=2025)
    # An import committed as submitted, for another place and a subgroup.
    data = xlsx_bytes(
        ["指标", "填报机构", "地点", "期间", "数值", "分组"],
        [[indicator.code, world["team"].code, "玛纳斯县", "2025", "40", "女性"]],
    )
    record = import_file(user=users["sub_command"], kind="values", data=data, commit=False)
    record = import_remap(record=record, user=users["sub_command"], submit=True)
    from duikou.transfer.services import import_run

    import_run(record_id=record.pk, commit=False)
    import_run(record_id=record.pk, commit=True)
    imported = Value.objects.get(indicator=indicator, disaggregation="女性")
    assert imported.status == "submitted"
    # The API: create a draft for a county, then submit it with its version.
    _token, raw = api_token_create(user=users["colleague"], name="测试")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    made = client.post(
        "/api/v1/values",
        {
            "indicator": indicator.code,
            "org": world["team"].code,
            "region": "呼图壁县",
            "period": "2025",
            "value": "7",
        },
        content_type="application/json",
        **headers,
    ).json()
    submitted = client.post(
        f"/api/v1/values/{made['id']}/submit",
        {"version": made["version"]},
        content_type="application/json",
        **headers,
    )
    assert submitted.status_code == 200, submitted.content
    # The front command approves the three together; they count in the roll-up.
    queue = [(v, v.version) for v in Value.objects.filter(indicator=indicator, year=2025)]
    _token, boss = api_token_create(user=users["front_command"], name="测试")
    response = client.post(
        "/api/v1/value_states",
        {"action": "approve", "items": [{"id": v.pk, "version": n} for v, n in queue]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {boss}",
    )
    assert response.status_code == 200, response.content
    assert response.json()["count"] == 3
    assert Value.objects.filter(indicator=indicator, year=2025, status="approved").count() == 3
    assert _counted(indicator, world["command"]) == before + Decimal("147")  # 100 + 40 + 7
    assert grid.pk in {v.pk for v, _ in queue}


def test_an_api_state_change_on_a_stale_version_answers_409_with_the_current_state(world, client):
    from duikou.api.services import api_token_create

    value = value_in(world, "submitted", year=2015)
    _token, raw = api_token_create(user=world["users"]["front_command"], name="测试")
    response = client.post(
        f"/api/v1/values/{value.pk}/approve",
        {"version": value.version - 1},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 409
    assert "已提交" in response.json()["detail"] or "待审核" in response.json()["detail"]


def test_a_figure_accepted_from_a_report_is_submitted_approved_and_counted(world):
    from datetime import date

    from duikou.ingest.services import figure_accept, report_create

    users = world["users"]
    indicator = yearly()
    before = _counted(indicator, world["command"])
    report = report_create(
        title="泉州援疆工作简报",
        doc_date=date(2025, 12, 1),
        org=world["team"],
        text="2025年，工作队在昌吉市接诊患者1.2万人次。",
        actor=users["sub_command"],
    )
    figure = report.figures.get(indicator=indicator)
    figure_accept(figure=figure, actor=users["sub_command"])
    value = Value.objects.get(indicator=indicator, source="extraction")
    assert value.status == "draft"
    from duikou.results.selectors import values_to_submit_for_user

    assert value in values_to_submit_for_user(
        user=users["colleague"], filters={"source": "extraction"}
    )
    values_change_state(action="submit", items=[(value, value.version)], actor=users["colleague"])
    value.refresh_from_db()
    values_change_state(
        action="approve", items=[(value, value.version)], actor=users["front_command"]
    )
    value.refresh_from_db()
    assert value.status == "approved"
    assert _counted(indicator, world["command"]) == before + Decimal("12000")


def _cells() -> set:
    """The cells that count something (a cell emptied by subtraction stays at zero)."""
    return set(
        Rollup.objects.filter(count__gt=0).values_list(
            "indicator_id", "axis", "node_id", "grain", "year", "period_no", "total", "count"
        )
    )


def test_a_bulk_change_of_many_values_moves_the_cells_as_a_rebuild_would(world):
    from duikou.results.periods import month_period
    from duikou.results.rollups import rollup_rebuild
    from duikou.results.services import BULK_FROM

    users = world["users"]
    indicator = yearly()
    drafts = []
    for n in range(BULK_FROM + 10):
        year, month = 2010 + n // 12, n % 12 + 1
        drafts.append(
            value_save(
                indicator=indicator,
                org=world["team"],
                period=month_period(year, month),
                value=str(10 + n),
                comment="批量",
                actor=users["sub_command"],
            )
        )
    steps = [
        ("submit", users["colleague"], ""),
        ("approve", users["front_command"], ""),
        ("unlock", users["front_command"], "复核"),
        ("submit", users["colleague"], ""),
        ("return", users["front_command"], "请核对"),
    ]
    for action, actor, reason in steps:
        current = list(Value.objects.filter(pk__in=[d.pk for d in drafts]))
        values_change_state(
            action=action, items=[(v, v.version) for v in current], actor=actor, reason=reason
        )
        incremental = _cells()
        rollup_rebuild(indicator_ids=[indicator.pk])
        assert incremental == _cells(), action
    assert set(
        Value.objects.filter(pk__in=[d.pk for d in drafts]).values_list("status", "return_reason")
    ) == {("draft", "请核对")}


def test_a_bulk_change_with_one_stale_version_changes_nothing(world):
    from duikou.results.periods import month_period
    from duikou.results.services import BULK_FROM

    users = world["users"]
    indicator = yearly()
    drafts = [
        value_save(
            indicator=indicator,
            org=world["team"],
            period=month_period(2030 + n // 12, n % 12 + 1),
            value="5",
            comment="批量",
            actor=users["sub_command"],
        )
        for n in range(BULK_FROM + 5)
    ]
    items = [(v, v.version) for v in drafts]
    items[3] = (drafts[3], drafts[3].version + 7)
    with pytest.raises(ValidationError) as refused:
        values_change_state(action="submit", items=items, actor=users["colleague"])
    assert len(refused.value.messages) == 1 and "已被他人修改" in refused.value.messages[0]
    assert not Value.objects.filter(pk__in=[d.pk for d in drafts], status="submitted").exists()
