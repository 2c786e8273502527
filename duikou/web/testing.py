"""Reading a page's forms in tests, as a browser would post them."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    """Each ``<form method="post">`` of a page: its action and the fields a browser sends,
    including fields elsewhere on the page that name the form by its id (``form="…"``)."""

    def __init__(self, *, choose: bool):
        super().__init__()
        self.choose = choose
        self.forms: list[dict] = []
        self._fields: dict | None = None
        self._by_id: dict[str, dict] = {}
        self._target: dict | None = None  # the fields of the form the open select fills
        self._textarea: str | None = None
        self._select: str | None = None
        self._first_option: str | None = None
        self._option: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "").lower() == "post":
            self._fields = self._by_id.setdefault(attrs["id"], {}) if attrs.get("id") else {}
            self.forms.append({"action": attrs.get("action", ""), "fields": self._fields})
        if tag == "option":
            if self._select:
                selected = "selected" in attrs
                self._option = {"value": attrs.get("value"), "text": "", "selected": selected}
            return
        fields = self._by_id.setdefault(attrs["form"], {}) if attrs.get("form") else self._fields
        if fields is None or "name" not in attrs:
            return
        if tag == "input" and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea, self._target = attrs["name"], fields
            fields[self._textarea] = ""
        elif tag == "select":
            self._select, self._first_option, self._target = attrs["name"], None, fields

    def handle_data(self, data):
        if self._textarea:
            self._target[self._textarea] += data
        elif self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "textarea" and self._textarea:
            # Browsers drop the newline that follows <textarea>, which Django renders.
            text = self._target[self._textarea]
            self._target[self._textarea] = text.removeprefix("\r\n").removeprefix("\n")
            self._textarea = None
        elif tag == "option" and self._option is not None:
            option, self._option = self._option, None
            value = option["text"].strip() if option["value"] is None else option["value"]
            if self._first_option is None and (value or not self.choose):
                self._first_option = value
            if option["selected"] and (value or not self.choose):
                self._target[self._select] = value
        elif tag == "select" and self._select:
            self._target.setdefault(self._select, self._first_option or "")
            self._select = None


def page_forms(page: str, *, choose: bool = False) -> list[dict]:
    """Each post form of ``page``: ``{"action": …, "fields": {name: value}}`` with what a
    browser sends untouched. With ``choose``, a select showing nothing or its empty choice
    takes its first option that has a value (a person picking one)."""
    reader = _FormReader(choose=choose)
    reader.feed(page)
    return reader.forms
