"""The summary's chart: drawn in the simplified Chinese face, its axis in 万元 or 亿元."""

import io
from pathlib import Path

import pytest
from matplotlib import font_manager
from PIL import Image

from duikou.core.demo import demo_load
from duikou.core.testing import user
from duikou.orgs.models import Organisation
from duikou.reports.charts import axis_figure, chart_png
from duikou.reports.fonts import NOTO, chart_face, face_in
from duikou.reports.periods import report_period_parse
from duikou.reports.services import report_template_get
from duikou.reports.summary import Chart, subject_for_org, summary_context

pytestmark = pytest.mark.django_db
NOTO_SANS = Path(f"{NOTO}/NotoSansCJK-Regular.ttc")
needs_noto = pytest.mark.skipif(not NOTO_SANS.is_file(), reason="fonts-noto-cjk 未安装")


@needs_noto
def test_the_chart_face_is_the_sc_face_of_the_noto_collection_not_its_first_jp_face():
    face = chart_face()
    assert face.path == NOTO_SANS and face.family == "Noto Sans CJK SC"
    loaded = font_manager.get_font(font_manager.FontPath(str(face.path), face.index))
    assert loaded.family_name == "Noto Sans CJK SC"


def test_a_font_that_is_not_a_collection_is_its_only_face():
    single = Path(font_manager.findfont("DejaVu Sans"))
    face = face_in(single)
    assert face.index == 0 and face.family == "DejaVu Sans"


def test_a_chart_of_large_sums_reads_in_yi_yuan_and_small_ones_in_wan_yuan():
    demo_load()
    org = Organisation.objects.get(code="FC-350000")
    context = summary_context(
        user=user(),
        template=report_template_get(),
        subject=subject_for_org(org),
        period=report_period_parse("2025"),
    )
    chart = context.chart
    assert chart is not None and chart.unit in {"万元", "亿元"}
    assert chart.title.endswith(f"（{chart.unit}）")
    largest = max(max(values) for _, values in chart.series)
    # the axis never shows raw yuan: 亿元 below 10,000 of them, 万元 below 1亿元
    assert largest < 10000
    image = Image.open(io.BytesIO(chart_png(chart)))
    assert image.format == "PNG" and image.width > 600


def test_the_value_axis_writes_figures_as_officials_do_never_1e6():
    assert [axis_figure(v) for v in (0.0, 2.5, 12500.0, 1250000.0)] == [
        "0",
        "2.5",
        "12,500",
        "1,250,000",
    ]
    chart = Chart("图1 测试（万元）", ["甲县", "乙县"], [("计划投资", [12500.0, 3e4])], "万元")
    assert chart_png(chart).startswith(b"\x89PNG")
