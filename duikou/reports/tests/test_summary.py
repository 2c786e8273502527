"""The work summary: every figure in the text is the ledger's and is traced in the appendix."""

import io
import re
from decimal import Decimal

import pytest
from django.conf import settings
from docx import Document
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from duikou.core.demo import demo_load
from duikou.core.testing import user
from duikou.extract import extract
from duikou.geo.models import Region
from duikou.orgs.models import Organisation
from duikou.reports.documents import APPENDIX_HEADING
from duikou.reports.periods import report_period_parse
from duikou.reports.services import summary_render
from duikou.results.models import Indicator
from duikou.results.selectors import indicator_table

pytestmark = pytest.mark.django_db
QUERY = re.compile(
    r"查询：指标=(?P<code>\w+)；范围=(?P<axis>[or]):(?P<node>[^；]+)；"
    r"期间=(?P<start>\d{4})-01-01\.\.(?P<end>\d{4})-12-31；汇总=(?P<agg>\w+)；"
    r"粒度=(?P<grain>\w)；原文=(?P<text>.+)$"
)


def blocks(document):
    """Paragraphs and tables in document order."""
    for child in document.element.body.iterchildren():
        if child.tag.endswith("}p"):
            yield DocxParagraph(child, document)
        elif child.tag.endswith("}tbl"):
            yield DocxTable(child, document)


def read_summary(content: bytes):
    """(body text, appendix entries) of a generated .docx."""
    document = Document(io.BytesIO(content))
    body, entries, in_appendix, previous = [], [], False, ""
    for block in blocks(document):
        if isinstance(block, DocxTable):
            if in_appendix and entries:
                rows = [[c.text for c in r.cells] for r in block.rows[1:]]
                entries[-1]["records"] = rows
            continue
        text = block.text
        if text == APPENDIX_HEADING:
            in_appendix = True
        elif not in_appendix:
            body.append(text)
        elif m := QUERY.match(text):
            entries.append({**m.groupdict(), "records": [], "origin": previous})
        previous = text
    return "\n".join(body), entries


def ledger_value(entry) -> Decimal | None:
    """Recompute a figure through the results selectors, year by year."""
    indicator = Indicator.objects.get(code=entry["code"])
    model = Organisation if entry["axis"] == "o" else Region
    node = model.objects.get(code=entry["node"])
    years = list(range(int(entry["start"]), int(entry["end"]) + 1))
    table = indicator_table(
        user=user(),
        indicator=indicator,
        axis=entry["axis"],
        node_ids=[node.pk],
        grain="y",
        years=years,
    )
    found = [table[(node.pk, y, 0)] for y in years if table.get((node.pk, y, 0)) is not None]
    if not found:
        return None
    return found[-1] if indicator.aggregation == "last" else sum(found, Decimal(0))


def test_the_fujian_summary_states_ledger_figures_each_traced_to_its_records(tmp_path):
    demo_load()
    org = Organisation.objects.get(code="FC-350000")
    content = summary_render(user=user(), org=org, period=report_period_parse("2025"), fmt="docx")
    text, entries = read_summary(content)
    assert "一、产业援疆" in text and "二、招商引资" in text
    assert "福建援疆工作队促成" in text

    figures = extract(text)
    in_text = [e for e in entries if "（正文）" in e["origin"]]
    assert len(figures) >= 10
    assert [f.text for f in figures] == [e["text"] for e in in_text]
    for figure, entry in zip(figures, in_text, strict=True):
        ledger = ledger_value(entry)
        assert ledger is not None, entry
        scale = Decimal("100000000") if "亿" in figure.text else Decimal("10000")
        tolerance = scale / 200 if figure.unit == "元" else Decimal("0.005")
        assert abs(Decimal(str(figure.value)) - ledger) <= tolerance, (figure.text, ledger)
        assert entry["records"], f"{entry['code']} has no records in the appendix"
        values = [r[3] for r in entry["records"]]
        if entry["agg"] == "sum" and "计1家" not in values:
            assert sum(Decimal(v) for v in values) == ledger, entry["code"]

    signed = next(e for e in in_text if e["code"] == "INVESTMENT_SIGNED")
    assert any(r[0].startswith("DEMO-DL-") for r in signed["records"])
    planned = next(e for e in in_text if e["code"] == "FUND_PLANNED")
    assert {r[0] for r in planned["records"]} >= {"DEMO-FJ-2025-001", "DEMO-FJ-2025-003"}

    pdf = summary_render(user=user(), org=org, period=report_period_parse("2025"), fmt="pdf")
    assert pdf.startswith(b"%PDF") and b"/FontFile2" in pdf  # the Chinese font is embedded
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
    text, entries = read_summary(content)
    assert "“十四五”以来" in text
    assert "实施援疆项目2项" in text and "实施民生项目1项" in text
    assert entries and all(e["axis"] == "r" for e in entries)
    projects = next(e for e in entries if e["code"] == "PROJECTS")
    assert len(projects["records"]) == 2
