"""``{% id_url %}`` writes exactly the link ``{% url %}`` writes."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse

from duikou.web.templatetags.duikou_web import id_url


@pytest.mark.parametrize("name", ["projects:detail", "orgs:detail", "geo:detail", "people:batch"])
@pytest.mark.parametrize("pk", [1, 42, 987654321, 10**12])
def test_it_links_as_reverse_does(name, pk):
    assert id_url(name, pk) == reverse(name, args=[pk])


def test_a_template_gets_the_same_link_as_from_url():
    page = Template(
        "{% load duikou_web %}{% id_url 'projects:detail' p %}|{% url 'projects:detail' p %}"
    ).render(Context({"p": 7}))
    first, second = page.split("|")
    assert first == second == "/projects/7/"


def test_an_id_that_is_not_a_number_is_refused_as_by_url():
    with pytest.raises(NoReverseMatch):
        id_url("projects:detail", None)
