"""Upgrading: the default template earlier versions loaded takes the 工作总结 wording, and a
template an office edited keeps every word of its own."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from duikou.reports.models import ReportTemplate

BEFORE = [("reports", "0002_publication")]
AFTER = [("reports", "0003_summary_template_work_summary")]
OLD_TOTALS = (
    "{期间}，{机构}实施援疆项目{指标:PROJECTS}，安排援疆资金{指标:FUND_PLANNED}，"
    "下达援疆资金{指标:FUND_RELEASED}，完成支出{指标:FUND_SPENT}。"
)
OLD_MATCHING = (
    "撬动地方配套资金{指标:FUND_LOCAL_MATCHING}，引导社会资金{指标:FUND_SOCIAL}投入援疆项目建设。"
)
OLD_MEDICAL = "选派医疗人才{指标:MEDICAL_TALENT}，开展柔性援疆。"
EDITED_TOTALS = OLD_TOTALS.replace("实施援疆项目", "实施对口援疆项目")


def old_template(apps, *, code: str, title: str, name: str, totals: str):
    """A template as the earlier default loaded it: the totals opening 产业援疆."""
    template = apps.get_model("reports", "ReportTemplate").objects.create(
        code=code, name=name, title=title
    )
    section_model = apps.get_model("reports", "TemplateSection")
    sentence_model = apps.get_model("reports", "SentenceTemplate")
    field = section_model.objects.create(
        template=template,
        order=1,
        title="产业援疆",
        indicators="PROJECTS FUND_PLANNED FUND_RELEASED FUND_SPENT FUND_LOCAL_MATCHING FUND_SOCIAL",
    )
    sentence_model.objects.create(section=field, order=1, text=totals)
    sentence_model.objects.create(section=field, order=2, text=OLD_MATCHING)
    medical = section_model.objects.create(
        template=template, order=2, title="医疗援疆", indicators="MEDICAL_TALENT"
    )
    sentence_model.objects.create(section=medical, order=1, text=OLD_MEDICAL)


def sections_of(code: str) -> list[tuple[str, str, list[str]]]:
    template = ReportTemplate.objects.get(code=code)
    return [
        (s.title, s.indicators, [t.text for t in s.sentences.order_by("order", "id")])
        for s in template.sections.order_by("order", "id")
    ]


@pytest.mark.django_db(transaction=True)
def test_the_old_default_template_becomes_a_work_summary_and_edited_ones_stay_as_written():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    old_template(
        apps,
        code="SUMMARY",
        title="{机构}{期间}对口援疆工作综述",
        name="对口援疆工作综述（通用）",
        totals=OLD_TOTALS,
    )
    old_template(
        apps,
        code="KASHGAR",
        title="{机构}{期间}援疆工作情况报告",
        name="喀什分指挥部自用",
        totals=EDITED_TOTALS,
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    default = ReportTemplate.objects.get(code="SUMMARY")
    assert default.title == "{机构}{期间}对口援疆工作总结"
    assert default.name == "对口援疆工作总结（通用）"
    assert sections_of("SUMMARY") == [
        (
            "总体情况",
            "PROJECTS FUND_PLANNED FUND_RELEASED FUND_SPENT",
            [OLD_TOTALS.replace("实施援疆项目", "共实施援疆项目")],
        ),
        ("产业援疆", "FUND_LOCAL_MATCHING FUND_SOCIAL", [OLD_MATCHING]),
        ("医疗援疆", "MEDICAL_TALENT", [OLD_MEDICAL]),
    ]

    edited = ReportTemplate.objects.get(code="KASHGAR")
    assert (edited.title, edited.name) == ("{机构}{期间}援疆工作情况报告", "喀什分指挥部自用")
    assert [title for title, _, _ in sections_of("KASHGAR")] == ["产业援疆", "医疗援疆"]
    assert sections_of("KASHGAR")[0][2] == [EDITED_TOTALS, OLD_MATCHING]
