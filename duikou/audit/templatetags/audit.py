from django import template

from duikou.audit.describe import describe_entries, kind_label

register = template.Library()


@register.simple_tag
def described(entries, with_records=False):
    """``{% described entries as rows %}``: each entry as lines a person reads
    (``audit.describe``), related names looked up once for the whole list."""
    return describe_entries(entries or [], with_records=with_records)


@register.filter
def kind_name(entity: str) -> str:
    """A record kind's Chinese name (``projects.project`` → 援疆项目)."""
    return kind_label(entity)
