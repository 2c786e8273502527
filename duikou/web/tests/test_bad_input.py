"""Bad input is answered with a 4xx (or the page with the bad part ignored), never a 5xx.

Every page of the read walk (``core/tests/test_access_walk.py``) is opened with each query
parameter it knows set to wrong types and sizes, and every form found on those pages is
posted with each field set to them, as a writer and as a read-only user. A page's
parameters are the fields of its GET forms, the parameters of its links back to itself
and the few every list reads; a form's fields are read from the page with html.parser.

Each parameter gets two of the bad values (taken in turn, so every value is tried on
every page), plus one request per bad value with all parameters bad at once: a full
cross product would take minutes and finds nothing more.
"""

from html.parser import HTMLParser
from itertools import cycle, islice
from types import SimpleNamespace
from urllib.parse import quote, urlsplit

import pytest
from django.test import Client

from duikou.core import testing
from duikou.core.tests.test_access_walk import RULES, _objects, _url
from duikou.orgs.models import Membership, Organisation

pytestmark = [pytest.mark.django_db, pytest.mark.sweep]  # tools/test-sweeps

RAW_FF = "%ff"  # sent as the raw bytes: a percent escape that is not UTF-8
BAD = (
    "abc",
    "-1",
    "99999999999999999999",
    "1e400",
    "\x00",
    "9" * 5000,
    RAW_FF,
    "[]",
    "²",  # a digit to str.isdigit(), not to int()
)
HUGE_ID = "99999999999999999999"
# Parameters every list page reads (web.listing), asked of every page.
COMMON = ("q", "page", "sort", "format", "org", "region", "year")
# Routes whose answer to a bad value is not about input: signing out, the language switch.
# readyz answers 503 by design while no worker runs (its failures are tested on their own).
SKIP_ROUTES = {"logout/", "i18n/setlang/", "account/otp/enrol/", "readyz"}
SKIP_ACTIONS = ("/logout/", "/i18n/setlang/", "/admin/")


@pytest.fixture
def world():
    """The read walk's objects of a Fujian team in 昌吉市: its reporter, the front command
    above that approves its values, and an auditor who may read everything."""
    command = testing.donor_org(
        parent=testing.donor_province("350000"),
        kind=Organisation.Kind.FRONT_COMMAND,
        base="652300",
    )
    team = testing.donor_org(parent=command, base="652301")
    writer = testing.user(role=Membership.Role.SUB_COMMAND, organisation=team)
    users = {
        "writer": writer,
        "approver": testing.user(role=Membership.Role.FRONT_COMMAND, organisation=command),
        "read_only": testing.user(role=Membership.Role.AUDITOR),
    }
    return {"users": users, "objects": _objects(team, "652301", writer), "publisher": command.code}


class _Page(HTMLParser):
    """The forms (method, action, fields with their default values) and links of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self.links: list[str] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {
                "method": a.get("method", "get").lower(),
                "action": a.get("action", ""),
                "multipart": "multipart" in a.get("enctype", ""),
                "fields": {},
            }
            self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                self._form["fields"].setdefault(a["name"], None)
            elif kind not in ("submit", "button", "image", "reset"):
                self._form["fields"][a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a["name"]
            self._form["fields"][a["name"]] = None
        elif tag == "option" and self._select:
            fields = self._form["fields"]
            if fields[self._select] is None or "selected" in a:
                fields[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form["fields"][a["name"]] = ""
        elif tag == "button" and a.get("value"):
            self._form["fields"].setdefault(a["name"], a["value"])

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _parse(response) -> _Page:
    page = _Page()
    if "html" in response.get("Content-Type", ""):
        page.feed(response.content.decode("utf-8", "replace"))
    return page


def _encode(pairs) -> str:
    return "&".join(
        f"{quote(name)}={value if value == RAW_FF else quote(value)}" for name, value in pairs
    )


def _variants(names, *, each: int, extra=(), most: int = 40) -> list[dict]:
    """Bad values for ``names``: all of them (and ``extra``) bad at once, one set per bad
    value; then each name alone with ``each`` bad values, taken in turn. Of a long form
    (the grid: two fields per indicator) ``most`` names, evenly spread, are tried alone."""
    names = sorted(names)
    sets = [dict.fromkeys([*names, *extra], value) for value in BAD]
    values = cycle(BAD)
    alone = names[:: -(-len(names) // most)] if names else []
    for name in alone:
        sets += [{name: value} for value in islice(values, each)]
    return sets


def _page_params(path: str, page: _Page) -> set[str]:
    """The parameters a page reads: its GET forms' fields and its links' to itself."""
    names = set()
    for form in page.forms:
        if form["method"] == "get" and urlsplit(form["action"]).path in ("", path):
            names |= set(form["fields"])
    for href in page.links:
        link = urlsplit(href)
        if link.path in ("", path) and link.query:
            names |= {part.partition("=")[0] for part in link.query.split("&")}
    return names - {""}


class Walk:
    """Requests as one user, remembering every 5xx."""

    def __init__(self, user):
        self.client = Client(enforce_csrf_checks=True, raise_request_exception=False)
        self.client.force_login(user)
        self.failures: list[str] = []
        self.forms: dict[tuple, tuple[str, dict]] = {}

    def _send(self, what: str, send):
        try:
            response = send()
        except Exception as error:  # even the error page failed: a bare 500 from the server
            self.failures.append(f"{error!r:.300} ← {what[:300]!r}")
            return None
        if response.status_code >= 500:
            error = response.exc_info[1] if response.exc_info else ""
            self.failures.append(f"{response.status_code} {error!r:.300} ← {what[:300]!r}")
        return response

    def get(self, url: str):
        return self._send(f"GET {url}", lambda: self.client.get(url))

    def post(self, url: str, fields: dict, *, multipart: bool = False, charset: str = ""):
        fields = {**fields, "csrfmiddlewaretoken": self.client.cookies["csrftoken"].value}
        pairs = [(k, v) for k, v in fields.items() if v is not None]
        if multipart:
            data = {k: v for k, v in pairs if v != RAW_FF}
            return self._send(f"POST {url} {pairs}", lambda: self.client.post(url, data))
        ctype = "application/x-www-form-urlencoded" + (f"; charset={charset}" if charset else "")
        body = _encode(pairs).encode()
        return self._send(
            f"POST {url} {charset} {pairs}",
            lambda: self.client.generic("POST", url, body, content_type=ctype),
        )

    def read(self, url: str) -> set[str]:
        """Open a page as it is: keep its forms, return the parameters it reads."""
        response = self.get(url)
        path = url.partition("?")[0]
        page = _parse(response) if response is not None else _Page()
        for form in page.forms:
            action = urlsplit(form["action"]).path or path
            if form["method"] == "post" and not action.startswith(SKIP_ACTIONS):
                fields = {k: v for k, v in form["fields"].items() if k != "csrfmiddlewaretoken"}
                key = (action, tuple(sorted(fields)))
                self.forms.setdefault(key, (action, fields, form["multipart"]))
        return _page_params(path, page)

    def fuzz(self, url: str, params: set[str], everywhere: set[str]) -> None:
        """The page with its own parameters bad, two values each, and with every
        parameter of the site bad at once."""
        path, _, query = url.partition("?")
        for bad in _variants(params, each=2, extra=everywhere - params):
            self.get(f"{path}?{'&'.join(filter(None, [query, _encode(bad.items())]))}")

    def form(self, action: str, fields: dict, multipart: bool) -> None:
        """The form with bad field values; its own values in other charsets."""
        self.get("/")  # a CSRF cookie
        for bad in _variants(fields, each=1, most=16):
            self.post(action, {**fields, **bad}, multipart=multipart)
        for charset in ("gb18030", "utf8"):
            self.post(action, fields, charset=charset)


def _pages(world) -> list[tuple[str, str]]:
    """(page, the same page for an object that cannot exist) for every page of the walk;
    routes that only take a POST are opened too (405, or the page they also show)."""
    pages = []
    for route, rule in sorted(RULES.items()):
        if route in SKIP_ROUTES or route.startswith("api/v1/"):
            continue
        obj = world["objects"].get(rule.obj) if rule.obj else None
        query = rule.query.format(pk=obj.pk if obj is not None else 0, publisher=world["publisher"])
        missing = _url(route, SimpleNamespace(pk=HUGE_ID)) if obj is not None else ""
        pages.append((_url(route, obj) + query, missing))
    return pages


@pytest.mark.parametrize("role", ["writer", "approver", "read_only"])
def test_bad_parameters_and_form_fields_never_fail_the_server(role, world):
    """Pages with bad parameters, and the forms the writer and the approver see with bad
    fields, posted by each role (a read-only user included). Every page also gets the
    parameters any page of the site reads, at once: a view may read one that its forms
    and links do not show."""
    walk = Walk(world["users"][role])
    pages = _pages(world)
    params = {url: walk.read(url) for url, _missing in pages}
    forms = dict(walk.forms)
    for other in ("writer", "approver"):
        if other != role:
            finder = Walk(world["users"][other])
            for url, _missing in pages:
                finder.read(url)
            forms = finder.forms | forms
    everywhere = set(COMMON).union(*params.values())
    for url, missing in pages:
        walk.fuzz(url, params[url], everywhere)
        if missing:
            walk.get(missing)
    assert len(forms) > 30, sorted(forms)  # the forms were found
    for action, fields, multipart in forms.values():
        walk.form(action, fields, multipart)
    assert not walk.failures, f"{len(walk.failures)} 个请求出错：\n" + "\n".join(walk.failures)


def test_a_filter_that_cannot_apply_is_ignored_and_the_page_says_so(client, portfolio):
    client.force_login(portfolio["writer"])
    page = client.get("/projects/", {"year": "abc", "county": "maybe", "sector": "infrastructure"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "筛选条件“year=abc”无效，已忽略" in text
    assert "筛选条件“county=maybe”无效，已忽略" in text
    # The filters that can apply still do.
    assert "昌吉州产业园道路" in text and "玛纳斯县人民医院改扩建" not in text
    rows = client.get("/projects/", {"county": "maybe"}, HTTP_HX_REQUEST="true")
    assert "筛选条件“county=maybe”无效" in rows.content.decode()  # the htmx rows say it too


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/projects/", "org"),
        ("/projects/", "region"),
        ("/people/members/", "batch"),
        ("/regions/", "parent"),
        ("/values/", "year"),
        ("/records/fund_transactions/", "year"),
    ],
)
def test_an_id_or_number_no_column_holds_is_ignored(client, portfolio, url, param):
    client.force_login(portfolio["national"])
    page = client.get(url, {param: HUGE_ID})
    assert page.status_code == 200
    assert f"筛选条件“{param}={HUGE_ID}”无效，已忽略" in page.content.decode()


def test_a_search_with_control_characters_reads_them_as_spaces(client, portfolio):
    client.force_login(portfolio["writer"])
    page = client.get("/projects/", {"q": "\x00医院\x1f"})
    assert page.status_code == 200
    assert "玛纳斯县人民医院改扩建" in page.content.decode()


def test_a_form_body_declared_in_another_charset_is_a_400_in_chinese(portfolio):
    """Django refuses such a body when it is read; its own 400 page read it again and
    failed. The CSRF check runs as in production."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(portfolio["writer"])
    client.get("/projects/new/")
    body = f"csrfmiddlewaretoken={client.cookies['csrftoken'].value}&name=%D6%D0"
    page = client.generic(
        "POST",
        "/projects/new/",
        body.encode(),
        content_type="application/x-www-form-urlencoded; charset=gb18030",
    )
    assert page.status_code == 400
    assert "表单须以 UTF-8 编码提交" in page.content.decode()
    assert "gb18030" in page.content.decode()


def _wsgi(method: str, path: str, query: str = "", body: bytes = b"", **headers):
    """One request through the project's WSGI application, as the server sends it."""
    from io import BytesIO

    from duikou.wsgi import application

    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
        **{key.upper(): value for key, value in headers.items()},
    }
    answer = {}
    chunks = application(environ, lambda status, _headers: answer.setdefault("status", status))
    return int(answer["status"].split()[0]), b"".join(chunks).decode()


def test_a_charset_that_is_no_text_codec_is_ignored_by_the_server():
    """``charset=base64`` is a codec Python has, but not of text: Django decoded the query
    string with it while building the request and failed before any page could answer."""
    status, _ = _wsgi(
        "GET", "/login/", "next=/projects/", CONTENT_TYPE="text/plain; charset=base64"
    )
    assert status == 200


def test_a_form_in_utf8_by_another_name_is_read_as_utf8(client, portfolio):
    from duikou.core.http import readable_charset

    assert readable_charset("UTF8") == readable_charset("utf_8") == "utf-8"
    assert readable_charset("gb18030") == "gb18030"
    assert readable_charset("base64") is None and readable_charset("no-such") is None
    status, page = _wsgi(
        "POST",
        "/login/",
        body=b"username=nobody&password=wrong",
        CONTENT_TYPE="application/x-www-form-urlencoded; charset=utf8",
    )
    assert status == 403  # read, and refused by the CSRF check like any form without a token
    assert "UTF-8" not in page


def test_a_member_changed_with_no_id_number_is_not_a_server_error(world, client):
    """Found by tools/fuzz-live: a blank id number reached the import kind as None."""
    from duikou.api.services import api_token_create

    member = world["objects"]["member"]
    raw = api_token_create(user=world["users"]["writer"], name="接口")[1]
    response = client.patch(
        f"/api/v1/members/{member.pk}",
        data={"id_number": None, "note": "改", "version": member.version},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 200, response.content
