"""Import benchmark: a 100,000-row indicator-values sheet (.xlsx) read, checked and written,
once with the template's headers and once as an office keeps it (``--path messy``).

Builds the sheet with a fixed seed (values of one stored indicator reported monthly by
a few hundred organisations across Xinjiang's counties), then runs the import as a
user would: upload, check (preview), commit. The values written are removed before and
after each run, so runs are repeatable. Prints one JSON line with the seconds of each
step; ``seconds`` is the import proper (upload and commit), the preview's check apart.
"""

import io
import json
import random
import time

from django.contrib.auth import get_user_model
from django.db import connection

from duikou.audit.models import ChangeEntry
from duikou.geo.models import Region
from duikou.orgs.models import Organisation
from duikou.policy import SYSTEM
from duikou.results.models import Indicator, Value

SEED = 20100330
PREFIX = "BENCHIMP"


def add_arguments(parser) -> None:
    parser.add_argument("--rows", type=int, default=100_000, help="数据行数")
    parser.add_argument(
        "--path",
        choices=["template", "messy", "both"],
        default="both",
        help="template：模板表头；messy：办公室自己的表（标题、单位行、同义表头、分组与合计行）",
    )


def _setup(rows: int):
    from duikou.orgs.services import donor_province_get_or_create, organisation_create

    indicator, _ = Indicator.objects.get_or_create(
        code=f"{PREFIX}_01",
        defaults={
            "name_zh": "导入基准指标",
            "unit": "人",
            "frequency": Indicator.Frequency.MONTH,
            "change_threshold": None,
        },
    )
    province = donor_province_get_or_create(region=Region.objects.get(code="350000"), actor=SYSTEM)
    counties = list(
        Region.objects.filter(code__startswith="65", level=Region.Level.COUNTY).order_by("code")
    )
    orgs = list(Organisation.objects.filter(code__startswith=f"{PREFIX}-").order_by("code"))
    wanted = max(1, rows // 300)
    for n in range(len(orgs), wanted):
        orgs.append(
            organisation_create(
                code=f"{PREFIX}-{n:04d}",
                name=f"基准工作队{n:04d}",
                side=Organisation.Side.DONOR,
                kind=Organisation.Kind.WORK_TEAM,
                region=counties[n % len(counties)],
                parent=province,
                actor=SYSTEM,
            )
        )
    return indicator, orgs[:wanted], counties


def _sheet(rows: int, indicator, orgs, counties) -> bytes:
    import xlsxwriter

    rng = random.Random(SEED)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    sheet = book.add_worksheet("指标值")
    sheet.write_row(0, 0, ["指标", "填报机构", "地点", "期间", "数值", "单位", "分组", "说明"])
    line = 1
    for org in orgs:
        county = counties[org.pk % len(counties)].code
        for month in range(300):
            if line > rows:
                break
            year, number = 2001 + month // 12, month % 12 + 1
            amount = rng.randint(1, 5000)
            cell = f"{amount / 10:g}万" if amount % 10 == 0 else amount
            sheet.write_row(
                line,
                0,
                [indicator.code, org.code, county, f"{year}-{number:02d}", cell, "人", "", ""],
            )
            line += 1
    book.close()
    return buffer.getvalue()


def _sheet_messy(rows: int, indicator, orgs, counties) -> bytes:
    """The same values as an office keeps them: a title, 填报单位 and date lines, headers in
    its own words, a section heading every 500 rows with a 小计, a 合计 row and notes."""
    import xlsxwriter

    rng = random.Random(SEED)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    sheet = book.add_worksheet("月度填报")
    sheet.write_row(0, 0, ["各工作队月度指标完成情况汇总表"])
    sheet.write_row(1, 0, ["填报日期：2025年7月5日", "", "", "", "", "单位：人"])
    sheet.write_row(2, 0, ["序号", "指标名称", "填报单位", "县市", "统计期间", "完成值", "备注"])
    line, written, section = 3, 0, 0
    for org in orgs:
        county = counties[org.pk % len(counties)].name
        for month in range(300):
            if written >= rows:
                break
            if written % 500 == 0:
                section += 1
                sheet.write_row(line, 0, [f"（{_cn(section % 10 or 10)}）第{section}组", ""])
                line += 1
            year, number = 2001 + month // 12, month % 12 + 1
            amount = rng.randint(1, 5000)
            sheet.write_row(
                line,
                0,
                [
                    written + 1,
                    indicator.name_zh,
                    org.name,
                    county,
                    f"{year}年{number}月",
                    amount,
                    "",
                ],
            )
            line += 1
            written += 1
    sheet.write_row(line, 0, ["合计", "", "", "", "", None])
    sheet.write_row(line + 1, 0, ["注：完成值为当月新增数。"])
    sheet.write_row(line + 2, 0, ["填表人：某某    审核人：某某"])
    book.close()
    return buffer.getvalue()


def _cn(n: int) -> str:
    return "一二三四五六七八九十"[n - 1]


def _vacuum() -> None:
    """The rows the previous run removed are vacuumed away first, as autovacuum would do on
    a real database between month-end imports; otherwise each run pays for the last."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Value, ChangeEntry):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")


def _clear(indicator) -> None:
    ids = [str(pk) for pk in Value.objects.filter(indicator=indicator).values_list("pk", flat=True)]
    for start in range(0, len(ids), 10_000):
        ChangeEntry.objects.filter(
            entity="results.value", entity_id__in=ids[start : start + 10_000]
        ).delete()
    Value.objects.filter(indicator=indicator).delete()


def run(options: dict, out) -> None:
    paths = ["template", "messy"] if options.get("path", "both") == "both" else [options["path"]]
    for path in paths:
        _run(options, out, path)
        out.write("\n")


def _run(options: dict, out, path: str) -> None:
    from duikou.transfer.models import ImportRecord
    from duikou.transfer.services import import_run, import_upload

    rows = options["rows"]
    user, _ = get_user_model().objects.get_or_create(
        username="bench-imports", defaults={"is_superuser": True, "is_active": True}
    )
    indicator, orgs, counties = _setup(rows)
    _clear(indicator)
    _vacuum()
    started = time.perf_counter()
    build = _sheet if path == "template" else _sheet_messy
    data = build(rows, indicator, orgs, counties)
    built = time.perf_counter() - started

    started = time.perf_counter()
    record = import_upload(user=user, kind="values", file_name="bench.xlsx", data=data)
    uploaded = time.perf_counter() - started
    started = time.perf_counter()
    checked = import_run(record_id=record.pk, commit=False)
    check_seconds = time.perf_counter() - started
    started = time.perf_counter()
    committed = import_run(record_id=record.pk, commit=True)
    commit_seconds = time.perf_counter() - started
    written = Value.objects.filter(indicator=indicator).count()
    problems = [str(p) for p in (checked.problems or committed.problems)[:3]]
    _clear(indicator)
    ImportRecord.objects.filter(pk=record.pk).delete()
    result = {
        "bench": "imports",
        "path": path,
        "database": connection.vendor,
        "rows": rows,
        "file_mb": round(len(data) / 1048576, 1),
        "build_seconds": round(built, 2),
        # Upload: read the workbook, find the table, propose the mapping.
        "upload_seconds": round(uploaded, 2),
        # Check: every row read, matched and previewed, rolled back.
        "check_seconds": round(check_seconds, 2),
        "detect_map_preview_seconds": round(uploaded + check_seconds, 2),
        "commit_seconds": round(commit_seconds, 2),
        "seconds": round(uploaded + commit_seconds, 2),
        "created": committed.created,
        "skipped": len(committed.skipped),
        "written": written,
        "problems": problems,
    }
    out.write(json.dumps(result, ensure_ascii=False))
