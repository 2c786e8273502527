import pytest

from duikou.core import testing

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
    with django_assert_max_num_queries(12):
        page = client.get(url, {"q": "测试", "sort": "-name"})
    assert page.status_code == 200


def test_the_project_list_searches_chinese_names_and_filters(client, portfolio):
    client.force_login(portfolio["writer"])
    page = client.get("/projects/", {"q": "医院"}).content.decode()
    assert "玛纳斯县人民医院改扩建" in page
    assert "昌吉州产业园道路" not in page
    page = client.get("/projects/", {"county": "0"}).content.decode()
    assert "昌吉州产业园道路" in page and "玛纳斯县人民医院改扩建" not in page


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
