"""Names found in a paragraph are remembered for the report being read."""

from __future__ import annotations

from duikou.extract import entities
from duikou.extract.entities import find_orgs, find_places, forget_document

TEXT = "昌吉市六工镇十三户村与江苏援疆昌吉分指挥部共建产业园"


def test_a_paragraph_read_again_gives_the_same_names_in_a_list_of_its_own():
    forget_document()
    first = find_places(TEXT)
    first.clear()
    again = find_places(TEXT)
    assert again == find_places.__wrapped__(TEXT)
    assert "昌吉市六工镇十三户村" in [place.text for place in again]
    assert find_orgs(TEXT) == find_orgs(TEXT) == find_orgs.__wrapped__(TEXT)


def test_the_next_report_starts_with_nothing_remembered():
    find_places(TEXT)
    forget_document()
    assert all(not memo for memo in entities._MEMOS)
