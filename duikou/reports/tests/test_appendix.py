"""附件 of the work summary as printed: counts that match the codes listed, codes one a line,
figures right-aligned with their "—", rows that do not break over pages."""

import io
import re

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from duikou.core.demo import demo_load
from duikou.core.testing import user
from duikou.orgs.models import Organisation
from duikou.reports.periods import report_period_parse
from duikou.reports.services import report_template_get, summary_render
from duikou.reports.summary import sources_table, subject_for_org, summary_context

pytestmark = pytest.mark.django_db
MORE = re.compile(r"等(\d+)条")
ALIKE = re.compile(r"，共(\d+)条$")  # records without a code that read alike, on one line
# a record code, or what a record without one is and its date; never an internal id (#4)
CODE_LINE = r"[A-Z0-9][A-Z0-9-]*|[^#\n]+（\d{4}年\d{1,2}月\d{1,2}日）(，共\d+条)?|等\d+条|—"


@pytest.fixture
def fujian():
    demo_load()
    return Organisation.objects.get(code="FC-350000")


def test_each_source_row_counts_the_records_whose_codes_it_lists(fujian):
    context = summary_context(
        user=user(),
        template=report_template_get(),
        subject=subject_for_org(fujian),
        period=report_period_parse("2025"),
    )
    table = sources_table(context.entries)
    assert table.rows
    for number, _, _, _, count, codes in table.rows:
        if codes == "—":
            assert count == "—", number
            continue
        lines = codes.split("\n")
        more = MORE.fullmatch(lines[-1])
        listed = lines[:-1] if more else lines
        assert listed == sorted(listed) and len(set(listed)) == len(listed), number
        records = sum(int(m.group(1)) if (m := ALIKE.search(n)) else 1 for n in listed)
        assert int(count) == (int(more.group(1)) if more else records), (number, codes)


def test_the_word_appendix_keeps_rows_whole_and_figures_right_aligned(fujian):
    content = summary_render(
        user=user(), org=fujian, period=report_period_parse("2025"), fmt="docx"
    )
    by_unit, sources = Document(io.BytesIO(content)).tables
    for table in (by_unit, sources):
        for row in table.rows[1:]:
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None
    # 附件1: the command's own row has no projects ("—"), aligned with the figures above it
    for row in by_unit.rows[1:]:
        for cell in row.cells[1:]:
            assert cell.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT, cell.text
    # 附件2: one whole code a line (a line break between codes, none inside one)
    for row in sources.rows[1:]:
        lines = row.cells[5].text.split("\n")
        assert all(re.fullmatch(CODE_LINE, line) for line in lines), lines
