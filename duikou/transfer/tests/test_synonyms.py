"""Header and value synonyms are data: a word an office uses, added in the admin, maps the
next file's column and choice without a code change."""

import pytest

from duikou.core import testing
from duikou.projects.models import Project
from duikou.transfer.models import HeaderSynonym, ValueSynonym
from duikou.transfer.testing import import_file, xlsx_bytes

pytestmark = pytest.mark.django_db


def test_a_synonym_added_by_users_maps_a_header_and_an_office_word():
    national = testing.user()
    org = testing.donor_org()
    headers = [
        "项目编号",
        "项目名称",
        "援建单位名称",
        "地点",
        "领域",
        "开工时间",
        "完工时间",
        "推进状态",
    ]
    row = [
        "IMP-SYN",
        "同义词项目",
        org.code,
        "昌吉市",
        "教育",
        "2025-03-01",
        "2025-12-31",
        "开展中",
    ]
    first = import_file(user=national, kind="projects", data=xlsx_bytes(headers, [row]))
    assert first.status == "invalid"  # 援建单位名称 and 开展中 mean nothing yet

    HeaderSynonym.objects.create(kind="projects", column="donor_org", synonym="援建单位名称")
    HeaderSynonym.objects.create(kind="projects", column="status", synonym="推进状态")
    ValueSynonym.objects.create(kind="projects", column="status", text="开展中", value="building")
    again = import_file(user=national, kind="projects", data=xlsx_bytes(headers, [row]))
    assert again.status == "committed", again.errors
    project = Project.objects.get(code="IMP-SYN")
    assert (project.donor_org, project.status) == (org, "building")
