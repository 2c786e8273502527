from django import template

from duikou.audit.selectors import entry_changes

register = template.Library()


@register.filter
def changes(entry):
    """``{% for change in entry|changes %}``: field-level before → after of one entry."""
    return entry_changes(entry)
