"""Reads for regions and the map layer."""

import json
import os
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import get_language

from duikou.core.errors import refuse
from duikou.core.ledger_cache import ledger_version

from .models import Region


def region_get_by_code(*, code: str) -> Region:
    """The region with this official code, or a Chinese error naming the field."""
    try:
        return Region.objects.get(code=code.strip())
    except Region.DoesNotExist:
        raise refuse("region", f"区划代码“{code}”不存在") from None


def region_find(*, text: str) -> Region:
    """Resolve what a user typed — a code, a full name or a short form — to one region."""
    text = text.strip()
    if text.isdigit() or text.upper().startswith("XPCC"):
        return region_get_by_code(code=text.upper())
    matches = list(
        Region.objects.filter(Q(name=text) | Q(short_name=text) | Q(aliases__contains=text))
    )
    exact = [r for r in matches if r.name == text]
    if not exact:
        exact = [r for r in matches if r.short_name == text or text in r.alias_list()]
    if len(exact) == 1:
        return exact[0]
    if not exact:
        raise refuse("region", f"找不到地区“{text}”，请填写区划名称或代码")
    names = "、".join(f"{r.name}（{r.code}）" for r in exact[:5])
    raise refuse("region", f"地区“{text}”有多个匹配：{names}，请填写区划代码")


def region_descendants(*, region: Region) -> QuerySet[Region]:
    """The region and everything below it."""
    return Region.objects.filter(ancestor_links__ancestor=region)


# The map's layers and the setting naming each one's file.
MAP_LAYERS = {"prefecture": "DUIKOU_MAP_GEOJSON", "county": "DUIKOU_MAP_COUNTY_GEOJSON"}


@dataclass(frozen=True)
class MapArea:
    """One area of the map file and the region it was matched to (None when no match)."""

    name: str
    region: Region | None


@lru_cache(maxsize=8)
def _map_features(path: str, mtime: float) -> tuple[tuple[str, str], ...]:
    """(name, code) of each feature of a map file; code is "" when it has none."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    return tuple(
        (str(p.get("name") or ""), str(p.get("code") or "").strip())
        for p in (f.get("properties") or {} for f in data.get("features", []))
    )


def map_file(*, layer: str = "prefecture") -> tuple[str, str]:
    """A map layer's file: its static path (the layer's setting) and where it lies on disk."""
    from django.contrib.staticfiles import finders

    setting = MAP_LAYERS[layer]
    static_path = getattr(settings, setting)
    found = finders.find(static_path)
    if not found:
        raise FileNotFoundError(f"找不到地图文件 {static_path}（设置 {setting}）")
    return static_path, found


def map_areas(*, layer: str = "prefecture") -> list[MapArea]:
    """The areas of a map layer, each matched to a region.

    A feature with a ``code`` property that is a region's code is that region; the others
    are matched by name, short name or alias, regions inside Xinjiang and the XPCC first
    when a name is ambiguous. Nothing about the areas is hard-coded: another file (the
    layer's setting) only needs codes or names that match regions.
    """
    _, path = map_file(layer=layer)
    mtime = os.path.getmtime(path)
    # Every map page matches the same areas: kept in this process (the outlines are large,
    # reading them back from a shared cache cost more than the page) until the file or the
    # ledger (regions are in it) changes.
    version = ledger_version()
    if version is None:
        return _map_areas(path, mtime)
    place, state = (path, get_language()), (mtime, version)
    kept = _AREAS_KEPT.get(place)
    if kept is None or kept[0] != state:
        kept = _AREAS_KEPT[place] = (state, _map_areas(path, mtime))
    return kept[1]


# Per layer file and language: the file's time and ledger version read, and the areas.
_AREAS_KEPT: dict[tuple, tuple] = {}


def _map_areas(path: str, mtime: float) -> list[MapArea]:
    features = _map_features(path, mtime)
    regions = Region.objects.select_related("province", "prefecture", "twin")
    by_code = {r.code: r for r in regions.filter(code__in={c for _, c in features if c})}
    wanted = {n for n, c in features if n and c not in by_code}
    candidates = []
    if wanted:
        condition = Q(name__in=wanted) | Q(short_name__in=wanted)
        for name in wanted:
            condition |= Q(aliases__contains=name)
        candidates = list(regions.filter(condition).order_by("level", "code"))

    def score(region: Region, name: str) -> tuple | None:
        if region.name == name:
            rank = 0
        elif region.short_name == name:
            rank = 1
        elif name in region.alias_list():
            rank = 2
        else:
            return None
        home = region.province.code if region.province else region.code
        return (rank, home not in {"650000", "XPCC"}, region.code)

    areas = []
    for name, code in features:
        if code in by_code:
            areas.append(MapArea(name, by_code[code]))
            continue
        scored = [(score(r, name), r) for r in candidates]
        scored = [(s, r) for s, r in scored if s is not None]
        areas.append(MapArea(name, min(scored, key=lambda item: item[0])[1] if scored else None))
    return areas


def region_list() -> QuerySet[Region]:
    """Every region (reference data any signed-in user may read)."""
    return Region.objects.select_related("parent")


def get_region(*, pk: int) -> Region:
    from django.http import Http404

    region = Region.objects.select_related("parent", "province", "prefecture").filter(pk=pk).first()
    if region is None:
        raise Http404("地区不存在")
    return region


def region_resolve(region: "Region | str | None") -> "Region | None":
    """A Region as given, or the one with this official code (services accept either)."""
    if region is None or isinstance(region, Region):
        return region
    return region_get_by_code(code=region)


_DEPTH = {"province": 1, "prefecture": 2, "county": 3, "township": 4}


def _region_names() -> dict[str, list[tuple[int, str, str]]]:
    """Every name, short form and alias (two characters or more) → (id, level, code).

    Regions are reference data: the table is re-read when it changed, which is checked at
    most once a minute (an import asks for thousands of places)."""
    import time

    if _NAMES and time.monotonic() - _NAMES["checked"] < 60:
        return _NAMES["names"]
    marker = Region.objects.aggregate(n=Count("pk"), top=Max("pk"))
    if _NAMES.get("marker") != marker:
        names: dict[str, list[tuple[int, str, str]]] = {}
        for pk, name, short, aliases, level, code in Region.objects.values_list(
            "pk", "name", "short_name", "aliases", "level", "code"
        ):
            for text in {name, short, *(aliases or "").split("|")}:
                text = (text or "").strip()
                if len(text) >= 2:
                    names.setdefault(text, []).append((pk, level, code))
        _NAMES.clear()
        _NAMES.update(marker=marker, names=names, longest=max(map(len, names), default=0))
    _NAMES["checked"] = time.monotonic()
    return _NAMES["names"]


_NAMES: dict = {}


def region_in_text(*, text: str) -> tuple[Region, str] | None:
    """The finest region named inside a text (玛纳斯县塔西河乡 → 玛纳斯县; 昌吉州人民医院 副院长
    → 昌吉州), and the name as found; None when no region or several equally fine ones."""
    text = "".join(str(text).split())
    names = _region_names()
    longest = _NAMES["longest"]
    found = []
    for start in range(len(text)):
        for length in range(min(longest, len(text) - start), 1, -1):
            piece = text[start : start + length]
            for pk, level, code in names.get(piece, ()):
                found.append((pk, level, code, piece, start))
    if not found:
        return None
    xinjiang = [f for f in found if f[2].startswith(("65", "XPCC"))]
    found = xinjiang or found
    found.sort(key=lambda f: (-_DEPTH.get(f[1], 0), -len(f[3]), f[4]))
    best = found[0]
    rivals = {
        f[0]
        for f in found
        if _DEPTH.get(f[1], 0) == _DEPTH.get(best[1], 0)
        and len(f[3]) == len(best[3])
        and f[0] != best[0]
        and f[4] == best[4]
    }
    if rivals:
        return None
    region = Region.objects.filter(pk=best[0]).first()
    if region is None:  # the table was reloaded within the minute: read it again
        _NAMES.clear()
        return region_in_text(text=text)
    return region, best[3]


def _ring_centroid(ring: list) -> tuple[float, float, float]:
    """(area, x, y) of one polygon ring by the shoelace formula (area may be negative)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if not area:
        return 0.0, ring[0][0], ring[0][1]
    return area / 2, cx / (3 * area), cy / (3 * area)


def _feature_point(feature: dict) -> tuple[float, float] | None:
    """A feature's point as (longitude, latitude): its ``cp`` property (the seat, as the
    prefecture layer gives it), else the centroid of its largest plain outer ring."""
    point = (feature.get("properties") or {}).get("cp")
    if isinstance(point, list | tuple) and len(point) == 2:
        return float(point[0]), float(point[1])
    geometry = feature.get("geometry") or {}
    polygons = {
        "Polygon": [geometry.get("coordinates")],
        "MultiPolygon": geometry.get("coordinates"),
    }
    rings = [p[0] for p in polygons.get(geometry.get("type"), []) or [] if p and p[0]]
    rings = [r for r in rings if isinstance(r, list) and isinstance(r[0], list)]
    if not rings:
        return None  # encoded geometry without a cp: no point
    _, x, y = max((_ring_centroid(r) for r in rings), key=lambda c: abs(c[0]))
    return x, y


@lru_cache(maxsize=8)
def _map_points(path: str, mtime: float) -> tuple[tuple[float, float] | None, ...]:
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    return tuple(_feature_point(f) for f in data.get("features", []))


def region_points() -> dict[int, tuple[float, float]]:
    """Approximate (latitude, longitude) of the regions the map layers draw: a prefecture's
    seat from its layer, a county's centroid from its layer. The region table itself holds no
    coordinates; regions on no layer are absent."""
    points: dict[int, tuple[float, float]] = {}
    for layer in MAP_LAYERS:
        try:
            _, path = map_file(layer=layer)
        except FileNotFoundError:
            continue
        areas = map_areas(layer=layer)
        for area, point in zip(areas, _map_points(path, os.path.getmtime(path)), strict=True):
            if area.region is not None and point is not None:
                points[area.region.pk] = (round(point[1], 5), round(point[0], 5))
    return points
