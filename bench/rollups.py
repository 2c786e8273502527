"""Roll-up benchmark: a national-scale synthetic dataset and the dashboard queries.

Builds, with a fixed seed, about 12,000 donor organisations (19 provinces → front
command → 30 sub-commands → 20 work teams each) reporting monthly values for 15
years (2011–2025) in Xinjiang's counties, ``--values`` rows in all (10 million by
default), with one busy indicator (~6% of the rows) and a long tail. The rows are
generated inside the database (INSERT … SELECT over a plan of reporter × indicator
pairs and a calendar), then the summary cells are rebuilt. The dataset is kept and
reused by later runs of the same size; ``--fresh`` rebuilds it.

Prints one JSON line per query with its median over ``--runs`` runs in milliseconds: the
national office's dashboards, a front-command user's view of its sub-commands (scope
filtering on), a last-value indicator, and a bulk submit of 10,000 values with their
summary cells (seconds).
"""

import json
import random
import statistics
import time
from datetime import date

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from duikou.geo.models import Region
from duikou.orgs.models import OrgAncestor, Organisation
from duikou.policy import SYSTEM
from duikou.results.models import Indicator, Rollup, Target, Value
from duikou.results.periods import month_period
from duikou.results.rollups import rollup_rebuild
from duikou.results.selectors import (
    achievement_for_org,
    by_donor_province_by_year,
    by_prefecture_by_quarter,
    indicator_table,
)

SEED = 20100330
YEARS = list(range(2011, 2026))
MONTHS = [(y, m) for y in YEARS for m in range(1, 13)]
SUBS, TEAMS = 30, 20
INDICATORS = 25
PREFIX = "BENCH"


def add_arguments(parser) -> None:
    parser.add_argument("--values", type=int, default=10_000_000, help="指标值行数")
    parser.add_argument("--runs", type=int, default=7, help="每个查询运行次数（取中位数）")
    parser.add_argument("--fresh", action="store_true", help="删除并重建基准数据")


def run(options: dict, out) -> None:
    size = options["values"]
    started = time.perf_counter()
    built = _ensure_dataset(size, fresh=options["fresh"], out=out)
    setup = {
        "event": "dataset",
        "values": Value.objects.filter(indicator__code__startswith=PREFIX).count()
        if built
        else size,
        "database": connection.vendor,
        "seconds": round(time.perf_counter() - started, 1),
        "built": built,
    }
    out.write(json.dumps(setup, ensure_ascii=False))
    user = get_user_model()(username="bench", is_superuser=True, is_active=True)
    busiest = Indicator.objects.get(code=f"{PREFIX}_01")
    typical = Indicator.objects.get(code=f"{PREFIX}_12")
    command = Organisation.objects.filter(code__startswith=f"{PREFIX}-FC-").order_by("code")[0]
    queries = {
        "indicator_by_donor_province_by_year/busiest": lambda: by_donor_province_by_year(
            user=user, indicator=busiest, years=YEARS
        ),
        "indicator_by_donor_province_by_year/typical": lambda: by_donor_province_by_year(
            user=user, indicator=typical, years=YEARS
        ),
        "indicator_by_prefecture_by_quarter/busiest": lambda: by_prefecture_by_quarter(
            user=user, indicator=busiest, year=2025
        ),
        "indicator_by_prefecture_by_quarter/typical": lambda: by_prefecture_by_quarter(
            user=user, indicator=typical, year=2025
        ),
        "achievement_for_front_command": lambda: achievement_for_org(
            user=user, org=command, year=2025
        ),
    }
    # The same dashboards as a front-command user sees them: scope filtering on.
    viewer = _front_command_user(command)
    subs = list(
        Organisation.objects.filter(parent=command).order_by("code").values_list("pk", flat=True)
    )
    queries["sub_commands_by_year/busiest/front_command"] = lambda: indicator_table(
        user=viewer, indicator=busiest, axis="o", node_ids=subs, grain="y", years=YEARS
    )
    queries["achievement_for_front_command/front_command"] = lambda: achievement_for_org(
        user=viewer, org=command, year=2025
    )
    last = _as_last(typical, out)
    queries["indicator_by_donor_province_by_year/last_value"] = lambda: by_donor_province_by_year(
        user=user, indicator=last, years=YEARS
    )
    try:
        _time(queries, options, out)
    finally:
        _restore(typical, out)
    _bulk_submit(command, out)


def _time(queries: dict, options: dict, out) -> None:
    for name, query in queries.items():
        query()  # warm the cache and the connection
        times = []
        for _ in range(options["runs"]):
            t0 = time.perf_counter()
            result = query()
            times.append((time.perf_counter() - t0) * 1000)
        out.write(
            json.dumps(
                {
                    "query": name,
                    "database": connection.vendor,
                    "rows": len(result),
                    "median_ms": round(statistics.median(times), 2),
                    "max_ms": round(max(times), 2),
                },
                ensure_ascii=False,
            )
        )


def _front_command_user(command: Organisation):
    from duikou.orgs.models import Membership
    from duikou.orgs.services import membership_set

    user, created = get_user_model().objects.get_or_create(
        username="bench-front-command", defaults={"is_active": True}
    )
    if created or not Membership.objects.filter(user=user, organisation=command).exists():
        membership_set(
            user=user, role=Membership.Role.FRONT_COMMAND, organisation=command, actor=SYSTEM
        )
    return get_user_model().objects.get(pk=user.pk)  # a fresh scope


def _as_last(indicator: Indicator, out) -> Indicator:
    """The typical indicator read as a last-value one (期末值), its cells rebuilt for it."""
    t0 = time.perf_counter()
    Indicator.objects.filter(pk=indicator.pk).update(aggregation=Indicator.Aggregation.LAST)
    rollup_rebuild(indicator_ids=[indicator.pk])
    out.write(
        json.dumps({"event": "last_value_cells", "seconds": round(time.perf_counter() - t0, 1)})
    )
    return Indicator.objects.get(pk=indicator.pk)


def _restore(indicator: Indicator, out) -> None:
    Indicator.objects.filter(pk=indicator.pk).update(aggregation=Indicator.Aggregation.SUM)
    rollup_rebuild(indicator_ids=[indicator.pk])


def _bulk_submit(command: Organisation, out, count: int = 10_000) -> None:
    """10,000 drafts of the command's teams submitted in one bulk action, with their cells."""
    from duikou.audit.models import ChangeEntry
    from duikou.results.services import values_change_state

    indicator, _ = Indicator.objects.get_or_create(
        code=f"{PREFIX}_BULK",
        defaults={"name_zh": "批量提交基准", "unit": "人", "frequency": "month"},
    )
    teams = list(
        Organisation.objects.filter(ancestor_links__ancestor=command, ancestor_links__depth=2)
        .order_by("pk")
        .values_list("pk", "region_id")[:500]
    )
    Value.objects.filter(indicator=indicator).delete()
    now = timezone.now()
    rows = []
    for n in range(count):
        org_id, region_id = teams[n % len(teams)]
        year, month = MONTHS[n // len(teams) % len(MONTHS)]
        period = month_period(year, month)
        rows.append(
            Value(
                indicator=indicator,
                org_id=org_id,
                region_id=region_id,
                period_type="month",
                period_start=period.start,
                period_end=period.end,
                year=year,
                quarter=(month - 1) // 3 + 1,
                month=month,
                value=1 + n % 50,
                created_at=now,
                updated_at=now,
            )
        )
    Value.objects.bulk_create(rows, batch_size=5000)
    drafts = list(Value.objects.filter(indicator=indicator))
    actor = get_user_model()(username="bench", is_superuser=True, is_active=True)
    t0 = time.perf_counter()
    with transaction.atomic():
        values_change_state(action="submit", items=[(v, v.version) for v in drafts], actor=actor)
    seconds = time.perf_counter() - t0
    ids = [str(v.pk) for v in drafts]
    ChangeEntry.objects.filter(entity="results.value", entity_id__in=ids).delete()
    Rollup.objects.filter(indicator=indicator).delete()
    Value.objects.filter(indicator=indicator).delete()
    out.write(
        json.dumps(
            {
                "query": "bulk_submit_with_rollups",
                "database": connection.vendor,
                "values": len(drafts),
                "seconds": round(seconds, 2),
            }
        )
    )


def _ensure_dataset(size: int, *, fresh: bool, out) -> bool:
    root = Organisation.objects.filter(code=f"{PREFIX}-ROOT").first()
    if root is not None and root.name_en == f"values={size}" and not fresh:
        return False
    _drop()
    if not Region.objects.filter(code="650000").exists():  # a fresh database: places first
        from django.core.management import call_command

        call_command("loadref", stdout=out)
    _build(size, out)
    return True


def _drop() -> None:
    bench_indicators = Indicator.objects.filter(code__startswith=PREFIX)
    Rollup.objects.filter(indicator__in=bench_indicators).delete()
    Target.objects.filter(indicator__in=bench_indicators).delete()
    Value.objects.filter(indicator__in=bench_indicators).delete()
    bench_indicators.delete()
    orgs = Organisation.objects.filter(code__startswith=f"{PREFIX}-")
    from duikou.orgs.models import Membership

    Membership.objects.filter(organisation__in=orgs).delete()  # the front-command viewer's
    OrgAncestor.objects.filter(org__in=orgs).delete()
    for level in ("L3", "L2", "FC", "DP", "ROOT"):  # children before parents (PROTECT)
        orgs.filter(code__startswith=f"{PREFIX}-{level}").delete()


@transaction.atomic
def _build(size: int, out) -> None:
    rng = random.Random(SEED)
    counties = list(Region.objects.filter(level="county", province__code="650000"))
    provinces = list(
        Region.objects.filter(level="province")
        .exclude(code__in=["650000", "XPCC"])
        .order_by("code")[:19]
    )
    now = timezone.now()
    Organisation.objects.create(
        code=f"{PREFIX}-ROOT",
        name="基准测试",
        name_en=f"values={size}",
        side="national",
        kind="aid_office",
        region=Region.objects.get(code="650000"),
        created_at=now,
        updated_at=now,
    )
    levels: list[list[Organisation]] = []

    def make(level: int, parents, per_parent: int, kind: str, side="donor"):
        rows = []
        for parent_index, parent in enumerate(parents):
            for n in range(per_parent):
                region = parent.region if level < 2 else rng.choice(counties)
                rows.append(
                    Organisation(
                        code=f"{PREFIX}-L{level}-{parent_index:05d}-{n:03d}",
                        name=f"基准{kind}{parent_index}-{n}",
                        side=side,
                        kind=kind,
                        parent=parent,
                        region=region,
                        created_at=now,
                        updated_at=now,
                    )
                )
        return Organisation.objects.bulk_create(rows, batch_size=2000)

    donor_roots = Organisation.objects.bulk_create(
        [
            Organisation(
                code=f"{PREFIX}-DP-{r.code}",
                name=f"基准{r.name}",
                side="donor",
                kind="donor_province",
                region=r,
                created_at=now,
                updated_at=now,
            )
            for r in provinces
        ]
    )
    levels.append(donor_roots)
    commands = []
    for i, province in enumerate(donor_roots):
        commands.append(
            Organisation(
                code=f"{PREFIX}-FC-{i:02d}",
                name=f"基准前方指挥部{i}",
                side="donor",
                kind="front_command",
                parent=province,
                region=rng.choice(counties).parent,
                created_at=now,
                updated_at=now,
            )
        )
    commands = Organisation.objects.bulk_create(commands)
    levels.append(commands)
    subs = make(2, commands, SUBS, "sub_command")
    levels.append(subs)
    teams = make(3, subs, TEAMS, "work_team")
    levels.append(teams)
    every = [o for level in levels for o in level]
    parent_of = {o.pk: o.parent_id for o in every}
    links = []
    for org in every:
        node, depth = org.pk, 0
        while node is not None:
            links.append(OrgAncestor(org_id=org.pk, ancestor_id=node, depth=depth))
            node, depth = parent_of.get(node), depth + 1
    OrgAncestor.objects.bulk_create(links, batch_size=5000)
    Organisation.objects.filter(pk__in=[o.pk for o in every]).update(root=None)
    out.write(json.dumps({"event": "organisations", "count": len(every) + 1}))

    indicators = Indicator.objects.bulk_create(
        [
            Indicator(
                code=f"{PREFIX}_{k:02d}",
                name_zh=f"基准指标{k}",
                unit="人次",
                aggregation="sum",
                frequency="month",
                created_at=now,
                updated_at=now,
            )
            for k in range(1, INDICATORS + 1)
        ]
    )
    # Reporters per indicator: the busiest has ~6% of rows, then a geometric tail.
    weights = [0.063] + [
        0.937 * (0.87**k) / sum(0.87**j for j in range(INDICATORS - 1))
        for k in range(INDICATORS - 1)
    ]
    plan = []
    for indicator, weight in zip(indicators, weights, strict=True):
        reporters = max(1, round(size * weight / len(MONTHS)))
        for team in rng.sample(teams, min(reporters, len(teams))):
            plan.append((indicator.pk, team.pk, team.region_id))
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_plan (indicator_id bigint, org_id bigint,"
            " region_id bigint, n integer)"
        )
        cursor.executemany(
            "INSERT INTO bench_plan VALUES (%s, %s, %s, %s)",
            [(*row, i) for i, row in enumerate(plan)],
        )
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_month (start date, finish date, year"
            " integer, quarter integer, month integer, n integer)"
        )
        calendar_rows = []
        for i, (y, m) in enumerate(MONTHS):
            period = month_period(y, m)
            calendar_rows.append((period.start, period.end, y, (m - 1) // 3 + 1, m, i))
        cursor.executemany("INSERT INTO bench_month VALUES (%s, %s, %s, %s, %s, %s)", calendar_rows)
        t0 = time.perf_counter()
        cursor.execute(
            f"INSERT INTO {Value._meta.db_table} (created_at, updated_at, version, is_demo,"
            " indicator_id, org_id, region_id, period_type, period_start, period_end, year,"
            " quarter, month, disaggregation, value, status, source, comment, evidence_note,"
            " evidence_file, evidence_document, return_reason, about) SELECT %s, %s, 1, false,"
            " p.indicator_id, p.org_id, p.region_id, 'month', c.start, c.finish, c.year,"
            " c.quarter, c.month, '', (p.n * 37 + c.n * 11) %% 997 + 3, 'approved', 'import',"
            " '', '', '', '', '', ''"
            " FROM bench_plan p CROSS JOIN bench_month c",
            [now, now],
        )
        inserted = cursor.rowcount
        out.write(
            json.dumps(
                {
                    "event": "values",
                    "count": inserted,
                    "seconds": round(time.perf_counter() - t0, 1),
                }
            )
        )
        cursor.execute("DROP TABLE bench_plan")
        cursor.execute("DROP TABLE bench_month")
    Target.objects.bulk_create(
        [
            Target(
                indicator=indicator,
                org=command,
                kind="target",
                period_type="year",
                period_start=date(2025, 1, 1),
                period_end=date(2025, 12, 31),
                year=2025,
                value=1000 * (k + 1),
                created_at=now,
                updated_at=now,
            )
            for command in commands
            for k, indicator in enumerate(indicators)
        ]
    )
    t0 = time.perf_counter()
    cells = rollup_rebuild(indicator_ids=[i.pk for i in indicators])
    out.write(
        json.dumps(
            {"event": "rollups", "cells": cells, "seconds": round(time.perf_counter() - t0, 1)}
        )
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
