"""Fonts of reports, found on the machine, never fetched.

The PDF work summary (WeasyPrint, through fontconfig) uses open faces from Debian
packages that come closest to those GB/T 9704 names: ``PDF_FACES`` maps each role to its
family and the file that must be there (``pdf_faces`` checks and says what to install).
Charts use one face (``chart_face``): set ``DUIKOU_REPORT_FONT`` to a font file to choose
one; otherwise Noto Sans CJK SC, the 黑体-like face the PDF's headings use, and failing that
the first of ``CANDIDATES`` that exists (Debian's ``fonts-wqy-zenhei``). In a collection
(.ttc) the simplified Chinese face is picked by its name: Noto's face 0 is the Japanese one,
whose glyphs differ from the GB forms (门, 说, 骨).
"""

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NOTO = "/usr/share/fonts/opentype/noto"
CANDIDATES = [
    f"{NOTO}/NotoSansCJK-Regular.ttc",
    f"{NOTO}/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
]

# role: (font family as fontconfig names it, a file of it, the Debian package)
PDF_FACES = {
    # 仿宋 / 宋体 / 小标宋: a Song (Ming) serif; Debian has no open 仿宋
    "serif": ("Noto Serif CJK SC", f"{NOTO}/NotoSerifCJK-Regular.ttc", "fonts-noto-cjk"),
    # 黑体
    "sans": ("Noto Sans CJK SC", f"{NOTO}/NotoSansCJK-Regular.ttc", "fonts-noto-cjk"),
    # 楷体
    "kai": ("AR PL UKai CN", "/usr/share/fonts/truetype/arphic/ukai.ttc", "fonts-arphic-ukai"),
}


def pdf_faces() -> dict[str, str]:
    """The family of each role, after checking its font file is installed."""
    missing = sorted({pkg for _, path, pkg in PDF_FACES.values() if not Path(path).is_file()})
    if missing:
        raise ImproperlyConfigured(
            f"PDF 报告所需字体未安装：请运行 apt-get install {' '.join(missing)}"
            "（或 tools/system-deps fonts）"
        )
    return {role: family for role, (family, _, _) in PDF_FACES.items()}


@dataclass(frozen=True)
class Face:
    path: Path
    index: int  # the face in a collection (.ttc); 0 in a single font file
    family: str


# Family names of simplified Chinese faces: "Noto Sans CJK SC", "AR PL UMing CN".
_SIMPLIFIED = {"SC", "CN", "GB", "Hans"}


@lru_cache(maxsize=8)
def face_in(path: Path) -> Face:
    """The face of ``path`` for simplified Chinese: in a collection, the first face whose
    family says SC/CN (a proportional one before Mono); face 0 otherwise."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    try:
        if path.suffix.lower() in {".ttc", ".otc"}:
            families = [f["name"].getBestFamilyName() or "" for f in TTCollection(path).fonts]
        else:
            families = [TTFont(path, lazy=True)["name"].getBestFamilyName() or ""]
    except (OSError, TTLibError, KeyError) as error:
        raise ImproperlyConfigured(f"字体文件 {path} 无法读取：{error}") from error

    def score(n: int) -> tuple[bool, bool, int]:
        words = set(re.split(r"[\s_-]+", families[n]))
        return (not words & _SIMPLIFIED, "Mono" in words, n)

    index = min(range(len(families)), key=score)
    return Face(path, index, families[index])


def chart_face() -> Face:
    """The face charts are drawn in (see the module's docstring)."""
    return face_in(font_path())


def font_path() -> Path:
    chosen = getattr(settings, "DUIKOU_REPORT_FONT", "") or os.environ.get("DUIKOU_REPORT_FONT")
    paths = [chosen] if chosen else CANDIDATES
    for path in paths:
        if path and Path(path).is_file():
            return Path(path)
    raise ImproperlyConfigured(
        "找不到图表用的中文字体：请安装 fonts-noto-cjk（apt-get install fonts-noto-cjk），"
        "或用环境变量 DUIKOU_REPORT_FONT 指定 TrueType 字体文件"
    )
