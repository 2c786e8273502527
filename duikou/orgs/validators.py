"""Checks of the identifiers an organisation may carry: the 统一社会信用代码 (GB 32100-2015)
and an IATI organisation identifier (registration-agency prefix from IATI's codelist)."""

from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from lxml import etree

# GB 32100-2015: 18 characters from this alphabet (no I, O, S, V, Z); the last one is a check
# character computed from the first 17 with these weights, modulo 31.
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
AGENCIES = (
    Path(__file__).resolve().parent.parent
    / "transfer"
    / "iati_data"
    / "codelists-nonembedded"
    / "OrganisationRegistrationAgency.xml"
)
# Identifiers outside the registration-agency list that IATI accepts as prefixes: the DAC's
# codes (XM-DAC) and IATI's own (XI-IATI).
OTHER_PREFIXES = ("XM-DAC", "XI-IATI")


def credit_check_character(first17: str) -> str:
    """The check character of a 统一社会信用代码 whose first 17 characters are ``first17``."""
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """Refuse a 统一社会信用代码 that is not 18 characters of the alphabet with a right check
    character, saying which of the three it is."""
    if len(value) != 18:
        raise ValidationError(
            f"统一社会信用代码应为 18 位，“{value}”是 {len(value)} 位", code="length"
        )
    wrong = [c for c in value if c not in CREDIT_ALPHABET]
    if wrong:
        raise ValidationError(
            f"统一社会信用代码“{value}”含有不允许的字符“{wrong[0]}”"
            "（只用数字和除 I、O、S、V、Z 以外的大写字母）",
            code="alphabet",
        )
    expected = credit_check_character(value[:17])
    if value[17] != expected:
        raise ValidationError(
            f"统一社会信用代码“{value}”的校验码不对：最后一位应为“{expected}”，请核对",
            code="checksum",
        )


@cache
def registration_agencies() -> frozenset[str]:
    """The codes of IATI's OrganisationRegistrationAgency codelist (active and withdrawn)."""
    tree = etree.parse(str(AGENCIES))
    return frozenset(code.text.strip() for code in tree.iter("code"))


def validate_iati_ref(value: str) -> None:
    """An IATI organisation identifier is ``{agency}-{number}`` with an agency from the
    codelist (CN-USCI, CN-COA, …); refuse anything else, naming the prefix read."""
    for prefix in OTHER_PREFIXES:
        if value.startswith(prefix + "-") and len(value) > len(prefix) + 1:
            return
    parts = value.split("-")
    if len(parts) >= 3 and "-".join(parts[:2]) in registration_agencies() and parts[2]:
        if " " in value:
            raise ValidationError(f"IATI 组织标识“{value}”不能含空格", code="spaces")
        return
    prefix = "-".join(parts[:2]) if len(parts) >= 2 else value
    raise ValidationError(
        f"IATI 组织标识“{value}”的前缀“{prefix}”不在 IATI 登记机构代码表中；"
        "应写成“登记机构代码-编号”，例如 CN-USCI-加统一社会信用代码、CN-COA-加预算单位编码",
        code="prefix",
    )
