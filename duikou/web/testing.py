"""Reading a page's forms in tests, as a browser would post them."""

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms, self._form, self._select = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action", ""), "fields": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "option" and self._select is not None:
            fields = self._form["fields"]
            if a.get("value") and (fields.get(self._select) is None or "selected" in a):
                fields[self._select] = a["value"]
        elif "name" not in a:
            return
        elif tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self._form["fields"][a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a["name"]
            self._form["fields"].setdefault(a["name"], None)
        elif tag == "textarea":
            self._form["fields"][a["name"]] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def page_forms(page: str) -> list[dict]:
    """Each form of ``page``: its ``action`` and the value of each field a browser would
    send untouched (checked boxes, selected or first options, hidden and text inputs; a
    select with no option is None)."""
    parser = _Forms()
    parser.feed(page)
    return parser.forms
