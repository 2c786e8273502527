"""Page-speed benchmark: sign in with the test client and time each page of the platform.

Uses the demo data (``duikou loaddemo`` is run first; it is safe to run twice) and the
national demo account, so every page shows the whole demo portfolio. Prints one JSON
line per page with the median over ``--runs`` runs in milliseconds; the target is under
300 ms per page.

``--national`` times the pages on the national-scale synthetic ledger (``bench rollups``
then ``bench national``): the sample project and organisations are the synthetic ones and
the target is under 1 s. Without the demo account a national superuser signs in.
"""

import json
import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.test.utils import override_settings

TARGET_MS = 300
NATIONAL_TARGET_MS = 1000


def add_arguments(parser) -> None:
    parser.add_argument("--runs", type=int, default=7, help="每个页面运行次数（取中位数）")
    parser.add_argument("--user", default="demo-national", help="登录的演示账号")
    parser.add_argument(
        "--national",
        action="store_true",
        help="在全国规模基准数据上计时（需先运行 bench rollups 和 bench national）",
    )
    parser.add_argument("--only", default="", help="只计时名称含此文字的页面，如 search")


def _pages(*, national: bool = False) -> dict[str, str]:
    from duikou.exchanges.models import Event
    from duikou.geo.models import Region
    from duikou.investment.models import Deal
    from duikou.orgs.models import Organisation
    from duikou.people.models import AidBatch
    from duikou.projects.models import Project

    projects = Project.objects.order_by("pk")
    orgs = Organisation.objects.order_by("code")
    if national:  # the synthetic ledger's own objects, not the demo's
        projects = projects.filter(code__startswith="BENCH-P-")
        orgs = orgs.filter(code__startswith="BENCH-")
    project = projects.first()
    deal = Deal.objects.order_by("pk").first()
    batch = AidBatch.objects.order_by("pk").first()
    event = Event.objects.order_by("pk").first()
    province = orgs.filter(kind="donor_province").first()
    command = orgs.filter(kind="front_command").first()
    prefecture = Region.objects.get(code="652300")
    pages = {
        "home": "/",
        "map": "/map/",
        "map/indicator": "/map/?measure=PATIENTS_TREATED",
        "map/counties": "/map/?layer=county",
        "map/counties/indicator": "/map/?layer=county&measure=PATIENTS_TREATED",
        "explore": "/explore/",
        "explore/csv": "/explore/?format=csv",
        "values": "/values/",
        "values/search": "/values/?q=医",
        "orgs": "/orgs/",
        "pairings": "/orgs/pairings/",
        "regions": "/regions/",
        "region": f"/regions/{prefecture.pk}/",
        "projects": "/projects/",
        "projects/search": "/projects/?q=医",  # a rare word: 4 of 1 M names at national scale
        "projects/search/code": "/projects/?q=P-0097158",
        "projects/search/common": "/projects/?q=基准",  # in every synthetic name
        "deals": "/deals/",
        "batches": "/people/batches/",
        "members": "/people/members/",
        "events": "/exchanges/events/",
        "partnerships": "/exchanges/partnerships/",
        "channels": "/exchanges/channels/",
        "records/fund_transactions": "/records/fund_transactions/",
        "records/fund_transactions/search": "/records/fund_transactions/?q=医&kind=spend",
        "records/fund_transactions/search/code": "/records/fund_transactions/?q=P-0097158",
        "records/funds_in_place": "/records/funds_in_place/",
        "records/trainings": "/records/trainings/",
        "records/sales_records": "/records/sales_records/",
    }
    if province:
        pages["donor_province"] = f"/orgs/{province.pk}/"
    if command:
        pages["front_command"] = f"/orgs/{command.pk}/"
    if project:
        pages["project"] = f"/projects/{project.pk}/"
        pages["project/edit"] = f"/projects/{project.pk}/edit/"
        pages["project/transactions"] = f"/projects/{project.pk}/transactions/"
    if deal:
        pages["deal"] = f"/deals/{deal.pk}/"
    if batch:
        pages["batch"] = f"/people/batches/{batch.pk}/"
    if event:
        pages["event"] = f"/exchanges/events/{event.pk}/"
    return pages


def run(options: dict, out) -> None:
    from duikou.core.demo import demo_load

    demo_load()
    user = get_user_model().objects.filter(username=options["user"]).first()
    if user is None:  # a database without the demo accounts: a national superuser
        user, _created = get_user_model().objects.get_or_create(
            username="bench-national", defaults={"is_superuser": True, "is_active": True}
        )
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    storage = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # The benchmark times the application, not static-file hashing (which needs collectstatic).
    with override_settings(ALLOWED_HOSTS=hosts, STORAGES=storage):
        client = Client()
        client.force_login(user)
        target = NATIONAL_TARGET_MS if options["national"] else TARGET_MS
        for name, url in _pages(national=options["national"]).items():
            if options["only"] not in name:
                continue
            timings, status = [], None
            client.get(url)  # warm caches (templates, map file)
            for _ in range(options["runs"]):
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
                status = response.status_code
            median = statistics.median(timings)
            line = {
                "page": name,
                "url": url,
                "status": status,
                "median_ms": round(median, 1),
                "runs": options["runs"],
                "target_ms": target,
                "ok": status == 200 and median < target,
            }
            out.write(json.dumps(line, ensure_ascii=False))
