"""Every edit page through ``edit_submit``: a save on an older version is refused (409) with
a form that carries the current version, so resubmitting that form, once merged, saves."""

import pytest

from duikou.core import testing
from duikou.exchanges.services import event_update, partnership_update, sales_channel_update
from duikou.investment.services import deal_update
from duikou.orgs.models import Membership
from duikou.people.services import batch_update
from duikou.policy import SYSTEM
from duikou.projects.services import project_update
from duikou.web.testing import page_forms

pytestmark = pytest.mark.django_db


def shown_form(response) -> dict:
    """What submitting the page's edit form (the one with a version) as shown would send."""
    forms = page_forms(response.content.decode())
    (form,) = [f["fields"] for f in forms if "version" in f["fields"]]
    return form


@pytest.fixture
def team():
    return testing.donor_org()


@pytest.fixture
def writer(client, team):
    client.force_login(testing.user(role=Membership.Role.SUB_COMMAND, organisation=team))
    return client


# Each edit page: the record, its page, another person's change through the service and
# the text field this user changes.
PAGES = {
    "partnership": (
        lambda team: testing.partnership(donor_org=team),
        "/exchanges/partnerships/{pk}/edit/",
        lambda record: partnership_update(
            partnership=record, version=1, note="他人的修改", reason="他人补充", actor=SYSTEM
        ),
        "note",
    ),
    "batch": (
        lambda team: testing.aid_batch(donor_org=team),
        "/people/batches/{pk}/edit/",
        lambda record: batch_update(batch=record, version=1, note="他人的修改", actor=SYSTEM),
        "note",
    ),
    "event": (
        lambda team: testing.event(organiser=team),
        "/exchanges/events/{pk}/edit/",
        lambda record: event_update(event=record, version=1, note="他人的修改", actor=SYSTEM),
        "note",
    ),
    "channel": (
        lambda team: testing.sales_channel(donor_org=team),
        "/exchanges/channels/{pk}/edit/",
        lambda record: sales_channel_update(
            channel=record, version=1, note="他人的修改", actor=SYSTEM
        ),
        "note",
    ),
    "deal": (
        lambda team: testing.deal(donor_org=team),
        "/deals/{pk}/edit/",
        lambda record: deal_update(deal=record, version=1, description="他人的修改", actor=SYSTEM),
        "description",
    ),
    "project": (
        lambda team: testing.project(donor_org=team),
        "/projects/{pk}/edit/",
        lambda record: project_update(
            project=record, version=1, description="他人的修改", actor=SYSTEM
        ),
        "description",
    ),
}


@pytest.mark.parametrize("page", PAGES)
def test_a_stale_edit_is_refused_with_the_current_version_then_its_resubmission_saves(
    writer, team, page
):
    make, path, other_change, field = PAGES[page]
    record = make(team)
    url = path.format(pk=record.pk)
    opened = writer.get(url)
    assert opened.status_code == 200
    mine = shown_form(opened) | {field: "我的修改", "reason": "核对后合并"}
    assert mine["version"] == "1"
    other_change(record)

    refused = writer.post(url, mine)
    assert refused.status_code == 409
    assert 'id="conflict"' in refused.content.decode()
    reshown = shown_form(refused)
    assert reshown["version"] == "2"  # the version it was refused against
    assert reshown[field] == "我的修改"  # with this user's edit kept to merge
    record.refresh_from_db()
    assert (getattr(record, field), record.version) == ("他人的修改", 2)

    saved = writer.post(url, reshown)
    assert saved.status_code == 302
    record.refresh_from_db()
    assert (getattr(record, field), record.version) == ("我的修改", 3)


def test_the_old_version_is_still_refused_after_the_conflict(writer, team):
    """Only the re-shown form saves: the original one, sent again, is still stale."""
    partnership = testing.partnership(donor_org=team)
    url = f"/exchanges/partnerships/{partnership.pk}/edit/"
    mine = shown_form(writer.get(url)) | {"note": "我的修改", "reason": "核对"}
    partnership_update(partnership=partnership, version=1, note="他人的修改", actor=SYSTEM)
    assert writer.post(url, mine).status_code == 409
    assert writer.post(url, mine).status_code == 409
    partnership.refresh_from_db()
    assert (partnership.note, partnership.version) == ("他人的修改", 2)


def test_an_invalid_form_answers_400_and_keeps_its_version(writer, team):
    batch = testing.aid_batch(donor_org=team)
    url = f"/people/batches/{batch.pk}/edit/"
    sent = shown_form(writer.get(url)) | {"term_end": "2020-01-01", "reason": "延期"}
    response = writer.post(url, sent)
    assert response.status_code == 400
    assert shown_form(response)["version"] == "1"
    assert 'id="conflict"' not in response.content.decode()
