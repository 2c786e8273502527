"""Fonts of reports, found on the machine, never fetched.

The PDF work summary (WeasyPrint, through fontconfig) uses open faces from Debian
packages that come closest to those GB/T 9704 names: ``PDF_FACES`` maps each role to its
family and the file that must be there (``pdf_faces`` checks and says what to install).
Charts use one TrueType file: set ``DUIKOU_REPORT_FONT`` to choose one; otherwise the
first of ``CANDIDATES`` that exists (Debian's ``fonts-wqy-zenhei``).
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

CANDIDATES = [
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
]

NOTO = "/usr/share/fonts/opentype/noto"
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


def font_path() -> Path:
    chosen = getattr(settings, "DUIKOU_REPORT_FONT", "") or os.environ.get("DUIKOU_REPORT_FONT")
    paths = [chosen] if chosen else CANDIDATES
    for path in paths:
        if path and Path(path).is_file():
            return Path(path)
    raise ImproperlyConfigured(
        "找不到可嵌入PDF的中文字体：请安装 fonts-wqy-zenhei（apt-get install fonts-wqy-zenhei），"
        "或用环境变量 DUIKOU_REPORT_FONT 指定 TrueType 字体文件"
    )
