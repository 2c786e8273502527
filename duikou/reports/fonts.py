"""The Chinese font embedded in PDFs and used in charts, found on the machine, never fetched.

Set ``DUIKOU_REPORT_FONT`` to a TrueType file (.ttf, or .ttc with TrueType outlines) to
choose one; otherwise the first of ``CANDIDATES`` that exists is used. Debian's
``fonts-wqy-zenhei`` provides the default (``apt-get install fonts-wqy-zenhei``).
CFF-flavoured OpenType fonts (Noto CJK .otf) cannot be embedded by reportlab.
"""

import os
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

CANDIDATES = [
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
]
PDF_FONT = "DuikouCJK"


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


@cache
def pdf_font() -> str:
    """Register the font with reportlab once per process and return its name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path = font_path()
    options = {"subfontIndex": 0} if path.suffix.lower() == ".ttc" else {}
    pdfmetrics.registerFont(TTFont(PDF_FONT, str(path), **options))
    return PDF_FONT
