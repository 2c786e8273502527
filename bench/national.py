"""National ledger benchmark data: about 1M projects and 5M fund transactions (PostgreSQL).

Adds projects to the work teams of the roll-up benchmark (``duikou bench rollups`` builds
them first), each in a Xinjiang county, with an aid budget for every project and a local
one for every other project, then release, disburse and spend transactions whose running
totals never pass the budget. Rows are generated inside the database (INSERT … SELECT over
``generate_series``) with a fixed pattern, so two runs give the same ledger; the fund
summary is rebuilt afterwards. The dataset is reused when it already has the asked size;
``--fresh`` rebuilds it. Prints JSON lines with counts and timings.
"""

import json
import time

from django.db import connection, transaction
from django.utils import timezone

from duikou.orgs.models import Organisation, Programme
from duikou.projects.models import BudgetLine, FundTransaction, Project
from duikou.projects.services import fund_summary_rebuild

PREFIX = "BENCH"
FIRST_YEAR, YEARS = 2011, 15
# Five transactions per project on its aid line: two releases, two disbursements, one
# spend, as fractions (per mille) of the budget; each kind sums to at most the budget.
TRANCHES = [("release", 600, 0), ("release", 400, 4), ("disburse", 500, 2),
            ("disburse", 300, 7), ("spend", 700, 10)]  # fmt: skip


def add_arguments(parser) -> None:
    parser.add_argument("--projects", type=int, default=1_000_000, help="项目数")
    parser.add_argument("--transactions", type=int, default=5_000_000, help="资金流水条数")
    parser.add_argument("--fresh", action="store_true", help="删除并重建基准项目")


def run(options: dict, out) -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("national bench data needs PostgreSQL (generate_series)")
    if not Organisation.objects.filter(code=f"{PREFIX}-ROOT").exists():
        raise SystemExit("run `duikou bench rollups` first: it builds the BENCH organisations")
    started = time.perf_counter()
    built = ensure_projects(
        projects=options["projects"],
        transactions=options["transactions"],
        fresh=options["fresh"],
        out=out,
    )
    out.write(
        json.dumps(
            {
                "event": "national",
                "built": built,
                "projects": options["projects"],
                "transactions": options["transactions"],
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
    )


def _marker() -> str:
    return f"{PREFIX}-P-SIZE"


def ensure_projects(*, projects: int, transactions: int, fresh: bool, out) -> bool:
    """Build the bench projects unless ones of this size are already there."""
    size = f"projects={projects} transactions={transactions}"
    marker = Project.objects.filter(code=_marker()).values_list("name_en", flat=True).first()
    if marker == size and not fresh:
        return False
    _drop()
    _build(projects, transactions, size, out)
    # A settled database, as autovacuum leaves one: the visibility map set, so list and
    # dashboard counts read their indexes alone (VACUUM cannot run inside the build's
    # transaction).
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        for model in (Project, BudgetLine, FundTransaction):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    _step(out, "vacuum", t0, 3)
    return True


def _drop() -> None:
    with connection.cursor() as cursor:
        bench = f"SELECT id FROM {Project._meta.db_table} WHERE code LIKE %s"
        like = [f"{PREFIX}-P-%"]
        for model in (FundTransaction, BudgetLine):
            cursor.execute(
                f"DELETE FROM {model._meta.db_table} WHERE project_id IN ({bench})", like
            )
        for table in ("projects_statuschange", "projects_progressreport"):
            cursor.execute(f"DELETE FROM {table} WHERE project_id IN ({bench})", like)
        cursor.execute(f"DELETE FROM {Project._meta.db_table} WHERE code LIKE %s", like)


def _step(out, name: str, t0: float, count: int) -> None:
    out.write(
        json.dumps({"event": name, "count": count, "seconds": round(time.perf_counter() - t0, 1)})
    )


@transaction.atomic
def _build(projects: int, transactions: int, size: str, out) -> None:
    now = timezone.now()
    programme = Programme.objects.order_by("pk").first()
    if programme is None:
        programme = Programme.objects.create(
            code="XJ2010", name="对口援疆", start_date="2010-03-30"
        )
    per_project = max(1, min(len(TRANCHES), round(transactions / max(projects, 1))))
    with connection.cursor() as cursor:
        # Work teams with their donor province (the root of their branch of the tree).
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_team ON COMMIT DROP AS"
            " SELECT row_number() OVER (ORDER BY o.id) - 1 AS n, o.id, o.region_id,"
            " a.ancestor_id AS province_id"
            " FROM orgs_organisation o"
            " JOIN orgs_organcestor a ON a.org_id = o.id"
            " JOIN orgs_organisation dp ON dp.id = a.ancestor_id AND dp.kind = 'donor_province'"
            " WHERE o.code LIKE %s AND o.kind = 'work_team'",
            [f"{PREFIX}-L3-%"],
        )
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_county ON COMMIT DROP AS"
            " SELECT row_number() OVER (ORDER BY r.id) - 1 AS n, r.id, r.prefecture_id"
            " FROM geo_region r JOIN geo_region x ON x.id = r.province_id AND x.code = '650000'"
            " WHERE r.level = 'county'"
        )
        cursor.execute("SELECT count(*) FROM bench_team")
        teams = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM bench_county")
        counties = cursor.fetchone()[0]
        t0 = time.perf_counter()
        # Nine projects in ten are in the team's own county, the rest spread over Xinjiang.
        cursor.execute(
            f"""
            INSERT INTO {Project._meta.db_table} (created_at, updated_at, version, is_demo,
                code, name, name_en, description, location, sector, is_livelihood,
                is_county_or_below,
                out_of_pairing, status, status_date, plan_year, planned_start, planned_end,
                donor_org_id, donor_province_id, prefecture_id, programme_id, region_id)
            SELECT %(now)s, %(now)s, 1, false,
                'BENCH-P-' || lpad(g::text, 8, '0'), '基准项目' || g, '', '', '',
                (ARRAY['industry','employment','housing','education','health','culture',
                       'infrastructure','rural','talent','governance','exchange','other'])
                    [1 + (g * 7) %% 12],
                (g %% 10) < 7, true, true,
                (ARRAY['reserve','approved','building','completed','accepted','operating',
                       'terminated'])[1 + (g * 3) %% 7],
                make_date(y, 1 + g %% 12, 1), y, make_date(y, 1 + g %% 12, 1),
                make_date(y + 1, 1 + g %% 12, 28),
                t.id, t.province_id, c.prefecture_id, %(programme)s, c.id
            FROM (SELECT g, {FIRST_YEAR} + (g * 13) %% {YEARS} AS y
                  FROM generate_series(1, %(projects)s) g) s
            JOIN bench_team t ON t.n = s.g %% %(teams)s
            JOIN bench_county c ON c.n = CASE WHEN s.g %% 10 = 9 THEN (s.g * 31) %% %(counties)s
                ELSE (SELECT n FROM bench_county WHERE id = t.region_id) END
            """,
            {
                "now": now,
                "programme": programme.pk,
                "projects": projects,
                "teams": teams,
                "counties": counties,
            },
        )
        _step(out, "projects", t0, cursor.rowcount)
        cursor.execute(
            f"""
            UPDATE {Project._meta.db_table} p SET out_of_pairing = NOT EXISTS (
                SELECT 1 FROM orgs_pairing pr
                JOIN orgs_organcestor oa
                    ON oa.ancestor_id = pr.donor_id AND oa.org_id = p.donor_org_id
                JOIN geo_regionancestor ra
                    ON ra.ancestor_id = pr.recipient_id AND ra.region_id = p.region_id
                WHERE pr.start_date <= p.planned_start
                  AND (pr.end_date IS NULL OR pr.end_date >= p.planned_start))
            WHERE p.code LIKE %s
            """,
            [f"{PREFIX}-P-%"],
        )
        t0 = time.perf_counter()
        # Aid budgets of 1–500 万元 in whole yuan; local budgets on even projects.
        cursor.execute(
            f"""
            INSERT INTO {BudgetLine._meta.db_table}
                (project_id, fund_source, amount, version, updated_at)
            SELECT p.id, s.source,
                CASE WHEN s.source = 'aid' THEN (1 + (p.id * 7919) %% 500) * 1000000
                     ELSE (1 + (p.id * 104729) %% 200) * 500000 END, 1, %s
            FROM {Project._meta.db_table} p
            CROSS JOIN (VALUES ('aid'), ('local')) s(source)
            WHERE p.code LIKE %s AND (s.source = 'aid' OR p.id %% 2 = 0)
            """,
            [now, f"{PREFIX}-P-%"],
        )
        _step(out, "budget_lines", t0, cursor.rowcount)
        t0 = time.perf_counter()
        tranches = TRANCHES[:per_project]
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_tranche (kind varchar(16), permille integer,"
            " months integer) ON COMMIT DROP"
        )
        cursor.executemany("INSERT INTO bench_tranche VALUES (%s, %s, %s)", tranches)
        # Each tranche is a share of the aid budget rounded down to the fen (amounts are
        # stored in fen), dated some months after the planned start.
        cursor.execute(
            f"""
            INSERT INTO {FundTransaction._meta.db_table} (created_at, updated_at, version,
                is_demo, project_id, fund_source, kind, amount, "on", year, month, reference,
                note)
            SELECT %(now)s, %(now)s, 1, false, b.project_id, 'aid', k.kind,
                b.amount * k.permille / 1000, d.on, extract(year FROM d.on),
                extract(month FROM d.on), '', ''
            FROM {BudgetLine._meta.db_table} b
            JOIN {Project._meta.db_table} p ON p.id = b.project_id
            CROSS JOIN bench_tranche k
            CROSS JOIN LATERAL (SELECT (p.planned_start + make_interval(months => k.months)
                                       + make_interval(days => (b.project_id %% 20)::int))::date
                                AS on) d
            WHERE p.code LIKE %(like)s AND b.fund_source = 'aid'
            """,
            {"now": now, "like": f"{PREFIX}-P-%"},
        )
        _step(out, "transactions", t0, cursor.rowcount)
    Project.objects.filter(code=f"{PREFIX}-P-{1:08d}").update(code=_marker(), name_en=size)
    t0 = time.perf_counter()
    cells = fund_summary_rebuild()
    _step(out, "fund_summary", t0, cells)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
