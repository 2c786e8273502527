import json

import pytest
from django.contrib.staticfiles import finders

from duikou.geo.models import Region
from duikou.geo.selectors import map_areas, map_file

pytestmark = pytest.mark.django_db


def _features(path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)["features"]


def _layer(folder, features: list[dict]) -> str:
    (folder / "layer.json").write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
        encoding="utf-8",
    )
    return "layer.json"


def _feature(**properties) -> dict:
    square = [[[80, 40], [80.1, 40], [80.1, 40.1], [80, 40]]]
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": "Polygon", "coordinates": square},
    }


def test_every_county_feature_is_the_county_level_region_with_its_code():
    static_path, path = map_file(layer="county")
    assert static_path == "geo/maps/xinjiang_counties.json"
    codes = [f["properties"]["code"] for f in _features(path)]
    areas = map_areas(layer="county")
    assert len(areas) == len(codes) == 108
    assert [a.region.code for a in areas] == codes
    assert {a.region.level for a in areas} == {Region.Level.COUNTY}
    assert all(a.name == a.region.name for a in areas)


def test_the_county_layer_covers_the_xpcc_cities_and_every_prefecture():
    areas = map_areas(layer="county")
    names = {a.name for a in areas}
    assert {"石河子市", "白杨市", "巴楚县", "伊州区", "独山子区"} <= names
    prefectures = {a.region.prefecture.code for a in areas if a.region.prefecture}
    assert len(prefectures) == 14


def test_the_county_file_stays_small_enough_to_send_to_every_browser():
    _, path = map_file(layer="county")
    with open(path, "rb") as handle:
        assert len(handle.read()) < 600_000


def test_a_code_property_wins_over_the_name(settings, tmp_path):
    settings.STATICFILES_DIRS = [tmp_path]
    settings.DUIKOU_MAP_COUNTY_GEOJSON = _layer(
        tmp_path,
        [
            _feature(name="巴楚", code="653130"),  # a short form the code makes certain
            _feature(name="玛纳斯县"),  # no code: by name
            _feature(name="昌吉市", code="659999"),  # an unknown code: by name
            _feature(name="不存在的县", code="000000"),
        ],
    )
    areas = map_areas(layer="county")
    assert [a.region.code if a.region else None for a in areas] == [
        "653130",
        "652324",
        "652301",
        None,
    ]


def test_a_missing_county_layer_names_the_file_and_its_setting(settings):
    settings.DUIKOU_MAP_COUNTY_GEOJSON = "geo/maps/missing.json"
    with pytest.raises(FileNotFoundError, match=r"找不到地图文件 geo/maps/missing\.json"):
        map_areas(layer="county")
    with pytest.raises(FileNotFoundError, match="DUIKOU_MAP_COUNTY_GEOJSON"):
        map_file(layer="county")
    assert map_areas()  # the prefecture layer does not need it


def test_the_licence_travels_with_the_county_layer():
    assert finders.find("geo/maps/xinjiang_counties.LICENSE.txt")
    assert finders.find("geo/maps/README.md")
