from decimal import Decimal

import pytest

from duikou.core import testing
from duikou.geo.selectors import map_areas
from duikou.policy import SYSTEM
from duikou.web.selectors import map_for_user

pytestmark = pytest.mark.django_db


def test_map_areas_are_matched_to_regions_by_name_not_by_code():
    areas = {a.name: a.region for a in map_areas()}
    assert areas["哈密市"].code == "650500"  # the file still carries the old code 652200
    assert areas["昌吉回族自治州"].code == "652300"
    assert areas["石河子市"].code == "659001"


def test_the_map_page_colours_prefectures_and_links_them(client, portfolio):
    client.force_login(portfolio["national"])
    page = client.get("/map/", {"year": 2025}).content.decode()
    assert 'data-map="/static/geo/maps/xinjiang.json"' in page
    assert "计划援疆资金（万元）" in page  # one unit for the column, in its header
    assert ">1,000.00<" in page  # both projects lie in Changji prefecture
    assert "DUIKOU_MAP_GEOJSON" not in page  # an operator's setting, not the officials'
    assert 'id="pairings"' in page


def test_the_map_legend_and_table_use_the_unit_asked_for(client, portfolio):
    client.force_login(portfolio["national"])
    response = client.get("/map/", {"year": 2025, "unit": "yi"})
    assert response.context["option"]["visualMap"]["text"][0] == "单位：亿元"
    assert "计划援疆资金（亿元）" in response.content.decode()
    data = map_for_user(user=portfolio["national"], measure="funds:budget", year=2025)
    assert data["option"]["visualMap"]["text"][0] == "单位：万元"  # 万元 unless asked
    assert data["option"]["series"][0]["labelLayout"] == {"hideOverlap": True}
    changji = _by_name(data)["昌吉回族自治州"]
    assert changji["value"] == Decimal("10000000.00")  # rows keep yuan
    assert changji["shown"] == Decimal("1000.00")


def test_the_map_file_is_a_setting(client, portfolio, settings, tmp_path):
    settings.DUIKOU_MAP_GEOJSON = "geo/maps/missing.json"
    with pytest.raises(FileNotFoundError):
        map_areas()


# The county layer ---------------------------------------------------------------------


def _by_name(data: dict) -> dict:
    return {r["name"]: r for r in data["rows"]}


def _patients(*, org, place: str, number: str):
    from duikou.results.models import Indicator
    from duikou.results.periods import year_period
    from duikou.results.services import value_save

    patients = Indicator.objects.get(code="PATIENTS_TREATED")
    patients.frequency = "any"
    patients.save(update_fields=["frequency"])
    return testing.counted(
        value_save(
            indicator=patients,
            org=org,
            region=testing.region(place),
            period=year_period(2025),
            value=number,
            actor=SYSTEM,
        )
    )


def test_counties_carry_the_money_of_the_places_inside_them(portfolio):
    testing.project(donor_org=portfolio["team"], region="653130", budgets={"aid": "500000.00"})
    for user in (portfolio["national"], portfolio["writer"]):  # fund summary, then ledger
        rows = _by_name(map_for_user(user=user, measure="funds:budget", year=2025, layer="county"))
        assert len(rows) == 108
        assert rows["玛纳斯县"]["value"] == Decimal("9000000.00")
        assert rows["巴楚县"]["value"] == Decimal("500000.00")
        # Money booked on the prefecture itself belongs to no county.
        assert rows["昌吉市"]["value"] is None
        assert rows["玛纳斯县"]["prefecture"].name == "昌吉回族自治州"
    released = _by_name(
        map_for_user(user=portfolio["national"], measure="funds:release", year=2025, layer="county")
    )
    assert released["玛纳斯县"]["value"] == Decimal("3000000.00")


def test_counties_are_coloured_by_an_indicator(portfolio):
    _patients(org=portfolio["team"], place="652324", number="120")
    _patients(org=portfolio["team"], place="652301", number="30")
    data = map_for_user(
        user=portfolio["national"], measure="PATIENTS_TREATED", year=2025, layer="county"
    )
    rows = _by_name(data)
    assert rows["玛纳斯县"]["value"] == Decimal("120")
    assert rows["昌吉市"]["value"] == Decimal("30")
    assert rows["巴楚县"]["value"] is None
    assert data["option"]["visualMap"]["max"] == Decimal("120")


def test_a_county_shows_its_own_pairing_or_else_its_prefectures():
    rows = _by_name(
        map_for_user(user=testing.user(), measure="funds:budget", year=2025, layer="county")
    )
    assert (rows["巴楚县"]["donors"], rows["巴楚县"]["inherited"]) == (["上海市"], False)
    # 福建 is paired with 昌吉州 except 阜康市, which 山西 holds on its own.
    assert (rows["玛纳斯县"]["donors"], rows["玛纳斯县"]["inherited"]) == (["福建省"], True)
    assert (rows["阜康市"]["donors"], rows["阜康市"]["inherited"]) == (["山西省"], False)
    # An XPCC city and its division count as one place (师市合一).
    assert rows["石河子市"]["donors"] == ["辽宁省"]
    assert rows["石河子市"]["prefecture"].code == "XPCC08"
    assert rows["乌鲁木齐县"]["donors"] == []


def test_the_prefecture_layer_gathers_the_pairings_of_its_counties():
    rows = _by_name(map_for_user(user=testing.user(), measure="funds:budget", year=2025))
    assert rows["喀什地区"]["donors"] == ["上海市", "山东省", "广东省", "深圳市"]
    assert rows["昌吉回族自治州"]["donors"] == ["山西省", "福建省"]
    assert rows["石河子市"]["donors"] == ["辽宁省"]


def test_the_county_map_takes_a_bounded_number_of_queries(portfolio, django_assert_max_num_queries):
    for place in ("653130", "654002", "659001"):
        testing.project(donor_org=portfolio["team"], region=place)
        _patients(org=portfolio["team"], place=place, number="120")
    for user in (portfolio["national"], portfolio["writer"]):
        for measure in ("funds:spend", "PATIENTS_TREATED"):
            with django_assert_max_num_queries(10):
                map_for_user(user=user, measure=measure, year=2025, layer="county")
    prefecture = testing.region("652300")
    with django_assert_max_num_queries(10):
        map_for_user(
            user=portfolio["national"],
            measure="funds:budget",
            year=2025,
            layer="county",
            within=prefecture,
        )


def test_the_county_page_lists_counties_with_their_prefecture(client, portfolio):
    client.force_login(portfolio["national"])
    page = client.get("/map/", {"year": 2025, "layer": "county"}).content.decode()
    assert 'data-map="/static/geo/maps/xinjiang_counties.json"' in page
    assert "data-map-only-listed" not in page
    assert "新疆各县市" in page
    table = page[page.index('id="map-table"') :]
    assert "所属地州" in table
    assert ">900.00<" in table  # 玛纳斯县
    assert "巴楚县" in table and "上海市" in table
    assert "（随所属地州）" in table  # 玛纳斯县 follows 昌吉州's pairing with 福建


def test_a_prefecture_drills_into_just_its_counties(client, portfolio):
    client.force_login(portfolio["national"])
    page = client.get("/map/", {"year": 2025}).content.decode()
    drill = "/map/?layer=county&amp;within=652300&amp;measure=funds%3Abudget&amp;year=2025"
    assert drill in page
    page = client.get(
        "/map/", {"year": 2025, "layer": "county", "within": "652300"}
    ).content.decode()
    assert "昌吉回族自治州各县市" in page
    assert "data-map-only-listed" in page
    table = page[page.index('id="map-table"') : page.index('id="pairings"')]
    assert "玛纳斯县" in table and "阜康市" in table
    assert "巴楚县" not in table
    assert '<option value="652300" selected>' in page
    missing = client.get("/map/", {"layer": "county", "within": "659999"})
    assert missing.status_code == 404


def test_the_county_map_option_draws_only_the_listed_counties(portfolio):
    data = map_for_user(
        user=portfolio["national"],
        measure="funds:budget",
        year=2025,
        layer="county",
        within=testing.region("652300"),
    )
    names = [d["name"] for d in data["option"]["series"][0]["data"]]
    assert sorted(names) == sorted(
        ["昌吉市", "阜康市", "呼图壁县", "玛纳斯县", "奇台县", "吉木萨尔县", "木垒哈萨克自治县"]
    )
    assert data["map_only_listed"]
    assert data["option"]["title"]["text"].startswith("昌吉回族自治州")


def test_a_missing_county_file_is_said_in_chinese_on_the_page(client, portfolio, settings):
    settings.DUIKOU_MAP_COUNTY_GEOJSON = "geo/maps/missing.json"
    client.force_login(portfolio["national"])
    page = client.get("/map/", {"layer": "county"}).content.decode()
    assert "地图文件缺失" in page and "请联系系统管理员" in page
    assert "DUIKOU_MAP_COUNTY_GEOJSON" not in page and "missing.json" not in page
    assert 'id="map"' not in page
    assert 'id="map" ' in client.get("/map/").content.decode()  # prefectures still drawn
