"""Checks and display of personal identifiers: resident ID numbers and phone numbers."""

import re
from datetime import date

from duikou.core.errors import refuse

# GB 11643-1999: 17 digits weighted by 2^(17-i) mod 11, then a check character.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def id_number_check_digit(first17: str) -> str:
    """The check character of an 18-character resident ID number (GB 11643)."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def id_number_clean(value: str, *, field: str = "id_number", label: str = "身份证号") -> str:
    """The ID number normalised (upper-case X, no spaces), or a refusal naming ``field``.

    Checks the length and characters, the date of birth and the check digit.
    An empty value is allowed (the number is optional) and returned as "".
    """
    text = (value or "").strip().replace(" ", "").upper()
    if not text:
        return ""
    if not ID_PATTERN.match(text):
        raise refuse(field, f"{label}格式不正确：应为18位，前17位为数字，末位为数字或X")
    try:
        date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise refuse(field, f"{label}中的出生日期“{text[6:14]}”无效") from None
    if id_number_check_digit(text[:17]) != text[17]:
        raise refuse(field, f"{label}校验位不正确，请核对后重新填写")
    return text


def id_number_mask(value: str) -> str:
    """An ID number as shown to anyone: first four and last four characters only."""
    if not value:
        return ""
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def phone_clean(value: str, *, field: str = "phone", label: str = "联系电话") -> str:
    """A mainland mobile (1[3-9] and 9 digits) or a landline with its area code, or a refusal."""
    text = (value or "").strip().replace(" ", "").replace("－", "-")
    if not text:
        return ""
    if MOBILE.match(text) or LANDLINE.match(text):
        return text
    raise refuse(
        field, f"{label}“{value}”格式不正确：应为11位手机号，或带区号的固定电话（如0994-2343036）"
    )
