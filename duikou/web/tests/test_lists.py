from datetime import date

import pytest
from django.utils import timezone

from duikou.core import testing
from duikou.geo.models import Region
from duikou.orgs.models import Organisation
from duikou.orgs.services import pairing_create, programme_get_or_create
from duikou.policy import SYSTEM
from duikou.projects.services import fund_transaction_create

pytestmark = pytest.mark.django_db

LISTS = [
    "/projects/",
    "/deals/",
    "/people/batches/",
    "/people/members/",
    "/exchanges/partnerships/",
    "/exchanges/events/",
    "/exchanges/channels/",
    "/orgs/",
    "/orgs/pairings/",
    "/regions/",
    "/values/",
    "/records/fund_transactions/",
    "/records/progress_reports/",
    "/records/funds_in_place/",
    "/records/mentor_pairs/",
    "/records/trainings/",
    "/records/sales_records/",
]


@pytest.fixture
def many(portfolio):
    team = portfolio["team"]
    for _ in range(3):
        testing.project(donor_org=team)
        testing.deal(donor_org=team)
        testing.aid_member(batch=testing.aid_batch(donor_org=team))
        testing.event(organiser=team)
        testing.partnership(donor_org=team)
        testing.sales_channel(donor_org=team)
    return portfolio


@pytest.mark.parametrize("url", LISTS)
def test_every_list_runs_a_bounded_number_of_queries(
    client, many, url, django_assert_max_num_queries
):
    client.force_login(many["writer"])
    # 12 for the page, and a search looks up each related table it names once (≤ 3)
    with django_assert_max_num_queries(15):
        page = client.get(url, {"q": "测试", "sort": "-name"})
    assert page.status_code == 200


def test_the_project_list_searches_chinese_names_and_filters(client, portfolio):
    client.force_login(portfolio["writer"])
    page = client.get("/projects/", {"q": "医院"}).content.decode()
    assert "玛纳斯县人民医院改扩建" in page
    assert "昌吉州产业园道路" not in page
    page = client.get("/projects/", {"county": "0"}).content.decode()
    assert "昌吉州产业园道路" in page and "玛纳斯县人民医院改扩建" not in page


def test_the_project_list_shows_each_aid_plan_in_the_unit_its_header_names(client, portfolio):
    client.force_login(portfolio["writer"])
    page = client.get("/projects/", {"sort": "-aid"}).content.decode()
    assert "援疆资金计划（万元）" in page
    # 9,000,000元 and 1,000,000元, largest first: one unit for the column, none in the cells.
    assert page.index('<td class="num">900.00</td>') < page.index('<td class="num">100.00</td>')
    page = client.get("/projects/", {"unit": "yi"}).content.decode()
    assert "援疆资金计划（亿元）" in page and '<td class="num">0.09</td>' in page


def test_an_htmx_request_gets_only_the_rows(client, portfolio):
    client.force_login(portfolio["writer"])
    page = client.get("/projects/", {"q": "医院"}, HTTP_HX_REQUEST="true").content.decode()
    assert page.lstrip().startswith('<div id="rows">')
    assert "<html" not in page


def test_lists_sort_both_ways(client, portfolio):
    client.force_login(portfolio["writer"])
    up = client.get("/projects/", {"sort": "name"}).content.decode()
    down = client.get("/projects/", {"sort": "-name"}).content.decode()
    first, second = "昌吉州产业园道路", "玛纳斯县人民医院改扩建"
    assert (up.index(first) < up.index(second)) != (down.index(first) < down.index(second))


def test_names_in_lists_are_escaped(client, portfolio):
    testing.project(donor_org=portfolio["team"], name="<script>alert(1)</script>")
    client.force_login(portfolio["writer"])
    page = client.get("/projects/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_a_search_word_finds_rows_by_a_related_name_and_counts_them(client, many):
    client.force_login(many["writer"])
    team = many["team"].name
    response = client.get("/projects/", {"q": team[-4:]})
    assert response.status_code == 200
    assert response.context["listing"].total == 5
    assert response.context["listing"].page.paginator.num_pages == 1


def test_a_long_list_counts_up_to_the_cap_and_says_so(client, many, monkeypatch):
    monkeypatch.setattr("duikou.web.listing.COUNT_CAP", 3)
    client.force_login(many["writer"])
    response = client.get("/projects/", {"page": "2"})
    listing = response.context["listing"]
    assert (listing.total, listing.capped) == (3, True)
    assert "超过 3 条" in response.content.decode()


def _sheet(response) -> list[list]:
    from duikou.transfer.testing import export_table

    return export_table(response.content)


def test_reference_lists_export_every_filtered_row_not_one_page(client, portfolio, monkeypatch):
    monkeypatch.setattr("duikou.web.listing.PER_PAGE", 2)
    client.force_login(portfolio["recipient"])
    shown = client.get("/orgs/", {"side": "donor", "sort": "-code"})
    assert "format=xlsx" in shown.content.decode()
    response = client.get("/orgs/", {"side": "donor", "sort": "-code", "format": "xlsx"})
    rows = _sheet(response)
    donors = Organisation.objects.filter(side="donor").order_by("-code")
    assert rows[0][:2] == ["机构编码", "名称"]
    assert [r[0] for r in rows[1:]] == [o.code for o in donors]
    assert "filename*=UTF-8" in response["Content-Disposition"]


def test_downloads_carry_an_ascii_name_that_says_what_they_are(client, portfolio):
    """A client that cannot read the Chinese name gets projects-20261202.xlsx, not -20261202."""
    from urllib.parse import quote

    client.force_login(portfolio["writer"])
    today = f"{timezone.localdate():%Y%m%d}"
    for url, plain, chinese in (
        ("/transfer/export/projects.xlsx", f"projects-{today}.xlsx", f"援疆项目-{today}.xlsx"),
        ("/transfer/export/fund_transactions.csv", f"fund-transactions-{today}.csv", None),
        ("/transfer/templates/projects.xlsx", "projects-template.xlsx", "援疆项目导入模板.xlsx"),
        ("/orgs/?format=csv", f"organisations-{today}.csv", f"机构-{today}.csv"),
    ):
        disposition = client.get(url)["Content-Disposition"]
        assert f'filename="{plain}"' in disposition, disposition
        if chinese:
            assert f"filename*=UTF-8''{quote(chinese)}" in disposition


def test_the_pairing_export_is_a_csv_excel_opens(client, portfolio):
    pairing = pairing_create(
        programme=programme_get_or_create(
            code="XJ",
            name="对口援疆",
            name_en="Xinjiang",
            start_date=date(2010, 1, 1),
            actor=SYSTEM,
        ),
        donor=portfolio["command"],
        recipient=Region.objects.get(code="652324"),
        start_date=date(2010, 5, 1),
        actor=SYSTEM,
    )
    client.force_login(portfolio["recipient"])
    response = client.get("/orgs/pairings/", {"format": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff支援方编码,支援方")
    assert f"{pairing.donor.code},{pairing.donor.name}" in body


def test_a_record_list_shows_money_rows_across_projects_searchable_and_scoped(client, portfolio):
    other = testing.project(name="巴楚县学校", region="653130", budgets={"aid": "500000.00"})
    fund_transaction_create(
        project=other,
        fund_source="aid",
        kind="spend",
        amount="1000.00",
        on=date(2025, 6, 1),
        actor=SYSTEM,
    )
    client.force_login(portfolio["writer"])
    page = client.get("/records/fund_transactions/").content.decode()
    assert portfolio["county"].code in page and other.code not in page
    # One unit for the whole column, named in its header: 3,000,000元 shows as 300.00.
    assert "金额（万元）" in page and "金额（元）" not in page
    assert '<td class="num">300.00</td>' in page and "万元</td>" not in page
    in_yuan = client.get("/records/fund_transactions/", {"unit": "yuan"}).content.decode()
    assert "金额（元）" in in_yuan and '<td class="num">3,000,000.00</td>' in in_yuan
    client.force_login(portfolio["national"])
    found = client.get("/records/fund_transactions/", {"q": "巴楚", "kind": "spend"})
    rows = found.context["rows"]
    assert [r["cells"][0][0] for r in rows] == [other.code]
    assert rows[0]["parent"] == f"/projects/{other.pk}/"
    assert (
        client.get("/records/fund_transactions/", {"q": "巴楚", "kind": "release"}).context["rows"]
        == []
    )


def test_mentor_pairs_are_listed_only_for_roles_that_see_personal_data(client, portfolio):
    client.force_login(portfolio["recipient"])
    assert client.get("/records/mentor_pairs/").status_code == 403
    client.force_login(portfolio["writer"])
    assert client.get("/records/mentor_pairs/").status_code == 200


def test_the_region_export_keeps_the_level_filter(client, portfolio):
    client.force_login(portfolio["writer"])
    response = client.get("/regions/", {"level": "prefecture", "q": "昌吉", "format": "xlsx"})
    rows = _sheet(response)
    assert rows[0][0] == "区划代码"
    assert [r[0] for r in rows[1:]] == ["652300"]
