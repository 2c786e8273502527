"""The demo's publications: 2025 published by the national office (everything) and by the
Fujian front command (its chain), so the public pages show figures. Run after the rest of
the demo, as a publication copies the figures as they stand."""

from django.contrib.auth import get_user_model

from duikou.orgs.models import Organisation

from .models import Publication
from .services import publication_create

# (year, front command code or None for everything, publisher's account, note)
DEMO_PUBLICATIONS = (
    (2025, None, "demo-national", "【演示数据】2025年对口援疆主要数据"),
    (2025, "FC-350000", "demo-fujian", "【演示数据】福建援疆2025年主要数据"),
)


def load() -> int:
    """Publish what the demo publishes, unless published (or withdrawn) before."""
    users = get_user_model().objects
    created = 0
    for year, org_code, username, note in DEMO_PUBLICATIONS:
        org = Organisation.objects.get(code=org_code) if org_code else None
        if Publication.objects.filter(year=year, org=org).exists():
            continue
        publication_create(
            year=year, org=org, note=note, actor=users.get(username=username), is_demo=True
        )
        created += 1
    return created
