"""The menu shows each role what it may do, and every link it shows answers that role."""

import re

import pytest

from duikou.core import testing
from duikou.orgs.models import Membership, Organisation

pytestmark = pytest.mark.django_db

LEDGER = ["台账", "项目", "招商引资", "援疆人员", "交流合作", "机构", "地区"]
RESULTS_READ = ["成效", "指标查询", "地图", "指标值"]
RESULTS_WRITE = [*RESULTS_READ, "指标填报", "待提交", "审核"]
REPORTS = ["报告", "报告", "合规检查", "公开数据"]
PUBLISHING = [*REPORTS, "数据发布"]

EXPECTED = {
    # The public account sees no ledger: the published figures, not pages of zeros.
    "public": ["公开", "公开数据", "管理", "接口令牌"],
    "recipient": [
        *LEDGER,
        *RESULTS_READ,
        *["数据", "导出与模板"],
        *REPORTS,
        *["管理", "接口令牌", "后台任务"],
    ],
    "auditor": [
        *LEDGER,
        *RESULTS_READ,
        *["数据", "导出与模板"],
        *REPORTS,
        *["管理", "审计", "接口令牌", "后台任务"],
    ],
    "sub_command": [
        *LEDGER,
        *RESULTS_WRITE,
        *["数据", "导入", "导出与模板", "报道读取"],
        *REPORTS,
        *["管理", "接口令牌", "后台任务"],
    ],
    "front_command": [
        *LEDGER,
        *RESULTS_WRITE,
        *["数据", "导入", "导出与模板", "报道读取"],
        *PUBLISHING,
        *["管理", "接口令牌", "后台任务"],
    ],
    "national": [
        *LEDGER,
        *RESULTS_WRITE,
        *["数据", "导入", "导出与模板", "报道读取"],
        *PUBLISHING,
        *["管理", "审计", "接口令牌", "后台任务"],
    ],
    "national_staff": [
        *LEDGER,
        *RESULTS_WRITE,
        *["数据", "导入", "导出与模板", "报道读取"],
        *PUBLISHING,
        *["管理", "审计", "管理后台", "接口令牌", "后台任务"],
    ],
}


def make_user(role: str):
    fujian = testing.donor_province("350000")
    command = testing.donor_org(parent=fujian, kind=Organisation.Kind.FRONT_COMMAND, base="652300")
    if role == "public":
        return testing.user(role=Membership.Role.PUBLIC)
    if role == "recipient":
        return testing.user(role=Membership.Role.RECIPIENT, region_code="652300")
    if role == "auditor":
        return testing.user(role=Membership.Role.AUDITOR)
    if role == "front_command":
        return testing.user(role=Membership.Role.FRONT_COMMAND, organisation=command)
    if role == "sub_command":
        team = testing.donor_org(parent=command, base="652301")
        return testing.user(role=Membership.Role.SUB_COMMAND, organisation=team)
    user = testing.user(role=Membership.Role.NATIONAL, region_code="650000")
    if role == "national_staff":
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user


def menu_of(html: str) -> tuple[list[str], list[str]]:
    """The menu's group labels and link texts in page order, and its link addresses."""
    block = re.search(r'<ul class="menu">(.*?)</nav>', html, re.S).group(1)
    words = re.findall(
        r'<span class="menu-label">([^<]+)</span>|<a href="[^"]+">([^<]+)</a>', block
    )
    labels = [group or link for group, link in words]
    return labels, re.findall(r'<a href="([^"]+)"', block)


@pytest.mark.parametrize("role", EXPECTED)
def test_the_menu_holds_what_the_role_may_do_and_every_link_answers(client, role):
    user = make_user(role)
    client.force_login(user)
    labels, links = menu_of(client.get("/").content.decode())
    assert labels == EXPECTED[role]
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, f"{role}: {link} → {response.status_code}"


def test_the_public_account_sees_no_reporting_review_or_jobs(client):
    client.force_login(make_user("public"))
    labels, _ = menu_of(client.get("/").content.decode())
    assert not {"指标填报", "审核", "报道读取", "后台任务"} & set(labels)


def test_a_visitor_who_has_not_signed_in_sees_no_menu(client):
    html = client.get("/").content.decode()
    assert '<span class="menu-label">' not in html


def test_the_menu_follows_the_chosen_language(client):
    client.force_login(make_user("auditor"))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    labels, _ = menu_of(client.get("/").content.decode())
    assert labels[:2] == ["Ledger", "Projects"]
    assert {"Results", "Data", "Reports", "Administration", "Audit trail"} <= set(labels)
