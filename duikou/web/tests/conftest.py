from datetime import date

import pytest

from duikou.core import testing
from duikou.orgs.models import Membership, Organisation
from duikou.policy import SYSTEM
from duikou.projects.services import fund_transaction_create


@pytest.fixture
def portfolio(db):
    """A front command with a team, two projects with money, and their users."""
    command = testing.donor_org(kind=Organisation.Kind.FRONT_COMMAND)
    team = testing.donor_org(parent=command)
    county = testing.project(
        donor_org=team,
        name="玛纳斯县人民医院改扩建",
        region="652324",
        is_livelihood=True,
        budgets={"aid": "9000000.00", "local": "1000000.00"},
    )
    city = testing.project(
        donor_org=team,
        name="昌吉州产业园道路",
        region="652300",
        sector="infrastructure",
        budgets={"aid": "1000000.00"},
    )
    fund_transaction_create(
        project=county,
        fund_source="aid",
        kind="release",
        amount="3000000.00",
        on=date(2025, 4, 1),
        actor=SYSTEM,
    )
    return {
        "command": command,
        "team": team,
        "county": county,
        "city": city,
        "writer": testing.user(role=Membership.Role.SUB_COMMAND, organisation=team),
        "national": testing.user(),
        "recipient": testing.user(role=Membership.Role.RECIPIENT, region_code="652300"),
    }
