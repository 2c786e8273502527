"""Reads for regions."""

from django.db.models import Q, QuerySet

from duikou.core.errors import refuse

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
