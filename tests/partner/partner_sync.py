"""A partner's sync, written against the client generated from Duikou's OpenAPI document.

Run as ``python partner_sync.py BASE_URL TOKEN ORG INDICATOR`` with the generated
``duikou_api_client`` importable: it pulls what changed since a moment, pushes a project
with its budget and a transaction, reports a value and submits it, then pulls again.
Prints one JSON object saying what it saw and did; exits non-zero on any refusal.
"""

import json
import sys
from datetime import UTC, date, datetime

from duikou_api_client import AuthenticatedClient
from duikou_api_client.api.fund_transactions import fund_transactions_create
from duikou_api_client.api.projects import projects_create, projects_get, projects_list
from duikou_api_client.api.values import values_create, values_submit
from duikou_api_client.models import (
    FundTransactionsIn,
    FundTransactionsInFundSource,
    FundTransactionsInKind,
    ProjectsIn,
    ProjectsInSector,
    StateIn,
    ValuesIn,
)


def created(response, what: str):
    if response.status_code.value not in (200, 201) or response.parsed is None:
        sys.exit(f"{what}: HTTP {response.status_code.value} {response.content[:400]!r}")
    return response.parsed


def codes(page) -> list[str]:
    return [item.code for item in page.items]


def main(base_url: str, token: str, org: str, indicator: str) -> None:
    client = AuthenticatedClient(base_url=base_url, token=token, raise_on_unexpected_status=False)
    started = datetime.now(UTC)
    before = created(projects_list.sync_detailed(client=client, updated_since=started), "拉取")
    project = created(
        projects_create.sync_detailed(
            client=client,
            body=ProjectsIn(
                code="PARTNER-1",
                name="伙伴系统推送的项目",
                donor_org=org,
                region="652324",
                sector=ProjectsInSector("health"),
                planned_start=date(2025, 3, 1),
                planned_end=date(2025, 12, 31),
                budget_aid="1200万",
            ),
        ),
        "推送项目",
    )
    transaction = created(
        fund_transactions_create.sync_detailed(
            client=client,
            body=FundTransactionsIn(
                project=project.code,
                fund_source=FundTransactionsInFundSource("aid"),
                kind=FundTransactionsInKind("release"),
                amount="3000000",
                on=date(2025, 4, 1),
            ),
        ),
        "推送资金流水",
    )
    value = created(
        values_create.sync_detailed(
            client=client,
            body=ValuesIn(indicator=indicator, org=org, period="2025", value="1.2万"),
        ),
        "报送指标值",
    )
    submitted = created(
        values_submit.sync_detailed(
            id=value.id, client=client, body=StateIn(version=value.version)
        ),
        "提交指标值",
    )
    after = created(projects_list.sync_detailed(client=client, updated_since=started), "再次拉取")
    again = created(projects_get.sync_detailed(id=project.id, client=client), "读取项目")
    print(
        json.dumps(
            {
                "before": codes(before),
                "after": codes(after),
                "budget_aid": again.budget_aid,
                "transaction_amount": transaction.amount,
                "value": value.value,
                "value_status": submitted.status,
            },
            ensure_ascii=False,
            default=str,
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:5])
