import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from duikou.orgs.models import Organisation
from duikou.projects.models import Project, Status
from duikou.results.models import Value


def test_labels_are_english_under_english():
    with translation.override("en"):
        assert Project._meta.verbose_name == "Aid project"
        assert Project._meta.get_field("donor_org").verbose_name == "Implementing aid organisation"
        assert Status.BUILDING.label == "Under construction"
        assert Organisation.Kind.FRONT_COMMAND.label == "Front command"
        assert Value.Status.APPROVED.label == "Approved and locked"
        assert apps.get_app_config("orgs").verbose_name == "Organisations and pairings"


def test_labels_stay_chinese_under_chinese():
    with translation.override("zh-hans"):
        assert Project._meta.verbose_name == "援疆项目"
        assert Project._meta.get_field("donor_org").verbose_name == "实施援疆机构"
        assert Status.BUILDING.label == "在建"
        assert Organisation.Kind.FRONT_COMMAND.label == "前方指挥部"
        assert Value.Status.APPROVED.label == "已审核锁定"
        assert apps.get_app_config("orgs").verbose_name == "组织与结对"


@pytest.mark.django_db
def test_admin_index_follows_the_chosen_language(admin_client):
    admin_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "Organisations and pairings" in page
    assert "Aid project" in page
    assert "组织与结对" not in page

    admin_client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "组织与结对" in page
    assert "援疆项目" in page


@pytest.mark.django_db
def test_sign_in_page_is_translated(client):
    english = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sign in" in english
    assert "Password" in english
    chinese = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "登录" in chinese
    assert "密码" in chinese
