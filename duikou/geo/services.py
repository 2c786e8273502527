"""Writes for regions: loading the reference fixture and keeping stored ancestors right."""

import csv
from pathlib import Path

from django.db import transaction

from duikou.audit.services import change_record, snapshot
from duikou.core.errors import refuse

from .models import Region, RegionAncestor

FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures"
REGIONS_CSV = FIXTURE_DIR / "regions.csv"
FIELDS = ("name", "short_name", "level", "kind", "aliases")


@transaction.atomic
def regions_load_csv(*, path: Path = REGIONS_CSV, actor) -> dict[str, int]:
    """Create or update regions from the reference CSV; unchanged rows are left alone.

    Rows are matched on their code, so loading twice changes nothing.
    """
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    existing = {r.code: r for r in Region.objects.all()}
    created = updated = 0
    for row in rows:
        values = {f: (row.get(f) or "").strip() for f in FIELDS}
        region = existing.get(row["code"])
        if region is None:
            region = Region.objects.create(code=row["code"], **values)
            existing[region.code] = region
            change_record(instance=region, action="create", actor=actor, source="参考数据")
            created += 1
        elif any(getattr(region, f) != v for f, v in values.items()):
            before = snapshot(region)
            for f, v in values.items():
                setattr(region, f, v)
            region.save(update_fields=list(FIELDS))
            change_record(
                instance=region, action="update", actor=actor, before=before, source="参考数据"
            )
            updated += 1
    parents_changed = False
    for row in rows:
        region = existing[row["code"]]
        parent_code = (row.get("parent_code") or "").strip()
        if parent_code and parent_code not in existing:
            raise refuse("parent_code", f"区划 {row['code']} 的上级代码 {parent_code} 不存在")
        parent = existing.get(parent_code) if parent_code else None
        if region.parent_id != (parent.pk if parent else None):
            region.parent = parent
            region.save(update_fields=["parent"])
            parents_changed = True
    if created or parents_changed:
        regions_rebuild_ancestors()
    return {"created": created, "updated": updated, "total": len(rows)}


@transaction.atomic
def regions_rebuild_ancestors() -> None:
    """Recompute stored province/prefecture columns and the closure table from parents."""
    regions = {r.pk: r for r in Region.objects.all()}
    links = []
    for region in regions.values():
        chain = [region]
        seen = {region.pk}
        while chain[-1].parent_id is not None:
            parent = regions[chain[-1].parent_id]
            if parent.pk in seen:
                raise refuse("parent", f"区划 {region.code} 的上下级关系出现循环")
            seen.add(parent.pk)
            chain.append(parent)
        province = next((r for r in chain if r.level == Region.Level.PROVINCE), None)
        prefecture = next((r for r in chain if r.level == Region.Level.PREFECTURE), None)
        region.province = province
        region.prefecture = prefecture
        links.extend(
            RegionAncestor(region=region, ancestor=a, depth=d) for d, a in enumerate(chain)
        )
    Region.objects.bulk_update(regions.values(), ["province", "prefecture"], batch_size=500)
    RegionAncestor.objects.all().delete()
    RegionAncestor.objects.bulk_create(links, batch_size=1000)
