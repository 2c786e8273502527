"""Sentence templates: placeholders filled from the ledger, missing figures left out."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from duikou.core import testing
from duikou.reports.models import ReportTemplate
from duikou.reports.periods import report_period_parse
from duikou.reports.selectors import Operator
from duikou.reports.services import report_template_get, sentence_check
from duikou.reports.summary import FigureBook, sentence_render, subject_for_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def subject():
    org = testing.donor_org(name="测试援疆分指挥部")
    testing.project(donor_org=org, budgets={"aid": "25000000.00"}, planned_start=date(2025, 3, 1))
    testing.project(donor_org=org, budgets={"aid": "5000000.00"}, planned_start=date(2025, 4, 1))
    return subject_for_org(org)


def render(text, subject):
    period = report_period_parse("2025")
    book = FigureBook(user=Operator(), period=period)
    return sentence_render(text, book=book, subject=subject, period=period), book


def test_it_fills_organisation_period_and_figures_in_official_units(subject):
    text, book = render(
        "{期间}，{机构}实施援疆项目{指标:PROJECTS}，安排援疆资金{指标:FUND_PLANNED}。", subject
    )
    assert text == "2025年，测试援疆分指挥部实施援疆项目2项，安排援疆资金3,000.00万元。"
    assert [e.indicator for e in book.entries] == ["PROJECTS", "FUND_PLANNED"]
    sources = book.entries[1].sources
    assert len(sources) == 2 and all(r.code.startswith("T-PRJ-") for r in sources)
    assert sum(r.value for r in sources) == book.entries[1].value


def test_a_sentence_whose_figures_are_all_missing_is_left_out(subject):
    text, book = render(
        "{机构}促成{指标:DEALS_SIGNED}招商引资新签约项目，签约金额{指标:INVESTMENT_SIGNED}。",
        subject,
    )
    assert text is None
    assert book.entries == []


def test_a_clause_with_a_missing_figure_is_dropped_and_the_rest_kept(subject):
    text, book = render("实施援疆项目{指标:PROJECTS}，签约金额{指标:INVESTMENT_SIGNED}。", subject)
    assert text == "实施援疆项目2项。"
    assert len(book.entries) == 1


def test_the_default_template_is_loaded_from_its_fixture_once():
    first = report_template_get()
    again = report_template_get()
    assert first.pk == again.pk
    assert ReportTemplate.objects.filter(code="SUMMARY").count() == 1
    titles = list(first.sections.values_list("title", flat=True))
    assert titles[:3] == ["总体情况", "产业援疆", "招商引资"]
    assert "交往交流交融" in titles
    industry = first.sections.get(title="招商引资")
    assert "INVESTMENT_SIGNED" in industry.indicators.split()


def test_a_sentence_template_may_not_carry_its_own_digits_or_unknown_codes():
    with pytest.raises(ValidationError):
        sentence_check("签约金额{指标:NOT_A_CODE}。")
    with pytest.raises(ValidationError):
        sentence_check("促成13项新签约项目。")
    sentence_check("签约金额{指标:INVESTMENT_SIGNED}。")
