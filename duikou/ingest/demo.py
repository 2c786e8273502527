"""The demo's report read into the platform: one newspaper report of the shared corpus,
read through ``report_create`` as the sub-command would upload it, its figures left for
review. The corpus is a local folder (settings.SHARED_DIR); without it nothing is read."""

from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

from duikou.orgs.models import Organisation

from .models import Report
from .services import report_create

# (corpus file, title, the report's date, organisation that reads it in)
DEMO_REPORTS = (
    (
        "000_b714774afdf274ab.txt",
        "【演示数据】产业援疆强根基 闽昌同心向未来",
        date(2025, 12, 1),
        "SC-350500",
    ),
)


def load() -> int:
    """Read the demo's reports that are not there yet; returns how many were read."""
    corpus = Path(settings.SHARED_DIR) / "corpus" / "reports"
    reader = get_user_model().objects.get(username="demo-quanzhou")
    created = 0
    for file_name, title, day, org_code in DEMO_REPORTS:
        path = corpus / file_name
        if not path.exists() or Report.objects.filter(title=title, is_demo=True).exists():
            continue
        report = report_create(
            title=title,
            doc_date=day,
            text=path.read_text(encoding="utf-8"),
            org=Organisation.objects.get(code=org_code),
            actor=reader,
        )
        Report.objects.filter(pk=report.pk).update(is_demo=True, source_name=file_name)
        report.figures.update(is_demo=True)
        created += 1
    return created
