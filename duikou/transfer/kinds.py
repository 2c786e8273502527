"""The record kinds that can be imported, exported and reached through the API.

Each kind is one declaration: its Chinese columns (which also head the template and the
export), the natural key that matches a row to a record, the scoped selector that lists
what a user may see, and the domain services that create and change records. Templates,
imports, exports and the JSON API all read the same declaration, so a column added here
appears everywhere at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from duikou.exchanges.models import (
    Event,
    EventKind,
    Partnership,
    PartnershipKind,
    SalesChannel,
    SalesRecord,
)
from duikou.geo.models import Region
from duikou.investment.models import Deal, FundsInPlace, Stage
from duikou.orgs.models import Organisation, Programme
from duikou.people.models import AidBatch, AidMember, Category, MentorPair, Sex, Term, Training
from duikou.projects.models import (
    FundSource,
    FundTransaction,
    ProgressReport,
    Project,
    Sector,
    Status,
    TransactionKind,
)
from duikou.results.models import Indicator, Value

from . import cells
from .cells import CellError
from .mapping import (
    ContextIndicator,
    Generated,
    OwnOrg,
    RegionFromText,
    TitleBatch,
    TitleMonth,
    TitleYear,
)


@dataclass(frozen=True)
class Column:
    """One column: API/field name, Chinese header, how cells are read, and what may change.

    ``type`` is one of text, int, amount, decimal, number, date, bool, choice, region, org,
    period or ref (another record named by its code or name, resolved by the kind).
    ``export_only`` columns are shown in exports and API reads but never imported.
    """

    key: str
    header: str
    type: str = "text"
    required: bool = False
    choices: type | None = None
    max_length: int | None = None
    help: str = ""
    editable: bool = True
    export_only: bool = False
    default: object = None
    width: int = 14

    @property
    def blank_value(self):
        if self.default is not None:
            return self.default
        return "" if self.type in ("text", "ref") else None


class Resolver:
    """Names and codes to records, cached for the length of one import or request."""

    def __init__(self, user):
        self.user = user
        self._regions: dict[str, Region] = {}
        self._orgs: dict[str, Organisation] = {}
        self._lookups = 0
        self._org_index: dict[str, list[Organisation]] | None = None
        self._refs: dict[tuple, object] = {}

    def region(self, raw) -> Region:
        return self.region_read(raw)[0]

    def region_read(self, raw) -> tuple[Region, str]:
        """A place and, when it was found inside a finer place (玛纳斯县塔西河乡), a warning."""
        from duikou.geo.selectors import region_find, region_in_text

        text = cells.text(raw)
        if text not in self._regions:
            try:
                self._regions[text] = (region_find(text=text), "")
            except ValidationError as error:
                found = region_in_text(text=text)
                if found is None:
                    raise CellError(
                        f"{error.messages[0]}；乡镇、村、园区等请连同所在县市一起写，"
                        "如“玛纳斯县塔西河乡”"
                    ) from None
                region, _name = found
                self._regions[text] = (
                    region,
                    f"“{text}”按{region.get_level_display()}“{region.name}”（{region.code}）导入，"
                    "原文记在具体地点中",
                )
        return self._regions[text]

    def org(self, raw) -> Organisation:
        text = cells.text(raw)
        if text not in self._orgs:
            self._lookups += 1
            if self._lookups == 20:  # a large file names many: read them all at once
                self._org_index = {}
                for org in Organisation.objects.all():
                    for name in {org.code, org.name, org.short_name} - {""}:
                        self._org_index.setdefault(name, []).append(org)
            if self._org_index is not None:
                by_code = [
                    o for o in self._org_index.get(text.upper(), []) if o.code == text.upper()
                ]
                found = (
                    by_code
                    or [o for o in self._org_index.get(text, []) if o.name == text]
                    or [o for o in self._org_index.get(text, []) if o.short_name == text]
                )
            else:
                found = list(Organisation.objects.filter(code=text.upper()))
            if not found and self._org_index is None:
                found = list(Organisation.objects.filter(name=text)) or list(
                    Organisation.objects.filter(short_name=text)
                )
            if not found:
                raise CellError(f"找不到机构“{text}”，请填写机构全称、简称或编码")
            if len(found) > 1:
                codes = "、".join(o.code for o in found[:5])
                raise CellError(f"机构“{text}”有多个匹配（{codes}），请填写机构编码")
            self._orgs[text] = found[0]
        return self._orgs[text]

    def owner_for(self, region: Region | None) -> Organisation | None:
        """The organisation a row is reported for when the file does not say: among those
        the user writes for, the one whose pairing covers the place, else the user's own."""
        from duikou.orgs.selectors import organisation_list_writable, pairing_covers

        if "writable" not in self._refs:
            self._refs["writable"] = list(organisation_list_writable(user=self.user)[:200])
        writable = self._refs["writable"]
        if region is not None:
            key = ("owner", region.pk)
            if key not in self._refs:
                from django.utils import timezone

                today = timezone.localdate()
                covering = [
                    o
                    for o in writable
                    if o.side == Organisation.Side.DONOR
                    and pairing_covers(donor=o, region=region, day=today)
                ]
                # The most specific organisation: one with no other covering one below it.
                deepest = [o for o in covering if not any(p.parent_id == o.pk for p in covering)]
                self._refs[key] = deepest[0] if len(deepest) == 1 else None
            if self._refs[key] is not None:
                return self._refs[key]
        from .mapping import _own_org

        return _own_org(self.user, writable)

    def new_code(self, kind, values: dict) -> str:
        """A fresh record code: the organisation's code, the year and a number."""
        org = values.get(kind.owner_column)
        prefix = getattr(org, "code", "") or "IMP"
        year = values.get("plan_year") or getattr(
            values.get("planned_start") or values.get("stage_date"), "year", ""
        )
        stem = f"{prefix}-{year}" if year else prefix
        taken = self._refs.setdefault(("codes", kind.key), set())
        existing = set(
            kind.model.objects.filter(code__startswith=f"{stem}-").values_list("code", flat=True)
        )
        n = 1
        while f"{stem}-{n:03d}" in existing or f"{stem}-{n:03d}" in taken:
            n += 1
        code = f"{stem}-{n:03d}"
        taken.add(code)
        return code

    def ref(self, key: tuple, find):
        """A cached lookup: ``find()`` returns the record or raises CellError."""
        if key not in self._refs:
            self._refs[key] = find()
        return self._refs[key]


def region_label(region: Region | None) -> str:
    """A region as exports write it: its name, or its code where the name is not unique."""
    if region is None:
        return ""
    return region.code if region.name in _ambiguous_region_names() else region.name


_AMBIGUOUS: dict[str, set[str]] = {}


def _ambiguous_region_names() -> set[str]:
    from django.db.models import Count

    if "names" not in _AMBIGUOUS:
        _AMBIGUOUS["names"] = set(
            Region.objects.values("name")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
            .values_list("name", flat=True)
        )
    return _AMBIGUOUS["names"]


def org_label(org: Organisation | None) -> str:
    return org.code if org is not None else ""


class Kind:
    """Base of the record kinds; subclasses declare columns and call their services."""

    key = ""
    label = ""
    model = None
    columns: list[Column] = []
    natural_key: tuple[str, ...] = ()
    append_only = False  # no update service: a changed row is refused, not applied
    # Columns of an append-only kind that a re-import may still correct: ``update`` applies
    # them through the kind's correction service, which keeps the reason in the history.
    correctable: tuple[str, ...] = ()
    personal = False  # holds names and ID numbers: only roles that may see personal data
    filters: dict[str, str] = {}  # query parameter → selector argument
    field_columns: dict[str, str] = {}  # service field name → column key, where they differ
    note_column = ""  # where "this amount was approximate" is written
    owner_column = "donor_org"  # the column naming who reports the record
    instructions = ""
    # How columns a file lacks are filled (``mapping.Derivation``), in order.
    derivations: list = []
    # Records named rather than coded: the column whose text finds a record in the
    # user's scope when the file has no code column; a new one gets a generated code.
    name_column = ""
    # Money columns where amounts all under 10,000 yuan look like 万元 typed under 元.
    large_amounts: tuple[str, ...] = ()
    # Where a place finer than a county is kept as written.
    location_column = ""
    # A start date column whose cell may hold a whole range (2023.02—2026.02), and the end
    # column the range's second date fills when the file has none of its own.
    date_pairs: dict[str, str | None] = {}
    # Yes/no columns a section heading answers (一、民生类项目): (word, value), first match wins.
    section_flags: dict[str, tuple[tuple[str, bool], ...]] = {}

    # Reading ---------------------------------------------------------------------------

    def queryset(self, user, **filters) -> QuerySet:
        raise NotImplementedError

    def owner_id(self, obj) -> int:
        return obj.donor_org_id

    def values_owner(self, values: dict) -> Organisation | None:
        return values.get("donor_org")

    # Columns ---------------------------------------------------------------------------

    def input_columns(self) -> list[Column]:
        found = self.__dict__.get("_inputs")
        if found is None:
            found = self.__dict__["_inputs"] = [c for c in self.columns if not c.export_only]
        return found

    def column(self, key: str) -> Column | None:
        key = self.field_columns.get(key, key)
        by_key = self.__dict__.get("_by_key")
        if by_key is None:
            by_key = self.__dict__["_by_key"] = {c.key: c for c in self.columns}
        return by_key.get(key)

    def header_for(self, field_name: str) -> str:
        column = self.column(field_name)
        return column.header if column else ""

    # Values of a record ----------------------------------------------------------------

    def current(self, obj, column: Column):
        return getattr(obj, column.key, None)

    def display(self, obj, column: Column):
        """The value an export shows: labels for codes, names for places."""
        value = self.current(obj, column)
        if column.type == "choice" and value:
            return str(column.choices(value).label)
        if column.type == "region":
            return region_label(value)
        if column.type == "org":
            return org_label(value)
        if column.type == "int" and value is None:
            return None
        return value

    def api_value(self, obj, column: Column):
        value = self.current(obj, column)
        if column.type in ("region", "org"):
            return value.code if value is not None else None
        if column.type == "amount" and value is not None:
            return format(value, "f")
        if column.type in ("decimal", "number") and value is not None:
            return format(Decimal(value).normalize(), "f")
        if column.type == "period" and value is not None:
            return value.label() if hasattr(value, "label") else str(value)
        return value

    def export_row(self, obj) -> dict:
        """What an export shows: ``display`` of every column and, beside an organisation's
        code, its name (``<key>__name``)."""
        row = {c.key: self.display(obj, c) for c in self.columns}
        for column in self.columns:
            if column.type == "org":
                org = self.current(obj, column)
                row[f"{column.key}__name"] = org.name if org is not None else ""
        return row

    def api_row(self, obj) -> dict:
        row = {"id": obj.pk, "version": getattr(obj, "version", 1)}
        row.update({c.key: self.api_value(obj, c) for c in self.columns})
        return row

    # Reading a row ---------------------------------------------------------------------

    def link(self, values: dict, resolver: Resolver) -> None:
        """Resolve ``ref`` columns in place; raise CellError via ``LinkError`` on failure."""

    def key_of(self, values: dict) -> tuple:
        return tuple(comparable(values.get(k)) for k in self.natural_key)

    def prepare(self, raw: dict, words: dict) -> list[str]:
        """Cells rewritten before they are read (a date range split in two); warnings."""
        notes = []
        for start, end in self.date_pairs.items():
            cell = raw.get(start)
            split = cells.day_range(cell) if isinstance(cell, str) else None
            if split is None:
                continue
            raw[start] = split[0]
            if end and cells.is_blank(raw.get(end)):
                raw[end] = split[1]
                notes.append(f"“{cell}”拆为{self.header_for(start)}和{self.header_for(end)}")
        return notes

    def derive(self, values: dict, mapping, resolver: Resolver) -> list[str]:
        """Apply the row-level rules of ``mapping.derived``; returns warnings."""
        warnings: list[str] = []
        if self.owner_column in mapping.derived and self.owner_column not in values:
            column = self.column(self.owner_column)
            if column is not None and column.type == "org":
                org = resolver.owner_for(values.get("region"))
                if org is not None:
                    values[self.owner_column] = org
        for hook in self.derivations:
            if isinstance(hook, RegionFromText) and hook.key in mapping.derived:
                if values.get(hook.key) is not None:
                    continue
                for source in hook.sources:
                    text = values.get(source) or ""
                    if not text:
                        continue
                    from duikou.geo.selectors import region_in_text

                    found = region_in_text(text=text)
                    if found is not None:
                        values[hook.key] = found[0]
                        warnings.append(
                            f"{self.header_for(hook.key)}按“{self.header_for(source)}”中的"
                            f"“{found[1]}”取为{found[0].name}"
                        )
                        break
        if (
            self.name_column
            and "code" not in mapping.mapped_keys()
            and values.get(self.name_column)
        ):
            self.name_match(values, resolver)
        return warnings

    def name_match(self, values: dict, resolver: Resolver) -> None:
        """A record named, not coded: the one of that name in the user's scope, or a new
        code. ``values["_matched"]`` says which, for the preview."""
        name = values[self.name_column]
        found = list(self.queryset(resolver.user).filter(**{self.name_column: name})[:2])
        if len(found) > 1:
            raise LinkError(self.name_column, f"您可见的范围内有多条名为“{name}”的记录，请填写编号")
        if found:
            values["code"] = found[0].code
            values["_matched"] = f"按名称匹配到已有记录 {found[0].code}"
            return
        values["code"] = resolver.new_code(self, values)
        values["_matched"] = f"新记录，生成编号 {values['code']}"

    def find(self, values: dict):
        raise NotImplementedError

    def same(self, obj, values: dict) -> bool:
        """Append-only kinds: whether a stored row with the row's key is this very row."""
        return True

    # Writing ---------------------------------------------------------------------------

    def create(self, values: dict, *, actor, source: str):
        raise NotImplementedError

    def update(self, obj, changes: dict, *, actor, source: str):
        raise NotImplementedError

    def changes(self, obj, values: dict) -> tuple[dict, list[str]]:
        """The fields whose new value differs, and the columns that differ but may not change."""
        changed, frozen = {}, []
        for column in self.input_columns():
            if column.key in self.natural_key or column.key not in values:
                continue
            new = values[column.key]
            if comparable(new) == comparable(self.current(obj, column)):
                continue
            if column.editable and (not self.append_only or column.key in self.correctable):
                changed[column.key] = new
            else:
                frozen.append(column.key)
        return changed, frozen


# The reason a correction made by re-importing a row carries in the history.
IMPORT_CORRECTION = "导入更正"


class LinkError(CellError):
    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


def comparable(value):
    if hasattr(value, "pk"):
        return ("pk", value.pk)
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value).normalize()
    if value is None:
        return None
    return value


def _find_one(queryset, message: str):
    found = list(queryset[:2])
    if not found:
        raise CellError(message)
    if len(found) > 1:
        raise CellError(message.replace("找不到", "有多个") + "，请写得更具体")
    return found[0]


def _by_code_or_name(queryset, text: str, what: str):
    """A record named by its code or, failing that, by its name in the user's scope."""
    found = list(queryset.filter(code=text)[:1])
    if found:
        return found[0]
    named = list(queryset.filter(name=text)[:2])
    if len(named) == 1:
        return named[0]
    if named:
        raise CellError(f"您可见的范围内有多个名为“{text}”的{what}，请填写{what}编号")
    raise CellError(f"找不到{what}“{text}”（按编号和名称都没有找到，或无权查看）")


def _scoped_project(resolver: Resolver, code: str) -> Project:
    from duikou.projects.selectors import project_list_for_user

    return resolver.ref(
        ("project", code),
        lambda: _by_code_or_name(project_list_for_user(user=resolver.user), code, "项目"),
    )


def _scoped_deal(resolver: Resolver, code: str) -> Deal:
    from duikou.investment.selectors import deal_list_for_user

    return resolver.ref(
        ("deal", code),
        lambda: _by_code_or_name(deal_list_for_user(user=resolver.user), code, "招商项目"),
    )


def _default_programme() -> Programme:
    programme = Programme.objects.order_by("start_date", "pk").first()
    if programme is None:
        raise ValidationError({"programme": "系统中还没有援助计划，请先加载参考数据"})
    return programme


# Projects ------------------------------------------------------------------------------

BUDGET_COLUMNS = {"budget_aid": "aid", "budget_local": "local", "budget_social": "social"}


class ProjectKind(Kind):
    key = "projects"
    label = "援疆项目"
    model = Project
    natural_key = ("code",)
    filters = {"year": "year", "status": "status", "q": "search"}
    field_columns = {"budgets": "budget_aid", "amount": "budget_aid"}
    name_column = "name"
    large_amounts = ("budget_aid", "budget_local", "budget_social")
    section_flags = {
        "is_livelihood": (("非民生", False), ("民生", True), ("产业", False), ("基础设施", False))
    }
    location_column = "location"
    derivations = [
        OwnOrg("donor_org"),
        TitleYear("plan_year"),
        Generated("code", "按项目名称在本人可见范围内匹配已有项目；没有的新建并生成编号"),
    ]
    instructions = (
        "每行一个项目，以“项目编号”识别；状态只在新建时生效，之后请在项目页面按流程变更。"
    )
    columns = [
        Column("code", "项目编号", required=True, max_length=40, editable=False),
        Column("name", "项目名称", required=True, max_length=200, width=30),
        Column("name_en", "英文名称", max_length=300),
        Column("description", "项目简介", width=30),
        Column("programme", "援助计划", type="ref", help="不填为对口援疆", editable=False),
        Column("donor_org", "实施援疆机构", type="org", required=True, help="机构全称、简称或编码"),
        Column("region", "项目地点", type="region", required=True, help="区划名称或代码"),
        Column("location", "具体地点", max_length=200, help="乡镇、村、园区等，可不填"),
        Column("sector", "行业领域", type="choice", choices=Sector, required=True),
        Column("is_livelihood", "民生项目", type="bool", default=False),
        Column(
            "status", "状态", type="choice", choices=Status, editable=False, default=Status.RESERVE
        ),
        Column("plan_year", "计划年度", type="int", help="不填为计划开工年份"),
        Column("planned_start", "计划开工", type="date", required=True),
        Column("planned_end", "计划完工", type="date", required=True),
        Column("budget_aid", "援疆资金计划（元）", type="amount"),
        Column("aid_release", "援疆资金下达（元）", type="amount", export_only=True),
        Column("aid_disburse", "援疆资金拨付（元）", type="amount", export_only=True),
        Column("aid_spend", "援疆资金支出（元）", type="amount", export_only=True),
        Column("budget_local", "地方配套计划（元）", type="amount"),
        Column("budget_social", "社会资金计划（元）", type="amount"),
        Column("donor_province", "援疆省市", type="org", export_only=True),
        Column("is_county_or_below", "县及县以下", type="bool", export_only=True),
        Column("out_of_pairing", "结对范围外", type="bool", export_only=True),
    ]

    def queryset(self, user, **filters):
        from duikou.projects.selectors import project_list_for_user, with_aid_moved

        projects = project_list_for_user(user=user, **filters).prefetch_related("budget_lines")
        return with_aid_moved(projects)

    def current(self, obj, column):
        if column.key in BUDGET_COLUMNS:
            source = BUDGET_COLUMNS[column.key]
            line = next((b for b in obj.budget_lines.all() if b.fund_source == source), None)
            return line.amount if line else None
        if column.key == "programme":
            return obj.programme
        return super().current(obj, column)

    def display(self, obj, column):
        if column.key == "programme":
            return obj.programme.name
        return super().display(obj, column)

    def api_value(self, obj, column):
        if column.key == "programme":
            return obj.programme.code
        return super().api_value(obj, column)

    def link(self, values, resolver):
        text = values.get("programme") or ""
        if not text:
            values["programme"] = resolver.ref(("programme", ""), _default_programme)
            return
        values["programme"] = resolver.ref(
            ("programme", text),
            lambda: _find_one(
                Programme.objects.filter(code=text) | Programme.objects.filter(name=text),
                f"找不到援助计划“{text}”",
            ),
        )

    def find(self, values):
        return self.queryset_all().filter(code=values["code"]).first()

    def queryset_all(self):
        return Project.objects.select_related("programme").prefetch_related("budget_lines")

    def create(self, values, *, actor, source):
        from duikou.projects.services import project_create

        budgets = {s: values[k] for k, s in BUDGET_COLUMNS.items() if values.get(k) is not None}
        return project_create(
            code=values["code"],
            name=values["name"],
            name_en=values.get("name_en", ""),
            description=values.get("description", ""),
            programme=values["programme"],
            donor_org=values["donor_org"],
            region=values["region"],
            location=values.get("location", ""),
            sector=values["sector"],
            is_livelihood=bool(values.get("is_livelihood")),
            status=values.get("status") or Status.RESERVE,
            plan_year=values.get("plan_year"),
            planned_start=values["planned_start"],
            planned_end=values["planned_end"],
            budgets=budgets,
            actor=actor,
            source=source,
        )

    def changes(self, obj, values):
        if values.get("plan_year") is None:
            values = {**values, "plan_year": obj.plan_year}
        return super().changes(obj, values)

    def update(self, obj, changes, *, actor, source):
        from duikou.projects.services import budget_set, project_update

        budgets = {k: changes.pop(k) for k in list(changes) if k in BUDGET_COLUMNS}
        if changes:
            obj = project_update(
                project=obj, version=obj.version, actor=actor, source=source, **changes
            )
        for key, amount in budgets.items():
            if amount is None:
                raise ValidationError({key: "资金计划不能通过导入清空，请在项目页面调整"})
            budget_set(
                project=obj,
                fund_source=BUDGET_COLUMNS[key],
                amount=amount,
                actor=actor,
                reason=source,
            )
        return obj


# Fund transactions ---------------------------------------------------------------------


class FundTransactionKind(Kind):
    owner_column = "project"
    key = "fund_transactions"
    label = "资金流水"
    model = FundTransaction
    append_only = True
    correctable = ("amount", "note")
    natural_key = ("project", "fund_source", "kind", "on", "reference")
    derivations = [OwnOrg("donor_org")]
    instructions = (
        "每行一笔下达、拨付或支出。已登记的流水按项目、资金来源、类型、日期和文号识别，"
        "重复导入不会重复登记；改正了金额或备注的行再次导入即更正该笔流水（记为“导入更正”）；"
        "日期、类型有误请在项目的资金流水页面更正或作废。"
    )
    columns = [
        Column("project", "项目编号", type="ref", required=True),
        Column("fund_source", "资金来源", type="choice", choices=FundSource, required=True),
        Column("kind", "类型", type="choice", choices=TransactionKind, required=True),
        Column("amount", "金额（元）", type="amount", required=True),
        Column("on", "日期", type="date", required=True),
        Column("reference", "文号/凭证", max_length=100),
        Column("note", "备注", width=24),
    ]
    note_column = "note"

    def queryset(self, user, **filters):
        from duikou.projects.selectors import project_list_for_user

        projects = project_list_for_user(user=user).values("pk")
        return FundTransaction.objects.filter(project__in=projects).select_related("project")

    def owner_id(self, obj):
        return obj.project.donor_org_id

    def values_owner(self, values):
        return values["project"].donor_org

    def current(self, obj, column):
        if column.key == "project":
            return obj.project
        return Kind.current(self, obj, column)

    def display(self, obj, column):
        if column.key == "project":
            return obj.project.code
        return Kind.display(self, obj, column)

    def api_value(self, obj, column):
        if column.key == "project":
            return obj.project.code
        return Kind.api_value(self, obj, column)

    def link(self, values, resolver):
        try:
            values["project"] = _scoped_project(resolver, values["project"])
        except CellError as error:
            raise LinkError("project", str(error)) from None

    def candidates(self, values):
        return FundTransaction.objects.filter(
            project=values["project"],
            fund_source=values["fund_source"],
            kind=values["kind"],
            on=values["on"],
            reference=values.get("reference", ""),
        ).select_related("project")

    def find(self, values):
        return list(self.candidates(values).order_by("pk"))

    def same(self, obj, values) -> bool:
        return obj.amount == values["amount"]

    def create(self, values, *, actor, source):
        from duikou.projects.services import fund_transaction_create

        return fund_transaction_create(
            project=values["project"],
            fund_source=values["fund_source"],
            kind=values["kind"],
            amount=values["amount"],
            on=values["on"],
            reference=values.get("reference", ""),
            note=values.get("note", ""),
            actor=actor,
            source=source,
        )

    def update(self, obj, changes, *, actor, source):
        from duikou.projects.services import fund_transaction_correct

        return fund_transaction_correct(
            record=obj,
            version=obj.version,
            reason=IMPORT_CORRECTION,
            actor=actor,
            source=source,
            **changes,
        )


# Progress reports ----------------------------------------------------------------------


class ProgressReportKind(Kind):
    owner_column = "project"
    key = "progress_reports"
    label = "月调度"
    model = ProgressReport
    natural_key = ("project", "year", "month")
    derivations = [TitleMonth("year", "year"), TitleMonth("month", "month")]
    instructions = "每个项目每月一行；同一项目同一月份再次导入即更正该月的填报。"
    columns = [
        Column("project", "项目编号", type="ref", required=True),
        Column("year", "年", type="int", required=True),
        Column("month", "月", type="int", required=True),
        Column("percent_complete", "形象进度（%）", type="decimal", required=True),
        Column("amount_spent", "累计支出（元）", type="amount", required=True),
        Column("problems", "存在问题", width=30),
    ]

    owner_id = FundTransactionKind.owner_id
    values_owner = FundTransactionKind.values_owner
    current = FundTransactionKind.current
    display = FundTransactionKind.display
    link = FundTransactionKind.link

    def api_value(self, obj, column):
        if column.key == "project":
            return obj.project.code
        return Kind.api_value(self, obj, column)

    def queryset(self, user, **filters):
        from duikou.projects.selectors import project_list_for_user

        projects = project_list_for_user(user=user).values("pk")
        return ProgressReport.objects.filter(project__in=projects).select_related("project")

    def find(self, values):
        return (
            ProgressReport.objects.filter(
                project=values["project"], year=values["year"], month=values["month"]
            )
            .select_related("project")
            .first()
        )

    def create(self, values, *, actor, source):
        from duikou.projects.services import progress_report_submit

        return progress_report_submit(
            project=values["project"],
            year=values["year"],
            month=values["month"],
            percent_complete=values["percent_complete"],
            amount_spent=values["amount_spent"],
            problems=values.get("problems", ""),
            actor=actor,
        )

    def update(self, obj, changes, *, actor, source):
        values = {c.key: self.current(obj, c) for c in self.input_columns()}
        values.update(changes)
        return self.create(values, actor=actor, source=source)


# Deals ---------------------------------------------------------------------------------


class DealKind(Kind):
    key = "deals"
    label = "招商引资项目"
    model = Deal
    natural_key = ("code",)
    filters = {"stage": "stage", "year": "signed_year", "q": "search"}
    name_column = "name"
    large_amounts = ("planned_investment", "signed_amount")
    location_column = "location"
    derivations = [
        OwnOrg("donor_org"),
        Generated("code", "按项目名称在本人可见范围内匹配已有招商项目；没有的新建并生成编号"),
    ]
    instructions = "每行一个招商项目，以“项目编号”识别；阶段只在新建时生效，之后请在页面推进。"
    columns = [
        Column("code", "项目编号", required=True, max_length=40, editable=False),
        Column("name", "项目名称", required=True, max_length=200, width=30),
        Column("enterprise", "投资企业", required=True, max_length=200, width=24),
        Column("industry", "所属行业", max_length=64),
        Column("industry_chain", "产业链", max_length=64),
        Column("industrial_park", "入驻园区", max_length=128),
        Column("description", "项目简介", width=30),
        Column("donor_org", "引进援疆机构", type="org", required=True),
        Column("region", "落地地点", type="region", required=True),
        Column("location", "具体地点", max_length=200, help="乡镇、园区等，可不填"),
        Column("stage", "阶段", type="choice", choices=Stage, editable=False, default=Stage.LEAD),
        Column("stage_date", "阶段日期", type="date", required=True, editable=False),
        Column("planned_investment", "计划投资额（元）", type="amount"),
        Column("signed_amount", "签约金额（元）", type="amount"),
        Column("jobs_expected", "预计带动就业（人）", type="int", default=0),
        Column("signed_on", "签约日期", type="date", export_only=True),
        Column("jobs_created", "累计吸纳就业（人）", type="int", export_only=True),
    ]

    def queryset(self, user, **filters):
        from duikou.investment.selectors import deal_list_for_user

        return deal_list_for_user(user=user, **filters)

    # Milestone date columns an office keeps instead of one stage date (时间节点 / 签约时间…).
    milestones = {
        Stage.LEAD: ("对接时间", "接洽时间", "线索时间"),
        Stage.RESERVE: ("储备时间", "入库时间"),
        Stage.NEGOTIATING: ("洽谈时间", "对接时间", "在谈时间"),
        Stage.SIGNED: ("签约时间", "签约日期"),
        Stage.STARTED: ("开工时间", "开工日期"),
        Stage.PRODUCING: ("投产时间", "投产日期"),
    }

    def prepare(self, raw, words):
        """With milestone columns, the stage date is the date of the row's own stage."""
        notes = super().prepare(raw, words)
        dates = raw.pop("_milestones", None)
        if not dates or not cells.is_blank(raw.get("stage_date")):
            return notes
        from .tables import normal

        word = normal(raw.get("stage"))
        stage = (words.get("stage") or {}).get(word) or next(
            (code for code, label in Stage.choices if normal(label) == word or code == word), None
        )
        for header in self.milestones.get(stage, ()):
            if header in dates and not cells.is_blank(dates[header]):
                raw["stage_date"] = dates[header]
                notes.append(f"阶段日期取“{header}”")
                break
        return notes

    def find(self, values):
        return Deal.objects.filter(code=values["code"]).first()

    def create(self, values, *, actor, source):
        from duikou.investment.services import deal_create

        fields = {c.key: values.get(c.key, c.blank_value) for c in self.input_columns()}
        return deal_create(**fields, actor=actor, source=source)

    def update(self, obj, changes, *, actor, source):
        from duikou.investment.services import deal_update

        return deal_update(deal=obj, version=obj.version, actor=actor, source=source, **changes)


class FundsInPlaceKind(Kind):
    owner_column = "deal"
    key = "funds_in_place"
    label = "到位资金"
    model = FundsInPlace
    append_only = True
    correctable = ("amount", "note")
    natural_key = ("deal", "on", "reference")
    note_column = "note"
    instructions = (
        "每行一笔到位资金；按招商项目、日期和凭证识别，重复导入不会重复登记；"
        "改正了金额或备注的行再次导入即更正该笔到位资金（记为“导入更正”），"
        "日期有误请在招商项目页面更正或作废。"
    )
    columns = [
        Column("deal", "招商项目编号", type="ref", required=True),
        Column("amount", "到位金额（元）", type="amount", required=True),
        Column("on", "到位日期", type="date", required=True),
        Column("reference", "凭证", max_length=100),
        Column(
            "confirm_over_signed",
            "确认超过签约金额",
            type="bool",
            default=False,
            help="累计到位超过签约金额且属实时填“是”",
        ),
        Column("note", "备注", width=24),
    ]

    def queryset(self, user, **filters):
        from duikou.investment.selectors import deal_list_for_user

        deals = deal_list_for_user(user=user).values("pk")
        return FundsInPlace.objects.filter(deal__in=deals).select_related("deal")

    def owner_id(self, obj):
        return obj.deal.donor_org_id

    def values_owner(self, values):
        return values["deal"].donor_org

    def current(self, obj, column):
        if column.key == "deal":
            return obj.deal
        if column.key == "confirm_over_signed":
            return obj.over_signed
        return super().current(obj, column)

    def display(self, obj, column):
        if column.key == "deal":
            return obj.deal.code
        return super().display(obj, column)

    def api_value(self, obj, column):
        if column.key == "deal":
            return obj.deal.code
        return super().api_value(obj, column)

    def link(self, values, resolver):
        try:
            values["deal"] = _scoped_deal(resolver, values["deal"])
        except CellError as error:
            raise LinkError("deal", str(error)) from None

    def find(self, values):
        return list(
            FundsInPlace.objects.filter(
                deal=values["deal"], on=values["on"], reference=values.get("reference", "")
            )
            .select_related("deal")
            .order_by("pk")
        )

    def same(self, obj, values) -> bool:
        return obj.amount == values["amount"]

    def changes(self, obj, values):
        values = {k: v for k, v in values.items() if k != "confirm_over_signed"}
        return super().changes(obj, values)

    def create(self, values, *, actor, source):
        from duikou.investment.services import deal_record_funds_in_place

        return deal_record_funds_in_place(
            deal=values["deal"],
            amount=values["amount"],
            on=values["on"],
            confirm_over_signed=bool(values.get("confirm_over_signed")),
            reference=values.get("reference", ""),
            note=values.get("note", ""),
            actor=actor,
            source=source,
        )

    def update(self, obj, changes, *, actor, source):
        from duikou.investment.services import funds_in_place_correct

        return funds_in_place_correct(
            record=obj,
            version=obj.version,
            reason=IMPORT_CORRECTION,
            actor=actor,
            source=source,
            **changes,
        )


# People --------------------------------------------------------------------------------


class BatchKind(Kind):
    key = "batches"
    label = "援疆批次"
    model = AidBatch
    natural_key = ("donor_org", "name")
    filters = {"term": "term"}
    derivations = [OwnOrg("donor_org")]
    date_pairs = {"term_start": "term_end"}
    instructions = "每行一个批次，按选派机构和批次名称识别；名称不填时为“第N批”。"
    columns = [
        Column("donor_org", "选派机构", type="org", required=True),
        Column("number", "批次", type="int", required=True, editable=False, help="第N批的N"),
        Column("name", "名称", max_length=128, width=24),
        Column("term", "类型", type="choice", choices=Term, default=Term.LONG, editable=False),
        Column("region", "受援地", type="region"),
        Column("term_start", "开始日期", type="date", required=True),
        Column("term_end", "结束日期", type="date"),
        Column("note", "备注", width=24),
    ]

    def queryset(self, user, **filters):
        from duikou.people.selectors import batch_list_for_user

        return batch_list_for_user(user=user, **filters)

    def prepare(self, raw, words):
        """批次 written as 第十一批 or 2025年第一批柔性援疆: the number from it, the text as
        the batch's name."""
        from .mapping import cn_number

        notes = super().prepare(raw, words)
        cell = raw.get("number")
        if isinstance(cell, str) and not cell.strip().isdigit():
            import re

            found = re.search(r"第\s*([一二三四五六七八九十]+|\d+)\s*批", cell)
            if found and cn_number(found[1]):
                if cells.is_blank(raw.get("name")):
                    raw["name"] = cell.strip()
                raw["number"] = cn_number(found[1])
        return notes

    def key_of(self, values):
        if not values.get("name") and values.get("number"):
            long = values.get("term", Term.LONG) == Term.LONG
            values["name"] = f"第{values['number']}批" + ("" if long else "柔性援疆")
        return super().key_of(values)

    def find(self, values):
        self.key_of(values)
        return AidBatch.objects.filter(donor_org=values["donor_org"], name=values["name"]).first()

    def create(self, values, *, actor, source):
        from duikou.people.services import batch_create

        fields = {c.key: values.get(c.key, c.blank_value) for c in self.input_columns()}
        return batch_create(**fields, actor=actor, source=source)

    def update(self, obj, changes, *, actor, source):
        from duikou.people.services import batch_update

        return batch_update(batch=obj, version=obj.version, actor=actor, source=source, **changes)


def _batch(resolver: Resolver, org: Organisation | None, name: str) -> AidBatch:
    query = AidBatch.objects.filter(name=name)
    if org is not None:
        query = query.filter(donor_org=org)
    return resolver.ref(
        ("batch", org.pk if org else None, name),
        lambda: _find_one(query, f"找不到批次“{name}”"),
    )


class MemberKind(Kind):
    key = "members"
    label = "援疆人员"
    model = AidMember
    personal = True
    natural_key = ("donor_org", "batch", "name")
    filters = {"category": "category"}
    derivations = [
        OwnOrg("donor_org"),
        TitleBatch("batch"),
        RegionFromText("region", ("host_org_name", "post", "home_organisation")),
    ]
    instructions = (
        "每行一名援疆人员，按选派机构、批次和姓名识别。导出的身份证号已打码，"
        "原样导入时不会改动已登记的号码。"
    )
    columns = [
        Column("donor_org", "选派机构", type="org", required=True),
        Column("batch", "所属批次", type="ref", help="批次名称，如“第十一批”"),
        Column("name", "姓名", required=True, max_length=64),
        Column("sex", "性别", type="choice", choices=Sex, required=True),
        Column("category", "人员类别", type="choice", choices=Category, required=True),
        Column("home_organisation", "派出单位", max_length=128),
        Column("post", "援疆职务", max_length=128),
        Column("role", "队内角色", max_length=64),
        Column("phone", "联系电话", max_length=24),
        Column("id_number", "身份证号", type="idno", max_length=18, width=22),
        Column("host_org_name", "受援单位名称", max_length=128),
        Column("region", "服务地", type="region", required=True),
        Column("note", "备注", width=24),
    ]

    # A 类别 cell that names the term (柔性, 长期) says nothing of the person's category; the
    # host unit and post then do, as a clerk reads them: (words, category), first match wins.
    TERM_WORDS = ("柔性", "柔性援疆", "长期", "短期", "长期援疆")
    CATEGORY_HINTS = (
        (("医院", "卫生院", "医疗", "诊所", "疾控", "科主任", "医师", "护"), Category.DOCTOR),
        (("学校", "中学", "小学", "幼儿园", "学院", "大学", "教师", "校长"), Category.TEACHER),
        (("农业", "技术", "推广", "站", "研究"), Category.TECHNICIAN),
        (("人民政府", "委员会", "局", "党委", "办公室", "县委", "市委", "州委"), Category.CADRE),
    )

    def prepare(self, raw, words):
        """挂职单位及职务 "昌吉州人民医院 副院长": the unit and the post, when the file has
        no post column of its own. A 类别 of 柔性 (a term, not a category): the category
        from the unit and post, with a warning."""
        notes = super().prepare(raw, words)
        host = raw.get("host_org_name")
        if isinstance(host, str) and cells.is_blank(raw.get("post")):
            parts = host.strip().replace("\u3000", " ").rsplit(" ", 1)
            if len(parts) == 2 and parts[0].strip() and parts[1].strip():
                raw["host_org_name"], raw["post"] = parts[0].strip(), parts[1].strip()
        category = raw.get("category")
        if isinstance(category, str) and category.strip() in self.TERM_WORDS:
            text = f"{raw.get('host_org_name') or ''}{raw.get('post') or ''}"
            found = next(
                (c for hints, c in self.CATEGORY_HINTS if any(h in text for h in hints)), None
            )
            if found is not None:
                raw["category"] = str(found.label)
                notes.append(
                    f"人员类别“{category}”是援疆方式而不是人员类别，按“{text}”取为{found.label}，请核对"
                )
        return notes

    def queryset(self, user, **filters):
        from duikou.people.selectors import member_list_for_user

        return member_list_for_user(user=user, **filters)

    def current(self, obj, column):
        if column.key == "batch":
            return obj.batch
        return super().current(obj, column)

    def display(self, obj, column):
        if column.key == "batch":
            return obj.batch.name if obj.batch else ""
        if column.key == "id_number":
            return obj.id_number_masked
        return super().display(obj, column)

    api_value = display

    def link(self, values, resolver):
        name = values.get("batch") or ""
        if "*" in (values.get("id_number") or ""):  # a blank one comes as None
            del values["id_number"]  # a masked number stands for the one on file
        try:
            values["batch"] = _batch(resolver, values.get("donor_org"), name) if name else None
        except CellError as error:
            raise LinkError("batch", str(error)) from None

    def find(self, values):
        return AidMember.objects.filter(
            donor_org=values["donor_org"], batch=values.get("batch"), name=values["name"]
        ).first()

    def create(self, values, *, actor, source):
        from duikou.people.services import member_create

        fields = {c.key: values.get(c.key, c.blank_value) for c in self.input_columns()}
        return member_create(**fields, actor=actor, source=source)

    def update(self, obj, changes, *, actor, source):
        from duikou.people.services import member_update

        return member_update(member=obj, version=obj.version, actor=actor, source=source, **changes)


class MentorPairKind(Kind):
    owner_column = "mentor"
    key = "mentor_pairs"
    label = "师带徒"
    model = MentorPair
    personal = True
    natural_key = ("mentor", "apprentice_name", "start")
    instructions = "每行一对师徒，按师傅、徒弟姓名和结对日期识别；师傅须已登记为援疆人员。"
    columns = [
        Column("mentor", "师傅姓名", type="ref", required=True),
        Column("mentor_batch", "师傅所属批次", type="ref", help="师傅重名时填写"),
        Column("apprentice_name", "徒弟姓名", required=True, max_length=64),
        Column(
            "apprentice_id_number",
            "徒弟身份证号",
            type="idno",
            max_length=18,
            editable=False,
            width=22,
        ),
        Column("apprentice_institution", "徒弟所在单位", required=True, max_length=128),
        Column("region", "所在地", type="region"),
        Column("field", "专业领域", required=True, max_length=64),
        Column("start", "结对日期", type="date", required=True),
        Column("end", "结束日期", type="date"),
        Column("can_do_alone", "徒弟已能独立完成", width=30),
    ]

    def queryset(self, user, **filters):
        from duikou.people.selectors import mentor_pair_list_for_user

        return mentor_pair_list_for_user(user=user, **filters)

    def owner_id(self, obj):
        return obj.mentor.donor_org_id

    def values_owner(self, values):
        return values["mentor"].donor_org

    def current(self, obj, column):
        if column.key == "mentor":
            return obj.mentor
        if column.key == "mentor_batch":
            return obj.mentor.batch.name if obj.mentor.batch else ""
        return super().current(obj, column)

    def display(self, obj, column):
        if column.key == "mentor":
            return obj.mentor.name
        if column.key == "apprentice_id_number":
            return obj.apprentice_id_number_masked
        return super().display(obj, column)

    api_value = display

    def link(self, values, resolver):
        from duikou.people.selectors import member_list_for_user

        if "*" in (values.get("apprentice_id_number") or ""):
            del values["apprentice_id_number"]
        name, batch = values["mentor"], values.get("mentor_batch") or ""
        query = member_list_for_user(user=resolver.user).filter(name=name)
        if batch:
            query = query.filter(batch__name=batch)
        try:
            values["mentor"] = resolver.ref(
                ("mentor", name, batch),
                lambda: _find_one(query, f"找不到援疆人员“{name}”"),
            )
        except CellError as error:
            raise LinkError("mentor", str(error)) from None

    def find(self, values):
        return (
            MentorPair.objects.filter(
                mentor=values["mentor"],
                apprentice_name=values["apprentice_name"],
                start=values["start"],
            )
            .select_related("mentor", "mentor__batch")
            .first()
        )

    def changes(self, obj, values):
        return super().changes(obj, {k: v for k, v in values.items() if k != "mentor_batch"})

    def create(self, values, *, actor, source):
        from duikou.people.services import mentor_pair_create

        fields = {
            c.key: values.get(c.key, c.blank_value)
            for c in self.input_columns()
            if c.key != "mentor_batch"
        }
        return mentor_pair_create(**fields, actor=actor, source=source)

    def update(self, obj, changes, *, actor, source):
        from duikou.people.services import mentor_pair_update

        return mentor_pair_update(
            pair=obj, version=obj.version, actor=actor, source=source, **changes
        )


class TrainingKind(Kind):
    owner_column = "organiser"
    key = "trainings"
    label = "培训与考察"
    model = Training
    natural_key = ("organiser", "title", "start")
    filters = {"kind": "kind", "year": "year"}
    derivations = [OwnOrg("organiser")]
    date_pairs = {"start": None}
    instructions = "每行一次培训或考察，按组织机构、名称和开始日期识别。"
    columns = [
        Column("title", "名称", required=True, max_length=200, width=30),
        Column("kind", "类型", type="choice", choices=Training.Kind, required=True, editable=False),
        Column(
            "direction",
            "方式",
            type="choice",
            choices=Training.Direction,
            required=True,
            editable=False,
        ),
        Column("organiser", "组织机构", type="org", required=True),
        Column("region", "学员所在地", type="region"),
        Column("place", "举办地点", required=True, max_length=128),
        Column("start", "开始日期", type="date", required=True),
        Column("days", "天数", type="int", required=True),
        Column("participants", "参加人数", type="int", required=True),
        Column("note", "备注", width=24),
    ]

    def queryset(self, user, **filters):
        from duikou.people.selectors import training_list_for_user

        return training_list_for_user(user=user, **filters)

    def owner_id(self, obj):
        return obj.organiser_id

    def values_owner(self, values):
        return values["organiser"]

    def find(self, values):
        return Training.objects.filter(
            organiser=values["organiser"], title=values["title"], start=values["start"]
        ).first()

    def create(self, values, *, actor, source):
        from duikou.people.services import training_create

        fields = {c.key: values.get(c.key, c.blank_value) for c in self.input_columns()}
        return training_create(**fields, actor=actor, source=source)

    def update(self, obj, changes, *, actor, source):
        from duikou.people.services import training_update

        return training_update(
            training=obj, version=obj.version, actor=actor, source=source, **changes
        )


# Exchanges -----------------------------------------------------------------------------


class PartnershipKind_(Kind):
    key = "partnerships"
    label = "合作共建"
    model = Partnership
    natural_key = ("code",)
    filters = {"kind": "kind"}
    derivations = [OwnOrg("donor_org")]
    instructions = "每行一项合作（医联体、学校结对等），以“编号”识别。"
    columns = [
        Column("code", "编号", required=True, max_length=40, editable=False),
        Column("kind", "类型", type="choice", choices=PartnershipKind, required=True),
        Column("donor_party_name", "援方单位", required=True, max_length=128, width=24),
        Column("local_party_name", "受援方单位", required=True, max_length=128, width=24),
        Column("donor_org", "援疆机构", type="org", required=True),
        Column("region", "所在地", type="region", required=True),
        Column("signed_on", "建立日期", type="date", required=True, editable=False),
        Column("planned_end", "约定截止日期", type="date"),
        Column("note", "说明", width=24),
        Column("status", "状态", type="choice", choices=Partnership.Status, export_only=True),
    ]

    def queryset(self, user, **filters):
        from duikou.exchanges.selectors import partnership_list_for_user

        return partnership_list_for_user(user=user, **filters)

    def find(self, values):
        return Partnership.objects.filter(code=values["code"]).first()

    def create(self, values, *, actor, source):
        from duikou.exchanges.services import partnership_create

        fields = {c.key: values.get(c.key, c.blank_value) for c in self.input_columns()}
        return partnership_create(**fields, actor=actor, source=source)

    def update(self, obj, changes, *, actor, source):
        from duikou.exchanges.services import partnership_update

        return partnership_update(
            partnership=obj, version=obj.version, actor=actor, source=source, **changes
        )


class EventKind_(Kind):
    owner_column = "organiser"
    key = "events"
    label = "交流活动"
    model = Event
    natural_key = ("code",)
    filters = {"kind": "kind", "year": "year"}
    derivations = [OwnOrg("organiser")]
    date_pairs = {"on": "end_on"}
    instructions = "每行一场活动（研学、展销会、义诊等），以“编号”识别；成效可在之后补充导入。"
    columns = [
        Column("code", "编号", required=True, max_length=40, editable=False),
        Column("kind", "类型", type="choice", choices=EventKind, required=True),
        Column("title", "名称", required=True, max_length=200, width=30),
        Column("on", "日期", type="date", required=True),
        Column("end_on", "结束日期", type="date"),
        Column("place", "举办地点", required=True, max_length=128),
        Column("region", "服务地区", type="region"),
        Column("organiser", "组织机构", type="org", required=True, editable=False),
        Column("participants", "参加人数", type="int", default=0),
        Column("exhibitors", "参展企业（家）", type="int", default=0),
        Column("deals_signed", "签约/合作项目（个）", type="int", default=0),
        Column("amount_traded", "成交金额（元）", type="amount", default=Decimal("0.00")),
        Column("intended_orders", "意向订单金额（元）", type="amount", default=Decimal("0.00")),
        Column("people_served", "服务群众（人次）", type="int", default=0),
        Column("medicine_value", "赠送药品价值（元）", type="amount", default=Decimal("0.00")),
        Column("note", "说明", width=24),
    ]
    note_column = "note"

    def queryset(self, user, **filters):
        from duikou.exchanges.selectors import event_list_for_user

        return event_list_for_user(user=user, **filters)

    owner_id = TrainingKind.owner_id
    values_owner = TrainingKind.values_owner

    def find(self, values):
        return Event.objects.filter(code=values["code"]).first()

    def create(self, values, *, actor, source):
        from duikou.exchanges.services import event_create

        fields = {c.key: values.get(c.key, c.blank_value) for c in self.input_columns()}
        return event_create(**fields, actor=actor, source=source)

    def update(self, obj, changes, *, actor, source):
        from duikou.exchanges.services import event_update

        return event_update(event=obj, version=obj.version, actor=actor, source=source, **changes)


class SalesChannelKind(Kind):
    key = "sales_channels"
    label = "外销渠道"
    model = SalesChannel
    natural_key = ("code",)
    filters = {"kind": "kind"}
    derivations = [OwnOrg("donor_org")]
    instructions = "每行一个门店、展会或线上平台，以“编号”识别。"
    columns = [
        Column("code", "编号", required=True, max_length=40, editable=False),
        Column("name", "名称", required=True, max_length=128, width=24),
        Column(
            "kind", "类型", type="choice", choices=SalesChannel.Kind, required=True, editable=False
        ),
        Column("operator", "外销主体", required=True, max_length=128, width=24),
        Column("location", "所在地", max_length=128),
        Column("donor_org", "援疆机构", type="org", required=True, editable=False),
        Column("region", "受援地", type="region", required=True),
        Column("opened_on", "开设日期", type="date", editable=False),
        Column("is_active", "经营中", type="bool", default=True),
        Column("note", "说明", width=24),
    ]

    def queryset(self, user, **filters):
        from duikou.exchanges.selectors import sales_channel_list_for_user

        return sales_channel_list_for_user(user=user, **filters)

    def find(self, values):
        return SalesChannel.objects.filter(code=values["code"]).first()

    def create(self, values, *, actor, source):
        from duikou.exchanges.services import sales_channel_create

        fields = {
            c.key: values.get(c.key, c.blank_value)
            for c in self.input_columns()
            if c.key != "is_active"
        }
        return sales_channel_create(**fields, actor=actor, source=source)

    def update(self, obj, changes, *, actor, source):
        from duikou.exchanges.services import sales_channel_update

        return sales_channel_update(
            channel=obj, version=obj.version, actor=actor, source=source, **changes
        )


class SalesRecordKind(Kind):
    owner_column = "channel"
    key = "sales_records"
    label = "销售记录"
    model = SalesRecord
    append_only = True
    correctable = ("period_end", "sales_amount", "subsidy_paid", "note")
    date_pairs = {"period_start": "period_end"}
    natural_key = ("channel", "period_start")
    note_column = "note"
    instructions = (
        "每行一个渠道一个期间的销售额和补贴，按渠道编号和期间开始识别；期间不能重叠。"
        "改正后再次导入即更正该期间的记录（记为“导入更正”）。"
    )
    columns = [
        Column("channel", "渠道编号", type="ref", required=True),
        Column("period_start", "期间开始", type="date", required=True),
        Column("period_end", "期间结束", type="date", required=True),
        Column("sales_amount", "销售额（元）", type="amount", required=True),
        Column("subsidy_paid", "发放补贴（元）", type="amount", default=Decimal("0.00")),
        Column("note", "说明", width=24),
    ]

    def queryset(self, user, **filters):
        from duikou.exchanges.selectors import sales_channel_list_for_user

        channels = sales_channel_list_for_user(user=user).values("pk")
        return SalesRecord.objects.filter(channel__in=channels).select_related("channel")

    def owner_id(self, obj):
        return obj.channel.donor_org_id

    def values_owner(self, values):
        return values["channel"].donor_org

    def current(self, obj, column):
        if column.key == "channel":
            return obj.channel
        return super().current(obj, column)

    def display(self, obj, column):
        if column.key == "channel":
            return obj.channel.code
        return super().display(obj, column)

    def api_value(self, obj, column):
        if column.key == "channel":
            return obj.channel.code
        return super().api_value(obj, column)

    def link(self, values, resolver):
        from duikou.exchanges.selectors import sales_channel_list_for_user

        code = values["channel"]
        try:
            values["channel"] = resolver.ref(
                ("channel", code),
                lambda: _find_one(
                    sales_channel_list_for_user(user=resolver.user).filter(code=code),
                    f"找不到渠道编号“{code}”（或无权查看）",
                ),
            )
        except CellError as error:
            raise LinkError("channel", str(error)) from None

    def find(self, values):
        return list(
            SalesRecord.objects.filter(
                channel=values["channel"], period_start=values["period_start"]
            ).select_related("channel")
        )

    def same(self, obj, values) -> bool:
        return all(
            comparable(values[k]) == comparable(getattr(obj, k))
            for k in ("period_end", "sales_amount", "subsidy_paid")
            if k in values
        )

    def create(self, values, *, actor, source):
        from duikou.exchanges.services import sales_record_create

        fields = {c.key: values.get(c.key, c.blank_value) for c in self.input_columns()}
        return sales_record_create(**fields, actor=actor, source=source)

    def update(self, obj, changes, *, actor, source):
        from duikou.exchanges.services import sales_record_correct

        return sales_record_correct(
            record=obj,
            version=obj.version,
            reason=IMPORT_CORRECTION,
            actor=actor,
            source=source,
            **changes,
        )


# Indicator values ----------------------------------------------------------------------


ABOUT = ("project", "deal", "partnership", "event")


def _about(resolver: Resolver, key: str, text: str):
    from duikou.exchanges.selectors import event_list_for_user, partnership_list_for_user
    from duikou.investment.selectors import deal_list_for_user
    from duikou.projects.selectors import project_list_for_user

    if key == "project":
        return _by_code_or_name(project_list_for_user(user=resolver.user), text, "项目")
    if key == "deal":
        return _by_code_or_name(deal_list_for_user(user=resolver.user), text, "招商项目")
    found = {"partnership": partnership_list_for_user, "event": event_list_for_user}[key]
    return _find_one(
        found(user=resolver.user).filter(code=text), f"找不到编号“{text}”（或无权查看）"
    )


class ValueKind(Kind):
    owner_column = "org"
    key = "values"
    label = "指标值"
    model = Value
    natural_key = ("indicator", "org", "region", "period", "disaggregation")
    note_column = "comment"
    derivations = [OwnOrg("org"), ContextIndicator()]
    field_columns = {"unit": "unit"}
    instructions = (
        "每行一个指标值：指标 × 填报机构 × 地点 × 期间（× 分组）。同一键再次导入即更正该值；"
        "已审核锁定的值不能通过导入修改。期间可写 2025、2025Q3、2025-03 或 2025-01-01..2025-06-30。"
    )
    columns = [
        Column("indicator", "指标", type="ref", required=True, help="指标编码或中文名称"),
        Column("org", "填报机构", type="org", required=True),
        Column("region", "地点", type="region", help="不填为填报机构所在地"),
        Column("period", "期间", type="period", required=True),
        Column("value", "数值", type="number", required=True, help="可写 1.2万"),
        Column("unit", "单位", max_length=16, help="不填为指标的计量单位"),
        Column("disaggregation", "分组", max_length=64),
        Column("project", "关联项目", type="ref", help="这个值衡量的项目（编号或名称），可不填"),
        Column("deal", "关联招商项目", type="ref", help="编号或名称，可不填"),
        Column("partnership", "关联合作", type="ref", help="合作编号，可不填"),
        Column("event", "关联活动", type="ref", help="活动编号，可不填"),
        Column("comment", "说明", width=24),
        Column("status", "状态", type="choice", choices=Value.Status, export_only=True),
    ]

    def queryset(self, user, **filters):
        from duikou.results.selectors import value_list_for_user

        return value_list_for_user(user=user).order_by("indicator__code", "period_start", "pk")

    def owner_id(self, obj):
        return obj.org_id

    def values_owner(self, values):
        return values["org"]

    def current(self, obj, column):
        if column.key == "period":
            from duikou.results.periods import Period

            return Period(obj.period_start, obj.period_end)
        if column.key == "unit":
            return obj.indicator.unit
        return super().current(obj, column)

    def display(self, obj, column):
        if column.key == "indicator":
            return obj.indicator.code
        if column.key == "period":
            return self.current(obj, column).label()
        if column.key == "value":
            return obj.value.normalize() if obj.value == obj.value.to_integral() else obj.value
        return super().display(obj, column)

    def api_value(self, obj, column):
        if column.key == "indicator":
            return obj.indicator.code
        if column.key in ABOUT:
            record = getattr(obj, column.key)
            return record.code if record is not None else None
        return super().api_value(obj, column)

    def link(self, values, resolver):
        """The indicator by code or name; the record a value is about by code (projects and
        deals also by name), in the user's scope; at most one such record."""
        about = [k for k in ABOUT if values.get(k)]
        if len(about) > 1:
            raise LinkError(
                about[1], "一个指标值只能关联一条记录（项目、招商项目、合作或活动之一）"
            )
        for key in ABOUT:
            if key not in values:
                continue
            if not values[key]:
                values[key] = None
                continue
            text = values[key]
            try:
                values[key] = resolver.ref(
                    (key, text), lambda k=key, t=text: _about(resolver, k, t)
                )
            except CellError as error:
                raise LinkError(key, str(error)) from None
        if "indicator" not in values:
            return  # a correction names the value by its id, not its indicator
        text = values["indicator"]

        def find():
            found = Indicator.objects.filter(code=text).first()
            return found or _find_one(Indicator.objects.filter(name_zh=text), f"找不到指标“{text}”")

        try:
            values["indicator"] = resolver.ref(("indicator", text), find)
        except CellError as error:
            raise LinkError("indicator", str(error)) from None
        from duikou.results.services import figure_ambiguity

        number = values.get("value")
        # 1.2万 for a 万元 indicator is refused, quoting the cell as read.
        problem = figure_ambiguity(
            number, values.get("unit"), values["indicator"], getattr(number, "written", "")
        )
        if problem:
            raise LinkError("value", problem)


KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        ProjectKind(),
        FundTransactionKind(),
        ProgressReportKind(),
        DealKind(),
        FundsInPlaceKind(),
        BatchKind(),
        MemberKind(),
        MentorPairKind(),
        TrainingKind(),
        PartnershipKind_(),
        EventKind_(),
        SalesChannelKind(),
        SalesRecordKind(),
        ValueKind(),
    )
}


def kind_get(key: str) -> Kind:
    from django.http import Http404

    try:
        return KINDS[key]
    except KeyError:
        raise Http404("没有这种数据类型") from None
