"""Template filters for how officials read figures: 万元/亿元, 2025年3月12日, percentages."""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from duikou.core.ledger_cache import ledger_cached, reader_key
from duikou.core.money import format_in_unit, format_money

register = template.Library()


@register.filter
def money(amount) -> str:
    """Yuan as 元 / 万元 / 亿元 (``—`` when unknown)."""
    if amount is None or amount == "":
        return "—"
    try:
        return format_money(Decimal(str(amount)))
    except InvalidOperation:
        return "—"


@register.filter
def in_unit(amount, unit: str) -> str:
    """Yuan in a column's unit (``wan``, ``yi``, ``yuan``; the header names it): 1,234.50."""
    if amount is None or amount == "":
        return "—"
    try:
        return format_in_unit(Decimal(str(amount)), unit)
    except InvalidOperation:
        return "—"


@register.filter
def cn_date(value) -> str:
    """2025年3月12日 in Chinese, 2025-03-12 otherwise."""
    if not value:
        return "—"
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        day = value.date()
        clock = value.strftime(" %H:%M")
    elif isinstance(value, date):
        day, clock = value, ""
    else:
        return str(value)
    if (get_language() or "zh-hans").startswith("zh"):
        return f"{day.year}年{day.month}月{day.day}日{clock}"
    return f"{day.isoformat()}{clock}"


@register.filter
def num(value) -> str:
    """A quantity with thousands separators and no trailing zeros (``—`` when unknown)."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if number == number.to_integral_value():
        return f"{number.quantize(Decimal(1)):,}"
    return f"{number.normalize():,f}"


@register.filter
def year(value) -> str:
    """A year as written on documents (2025), never with a thousands separator."""
    if value is None or value == "":
        return "—"
    try:
        return str(int(value))
    except (TypeError, ValueError):
        return str(value)


@register.filter
def pct(fraction) -> str:
    """A fraction (0.8123) as a percentage with one decimal (81.2%)."""
    if fraction is None:
        return "—"
    return f"{(Decimal(str(fraction)) * 100).quantize(Decimal('0.1'))}%"


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` for dicts in templates (None when absent)."""
    if mapping is None:
        return None
    return mapping.get(key)


@register.simple_tag(takes_context=True)
def sort_url(context, key: str) -> str:
    """The current list's address sorted by ``key``, reversing the order on a second click."""
    request = context["request"]
    params = request.GET.copy()
    current = params.get("sort", "")
    params["sort"] = f"-{key}" if current == key else key
    params.pop("page", None)
    return f"?{params.urlencode()}"


@register.simple_tag(takes_context=True)
def export_url(context, format: str) -> str:
    """The current list's address asking for every row as a file (``web.listing.list_export``)."""
    params = context["request"].GET.copy()
    params["format"] = format
    params.pop("page", None)
    return f"?{params.urlencode()}"


@register.simple_tag(takes_context=True)
def sort_mark(context, key: str) -> str:
    current = context["request"].GET.get("sort", "")
    if current == key:
        return " ▲"
    if current == f"-{key}":
        return " ▼"
    return ""


@register.filter
def changed_fields(entry) -> list[tuple[str, object, object]]:
    """The fields a change entry altered, as (field, before, after); all fields on creation."""
    before, after = entry.before or {}, entry.after or {}
    keys = list(dict.fromkeys([*after, *before]))
    skip = {"version", "updated_at", "created_at"}
    return [
        (k, before.get(k, ""), after.get(k, ""))
        for k in keys
        if k not in skip and before.get(k) != after.get(k)
    ]


@register.filter
def who(user) -> str:
    """A user's display name, or ``—`` for system changes."""
    if user is None:
        return "—"
    return user.first_name or user.username


@register.filter
def ind_name(indicator) -> str:
    """An indicator's name in the page's language (the English name when there is one)."""
    if (get_language() or "zh-hans").startswith("en") and indicator.name_en:
        return indicator.name_en
    return indicator.name_zh


@register.filter
def formula_words(indicator) -> str:
    """A derived indicator's formula with indicator names instead of codes."""
    from duikou.results.selectors import indicator_formula_words

    return indicator_formula_words(indicator=indicator)


@register.simple_tag
def once_field():
    """The one-time token of a create form (``web.once``)."""
    from django.utils.html import format_html

    from duikou.web.once import FIELD, once_token

    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, once_token())


_ID = 987654321  # a stand-in id, found once in the reversed pattern and replaced per row


@lru_cache(maxsize=256)
def _id_url_parts(name: str, prefix: str, urlconf: str, language) -> tuple[str, str] | None:
    url = reverse(name, args=[_ID], urlconf=urlconf)
    head, found, tail = url.partition(str(_ID))
    return (head, tail) if found and str(_ID) not in tail else None


@register.simple_tag
def id_url(name: str, pk) -> str:
    """``{% url name pk %}`` for a record's integer id, without resolving the pattern again
    for every row: a 50-row list links three records a row, and each full ``reverse``
    matched the URL patterns anew."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    parts = _id_url_parts(name, get_script_prefix(), urlconf, get_language())
    if parts is None or type(pk) is not int or pk < 0:
        return reverse(name, args=[pk])
    return f"{parts[0]}{pk}{parts[1]}"


class LedgerCacheNode(template.Node):
    def __init__(self, name: str, nodelist):
        self.name, self.nodelist = name, nodelist

    def render(self, context) -> str:
        request = context.get("request")
        user = getattr(request, "user", None)
        if request is None or not getattr(user, "is_authenticated", False):
            return self.nodelist.render(context)
        key = (
            "fragment",
            self.name,
            request.path,
            sorted(request.GET.lists()),
            reader_key(user),
        )
        return mark_safe(ledger_cached(key, lambda: self.nodelist.render(context)))  # noqa: S308 (rendered by the template)


@register.tag
def ledgercache(parser, token):
    """``{% ledgercache "name" %}…{% endledgercache %}``: the enclosed part as rendered for
    this page's path and query by this reader (core/ledger_cache.py), until the next ledger
    write. Only for parts that show ledger rows from the request's path, query and the
    reader's scope alone: no form that posts (its CSRF token is the session's), nothing
    about the one signed in beyond their scope."""
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "'\"":
        raise template.TemplateSyntaxError("ledgercache takes one quoted name")
    nodelist = parser.parse(("endledgercache",))
    parser.delete_first_token()
    return LedgerCacheNode(bits[1][1:-1], nodelist)
