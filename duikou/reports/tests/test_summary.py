"""The work summary: every figure in the text is the ledger's and is traced in the appendix."""

import io
from decimal import Decimal

import pytest
from django.conf import settings
from docx import Document

from duikou.core.demo import demo_load
from duikou.core.testing import user
from duikou.geo.models import Region
from duikou.orgs.models import Organisation
from duikou.reports.periods import report_period_parse
from duikou.reports.services import report_template_get, summary_render
from duikou.reports.summary import FigureEntry, subject_for_org, summary_context
from duikou.results.models import Indicator
from duikou.results.selectors import indicator_table

pytestmark = pytest.mark.django_db


def read_summary(content: bytes) -> str:
    """The text of a generated .docx: its paragraphs, then its tables' cells."""
    document = Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [" | ".join(c.text for c in row.cells) for row in table.rows]
    return "\n".join(lines)


def ledger_value(entry: FigureEntry) -> Decimal | None:
    """Recompute a figure through the results selectors, year by year."""
    indicator = Indicator.objects.get(code=entry.indicator)
    model = Organisation if entry.axis == "o" else Region
    node = model.objects.get(code=entry.node_code)
    years = list(range(entry.start.year, entry.end.year + 1))
    table = indicator_table(
        user=user(),
        indicator=indicator,
        axis=entry.axis,
        node_ids=[node.pk],
        grain="y",
        years=years,
    )
    found = [table[(node.pk, y, 0)] for y in years if table.get((node.pk, y, 0)) is not None]
    if not found:
        return None
    return found[-1] if indicator.aggregation == "last" else sum(found, Decimal(0))


def fujian_2025():
    demo_load()
    org = Organisation.objects.get(code="FC-350000")
    period = report_period_parse("2025")
    context = summary_context(
        user=user(), template=report_template_get(), subject=subject_for_org(org), period=period
    )
    return org, period, context


def test_the_fujian_summary_states_ledger_figures_each_traced_to_its_records():
    org, period, context = fujian_2025()
    titles = [s.title for s in context.sections]
    assert titles == ["一、总体情况", "二、主要工作成效", "三、存在的问题", "四、下一步工作打算"]
    fields = [c.title for c in context.sections[1].children]
    assert fields[:2] == ["（一）产业援疆", "（二）招商引资"]
    problems = [c.title for c in context.sections[2].children]
    assert "（一）民生领域投入比重未达到要求" in problems
    assert any("资金支出进度偏慢" in t for t in problems)
    assert any("招商项目推进缓慢" in t for t in problems)
    assert context.issuer == "福建省援疆前方指挥部" and context.issued_on

    catalogue = [e for e in context.entries if e.indicator and e.origin == "正文"]
    assert len(catalogue) >= 10
    for entry in catalogue:
        ledger = ledger_value(entry)
        assert ledger is not None and ledger == entry.value, entry.indicator
        assert entry.sources, f"{entry.indicator} has no records in the appendix"
        values = [r.value for r in entry.sources]
        if entry.aggregation == "sum" and None not in values:
            assert sum(values, Decimal(0)) == ledger, entry.indicator

    content = summary_render(user=user(), org=org, period=period, fmt="docx")
    text = read_summary(content)
    for entry in context.entries:
        assert entry.text in text, entry.what
    assert "与上年" in text or "比上年" in text
    assert "闽昌食品产业园基础设施提升改造" in text  # the largest project is named
    signed = next(e for e in catalogue if e.indicator == "INVESTMENT_SIGNED")
    assert any(r.code.startswith("DEMO-DL-") for r in signed.sources)
    planned = next(e for e in catalogue if e.indicator == "FUND_PLANNED")
    assert {r.code for r in planned.sources} >= {"DEMO-FJ-2025-001", "DEMO-FJ-2025-003"}


def test_the_table_by_unit_adds_up_and_names_the_commands_own_level():
    _org, _period, context = fujian_2025()
    [table] = context.tables
    assert table.rows[table.total_row][0] == "合计"
    body = table.values[: table.total_row]
    assert any(row[0].endswith("本级") for row in table.rows[: table.total_row])
    for column, total in enumerate(table.values[table.total_row]):
        parts = [row[column] for row in body if row[column] is not None]
        if total is not None:
            assert sum(parts, Decimal(0)) == total, table.header[column + 1]
    signed = table.header.index("签约金额（万元）") - 1
    assert table.values[table.total_row][signed] == Decimal("23805000000.00")
    # the displayed figures add up too (万元, two decimals)
    for column in range(1, len(table.header)):
        shown = [r[column] for r in table.rows]
        numbers = [Decimal(c.replace(",", "")) for c in shown[:-1] if c != "—"]
        if shown[-1] != "—":
            assert sum(numbers, Decimal(0)) == Decimal(shown[-1].replace(",", ""))


def test_the_pdf_summary_renders_pages_that_are_not_blank():
    org, period, _context = fujian_2025()
    pdf = summary_render(user=user(), org=org, period=period, fmt="pdf")
    assert pdf.startswith(b"%PDF")
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    out = settings.VAR_DIR / "screenshots"
    out.mkdir(exist_ok=True)
    for number in range(min(2, len(document))):
        image = document[number].render(scale=1).to_pil()
        image.save(out / f"summary-FC-350000-p{number + 1}.png")
        dark = sum(image.convert("L").histogram()[:128])
        assert dark > 2000, f"page {number + 1} looks blank"
    document.close()


def test_a_region_summary_since_the_14th_plan_names_the_period():
    from datetime import date

    from duikou.core.testing import project

    project(region="652301", planned_start=date(2022, 3, 1), budgets={"aid": "3000000.00"})
    project(region="652323", planned_start=date(2024, 5, 1), is_livelihood=True)
    content = summary_render(
        user=user(),
        region=Region.objects.get(code="652300"),
        period=report_period_parse("十四五"),
        fmt="docx",
    )
    text = read_summary(content)
    assert "“十四五”以来" in text
    assert "实施援疆项目2项" in text and "实施民生项目1项" in text
    assert "附件2 数字来源" in text and "查询：" not in text
