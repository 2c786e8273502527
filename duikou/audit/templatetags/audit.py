from django import template

from duikou.audit.describe import describe_entries, kind_label
from duikou.audit.selectors import entry_changes

register = template.Library()


@register.filter
def changes(entry):
    """``{% for change in entry|changes %}``: field-level before → after of one entry."""
    return entry_changes(entry)


@register.simple_tag
def described(entries, with_records=False):
    """``{% described entries as rows %}``: each entry as lines a person reads
    (``audit.describe``), related names looked up once for the whole list."""
    return describe_entries(entries or [], with_records=with_records)


@register.filter
def kind_name(entity: str) -> str:
    """A record kind's Chinese name (``projects.project`` → 援疆项目)."""
    return kind_label(entity)
