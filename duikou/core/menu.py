"""The site menu, built from what the user may do (asked of the policy module).

A link appears only where its page would answer the user; the access walk
(core/tests/test_access_walk.py) holds the pages' own rules, and
core/tests/test_menu.py checks that every link shown answers."""

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from duikou import policy
from duikou.orgs.models import Membership


@dataclass(frozen=True)
class MenuItem:
    label: str
    url: str


@dataclass(frozen=True)
class MenuGroup:
    label: str
    items: tuple[MenuItem, ...]


def menu_for_user(user) -> list[MenuGroup]:
    """The groups and links the user sees; nothing for a visitor who has not signed in."""
    if not user.is_authenticated:
        return []
    scope = policy.scope_for(user)
    # Anyone with a role beyond the public account's: the background jobs they start
    # (reports, exports) are theirs to follow; the public account starts none.
    member = scope.writes_all or bool(scope.roles - {Membership.Role.PUBLIC})
    rights = Rights(
        public_only=policy.sees_nothing_internal(user),
        writer=policy.is_writer(user),
        member=member,
        publisher=policy.can_publish(user),
        history=policy.can_read_history(user),
        staff=user.is_staff,
    )
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return list(_menu(rights, get_language(), get_script_prefix(), urlconf))


@dataclass(frozen=True)
class Rights:
    """What decides the menu: users with the same rights see the same links."""

    public_only: bool
    writer: bool
    member: bool
    publisher: bool
    history: bool
    staff: bool


@lru_cache(maxsize=256)
def _menu(rights: Rights, language, prefix: str, urlconf) -> tuple[MenuGroup, ...]:
    """The menu for ``rights``, built once per language and URL prefix (every page shows it;
    its labels and links do not change while the process runs)."""
    writer, member = rights.writer, rights.member

    def entries(*pairs: tuple[bool, str, str]) -> tuple[MenuItem, ...]:
        return tuple(MenuItem(label, reverse(name)) for shown, label, name in pairs if shown)

    if rights.public_only:
        # The public account sees no ledger (its pages would show only zeros): the
        # published figures instead.
        return (
            MenuGroup(pgettext("menu", "公开"), entries((True, _("公开数据"), "public"))),
            MenuGroup(pgettext("menu", "管理"), entries((True, _("接口令牌"), "api_tokens:list"))),
        )
    groups = [
        MenuGroup(
            _("台账"),
            entries(
                (True, _("项目"), "projects:list"),
                (True, _("招商引资"), "investment:list"),
                (True, pgettext("menu", "援疆人员"), "people:batches"),
                (True, _("交流合作"), "exchanges:partnerships"),
                (True, pgettext("menu", "机构"), "orgs:list"),
                (True, pgettext("menu", "地区"), "geo:list"),
            ),
        ),
        MenuGroup(
            _("成效"),
            entries(
                (True, _("指标查询"), "web:explore"),
                (True, _("地图"), "web:map"),
                (True, pgettext("menu", "指标值"), "web:values"),
                (writer, _("指标填报"), "results:grid"),
                (writer, _("待提交"), "results:submissions"),
                (writer, _("审核"), "results:approvals"),
            ),
        ),
        MenuGroup(
            pgettext("menu", "数据"),
            entries(
                (writer, pgettext("menu", "导入"), "transfer:upload"),
                (True, _("导出与模板"), "transfer:index"),
                (writer, _("报道读取"), "ingest:list"),
            ),
        ),
        MenuGroup(
            pgettext("menu", "报告"),
            entries(
                (True, pgettext("menu", "报告"), "reports:list"),
                (True, _("合规检查"), "reports:compliance"),
                (True, _("公开数据"), "public"),
                (rights.publisher, _("数据发布"), "reports:publications"),
            ),
        ),
        MenuGroup(
            pgettext("menu", "管理"),
            entries(
                (rights.history, pgettext("menu", "审计"), "audit:list"),
                (rights.staff, _("管理后台"), "admin:index"),
                (True, _("接口令牌"), "api_tokens:list"),
                (member, _("后台任务"), "jobs:list"),
            ),
        ),
    ]
    return tuple(group for group in groups if group.items)
