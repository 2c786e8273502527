"""The summary's sentences read as officials write them: events named with their month,
quoted names punctuated by GB/T 15834."""

import re

import pytest

from duikou.core.demo import demo_load
from duikou.core.testing import user
from duikou.orgs.models import Organisation
from duikou.reports.periods import report_period_parse
from duikou.reports.services import report_template_get
from duikou.reports.summary import subject_for_org, summary_context

pytestmark = pytest.mark.django_db


@pytest.fixture
def fujian_text() -> str:
    demo_load()
    context = summary_context(
        user=user(),
        template=report_template_get(),
        subject=subject_for_org(Organisation.objects.get(code="FC-350000")),
        period=report_period_parse("2025"),
    )
    sections = [s for section in context.sections for s in [section, *section.children]]
    return "\n".join(p for s in sections for p in s.paragraphs)


def test_a_section_of_events_names_them_with_their_month(fujian_text):
    assert "文化活动为“2025新疆舌尖上的丝绸之路美食节昌吉市会场”（2025年8月）。" in fujian_text
    # a title with quotes of its own keeps them as the inner ‘’ inside the outer “”
    assert "“‘海丝链天山·泉昌共发展’国潮泉州优品新疆首站”（2025年10月）" in fujian_text


def test_quoted_names_have_no_enumeration_comma_between_them(fujian_text):
    assert "”、“" not in fujian_text
    assert not re.search(r"“[^”]*“", fujian_text)  # no “ opened inside another “
