import pytest

from duikou.geo.selectors import map_areas

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
    assert "1,000.00万元" in page  # both projects lie in Changji prefecture
    assert 'id="pairings"' in page


def test_the_map_file_is_a_setting(client, portfolio, settings, tmp_path):
    settings.DUIKOU_MAP_GEOJSON = "geo/maps/missing.json"
    with pytest.raises(FileNotFoundError):
        map_areas()
