import pytest
from django.core.exceptions import ValidationError

from duikou.geo.models import Region, RegionAncestor
from duikou.geo.selectors import region_descendants, region_find, region_get_by_code
from duikou.geo.services import regions_load_csv
from duikou.policy import SYSTEM

pytestmark = pytest.mark.django_db


def test_it_holds_every_xinjiang_prefecture_and_xpcc_city():
    names = set(Region.objects.values_list("name", flat=True))
    for name in [
        "昌吉回族自治州",
        "伊犁哈萨克自治州",
        "喀什地区",
        "和田地区",
        "哈密市",
        "石河子市",
        "白杨市",
        "胡杨河市",
        "新星市",
        "库车市",
        "克拉玛依市",
    ]:
        assert name in names


def test_it_holds_every_donor_province_and_the_fujian_donor_cities():
    names = set(Region.objects.filter(level="province").values_list("name", flat=True))
    assert {"北京市", "福建省", "山西省", "吉林省", "广东省", "上海市"} <= names
    cities = set(Region.objects.filter(parent__code="350000").values_list("name", flat=True))
    assert {"福州市", "厦门市", "泉州市", "漳州市", "三明市", "宁德市", "龙岩市"} <= cities


def test_it_stores_the_province_and_prefecture_above_a_county():
    county = region_get_by_code(code="652324")
    assert county.name == "玛纳斯县"
    assert county.prefecture.code == "652300"
    assert county.province.code == "650000"
    assert county.is_county_or_below
    assert not county.prefecture.is_county_or_below


def test_it_lists_a_prefecture_and_everything_inside_it():
    changji = region_get_by_code(code="652300")
    inside = set(region_descendants(region=changji).values_list("code", flat=True))
    assert {"652300", "652301", "652324"} <= inside
    assert "650100" not in inside


def test_it_resolves_the_short_forms_reports_use():
    assert region_find(text="昌吉州").code == "652300"
    assert region_find(text="玛纳斯县").code == "652324"
    assert region_find(text="652324").name == "玛纳斯县"


def test_it_refuses_an_unknown_region_code_in_chinese():
    with pytest.raises(ValidationError, match="区划代码“659999”不存在"):
        region_get_by_code(code="659999")


def test_loading_the_fixture_again_changes_nothing():
    before = (Region.objects.count(), RegionAncestor.objects.count())
    result = regions_load_csv(actor=SYSTEM)
    assert result["created"] == 0
    assert result["updated"] == 0
    assert (Region.objects.count(), RegionAncestor.objects.count()) == before
