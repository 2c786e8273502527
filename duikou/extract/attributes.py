"""Assign qualifier, change, indicator, subject, place and period to mentions.

Rules work on one logical paragraph at a time (see ``text.Paragraph``):

* the *clause* (text between commas, semicolons, colons) around a figure
  holds its indicator: the noun after a count (促成13项招商引资项目) or the
  phrase before an amount (签约金额238亿元);
* the *sentence* holds its subject (the clause-initial organisation or place
  acting), its place (a name after 在/赴/落地/帮扶 ...) and its period;
* a period that covers a stretch of time (三年来, 2025年以来) and the last
  acting organisation carry over to the following sentences of a paragraph;
  a Xinjiang place that acted in an earlier sentence carries over as place;
* a place may also come after the figure: the next clause moving on
  (…29人，赴山西省…) or a clause summing up (…，这是…医院…主任…的总结);
* 当地 with nothing named before it in the paragraph is the last Xinjiang
  place of the report; a lead paragraph without figures sets the place of
  the paragraph after it until that one names something itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .entities import (
    BARE_REFERENCES,
    LOCATIVE_MARKERS,
    Entity,
    find_abbreviated_provinces,
    find_anaphora,
    find_orgs,
    find_persons,
    find_places,
    find_pronouns,
    find_teams,
    find_times,
    is_donor_side,
    is_local_place,
    is_route,
)
from .mentions import Mention
from .numerals import MEASURE_UNITS
from .regions import is_xinjiang_place
from .text import Paragraph

_OUTSIDE_QUALIFIER = re.compile(
    r"(?P<word>突破|高于|超出|多于|大于|不低于|不少于|低于|少于|不足|不到)了?$"
)
_OUTSIDE_QUALIFIER_VALUE = {
    "突破": "超",
    "高于": "超",
    "超出": "超",
    "多于": "超",
    "大于": "超",
    "不低于": "以上",
    "不少于": "以上",
    "低于": "以下",
    "少于": "以下",
    "不足": "以下",
    "不到": "以下",
}
_CHANGE = re.compile(
    r"(?P<up>同比增长|增长|增加|提高|提升|上升|上涨|增幅|涨幅|增收|增速|增量)"
    r"|(?P<down>下降|降低|减少|缩短|减排|降幅|压减|节约|节省|回落)"
)
# Between the change word and the number: 至/到/为 make it a new level
# (提升至5万立方米), not a change.
_LEVEL = re.compile(r"[至到为]")
_CHANGE_GAP = 8
_WEAK_CHANGE_GAP = 3  # 提升/提高 are also generic verbs (提升改造12个村)

# Link words between an indicator and its number (年产值达21亿元).
_TRAILING_LINKS = re.compile(
    r"(?:已经|已|可|将|均|分别|始终|共计|共|合计|总计|累计达|达到|达|为|约为|约|近|超过|超|"
    r"突破|高于|高达|多达|有|了|计|由|是|在|至|到|仅|就|也|都)+$"
)
_LEADING_FILLERS = re.compile(
    r"^(?:如今的|如今|目前|同时|其中包括|其中|此外|另外|并且|并|还|也|这座|这个|这场|这条|该|此次|"
    r"已有|已|共有|共|有|拥有|约|近|的)+"
)
_TRANSITION_ONLY = re.compile(
    r"^(?:快速|大幅|稳步|逐步|进一步|再|又|分别|均)*(?:提升|提高|增长|增加|增|扩增|上升|下降|降低|"
    r"减少|降|升|缩短|缩减|压缩|延长|扩大)(?:到|至|为)$"
)
# An after-text that opens with one of these is not the counted thing.
_NOT_A_NOUN_START = re.compile(
    r"^(?:、|赴|到|前往|参加|参与|开展|在|进|已|用于|用|以|为|将|可|以上|左右|和|与|及|等|，|是|分别|[（(]|"
    r"共|达|增|提|降|减|下降|上升|扩|缩|的(?=[\u4e00-\u9fff]{0,2}$))"
)
_MAX_INDICATOR = 20

_FILLER_PREFIX = re.compile(
    r"^(?:【[^】]{1,8}】|如今的?|目前|同时|其中|此外|另外|并且?|还|也|当日|据了解|近日|由|推动|使|让|经|"
    r"更|又|且|而|但|最终|随后|此次|首批|今年|去年|近年来|力争|争取|预计|计划|明年|全年)+"
)
_ORGANISING = ("组织", "动员", "发动", "带领", "选派", "号召")
_CAUSATIVE = ("由", "推动", "使", "让", "经", "组织", "指导", "鼓励", "引导", "动员", "发动")
_NAME_SUFFIXES_PLACE = ("村", "乡", "镇", "县", "市", "州", "区", "社区", "街道")


@dataclass
class _Context:
    """Names and times of one paragraph, found once, with their roles."""

    paragraph: Paragraph
    orgs: list[Entity]
    places: list[Entity]
    times: list[Entity]
    anaphora: list[Entity]
    locative: set[int] = field(default_factory=set)  # starts of names after 在/赴/落地 ...
    sidelined: set[int] = field(default_factory=set)  # list members and helpers (在X的帮助下)
    affiliation: set[int] = field(default_factory=set)  # 十三户村党总支副书记
    _names: list[Entity] = field(default_factory=list, repr=False)
    _names_key: tuple[int, int, int] | None = field(default=None, repr=False)

    def names(self) -> list[Entity]:
        """All names by position; the list is shared, callers must not change it.

        Rules ask for it once per candidate of every figure, so it is sorted
        again only when a list has grown (names are only ever appended; a
        stable re-sort by position leaves this order as it is).
        """
        key = (len(self.orgs), len(self.places), len(self.anaphora))
        if key != self._names_key:
            self._names = sorted(
                self.orgs + self.places + self.anaphora, key=lambda entity: entity.start
            )
            self._names_key = key
        return self._names


@dataclass
class DocumentMemory:
    """What earlier paragraphs named, to resolve 该村, 该中心 and the like."""

    last_by_suffix: dict[str, tuple[int, Entity]] = field(default_factory=dict)
    # The first name seen for each suffix: the writer's own (我院, 我校) in a
    # hospital's or school's report is the one its title names.
    first_by_suffix: dict[str, tuple[int, Entity]] = field(default_factory=dict)
    # Paragraphs without figures, scanned for names only when a later
    # paragraph points back (该村): most never need it.
    unread: list[tuple[int, str]] = field(default_factory=list)
    position: int = 0
    # The latest place inside Xinjiang, the locality 当地 refers to.
    last_local: tuple[int, Entity] | None = None
    # The person last named, whom 他 / 她 point back to.
    last_person: str = ""
    # The place the last paragraph with figures ended on.
    last_place: str = ""
    # Where the last event named was held (…展销会在北京农业展览馆开幕).
    venue: str = ""
    known_persons: set[str] = field(default_factory=set)
    # Where each person named works in the aided region (the hospital, the village).
    posts: dict[str, str] = field(default_factory=dict)
    # What the last numbered heading named.
    heading_place: str = ""
    heading_period: str = ""

    # The paragraph just before the current one when it had no figures, with
    # its names once found.
    previous: Paragraph | None = None
    previous_context: _Context | None = None

    def skip(self, paragraph: Paragraph) -> None:
        """Note a paragraph without figures, to be scanned only if needed."""
        self.position += 1
        self.unread.append((self.position, paragraph.clean))
        self.previous, self.previous_context = paragraph, None
        if (
            _HEADING.match(paragraph.clean)
            or _is_place_heading(paragraph.clean)
            or _is_decorated_heading(paragraph.clean)
        ):
            self.heading(paragraph.clean)
        if _TITLED.search(paragraph.clean):
            self.note_persons(paragraph.clean)
        if "在" in paragraph.clean and _VENUE_HINT.search(paragraph.clean):
            # …直播节在喀什市深喀科技创新园开幕。: the venue of what follows.
            context = _names_only(paragraph)
            venues = [
                name
                for name in context.places + context.orgs
                if name.start in context.locative and _HELD.match(paragraph.clean, name.end)
            ]
            if venues:
                self.venue = venues[-1].text

    def note_persons(self, clean: str) -> None:
        """——记…医院副院长陈立新: people named with their title, and where they work."""
        persons = find_persons(clean)
        if not persons:
            return
        self.known_persons.update(person.text for person in persons if len(person.text) >= 2)
        self.last_person = persons[-1].text
        note_posts(clean, find_orgs(clean), persons, self)

    def heading(self, clean: str) -> None:
        """一、阿克苏地区主要指标（截至2025年10月底）: a heading sets the place and
        period of the lines under it, until the next heading."""
        places = [
            place
            for place in find_places(clean)
            if is_local_place(place.text) or place.text.endswith(("团", "师"))
        ]
        times = [time for time in find_times(clean) if time.scope not in ("base", "every")]
        self.heading_place = places[-1].text if places else ""
        self.heading_period = times[-1].text if times else ""
        self.last_place = self.heading_place

    def scene(self) -> str:
        """The last place the previous paragraph put something in, or ``""``.

        A lead without figures such as 近日，在吉木萨尔县泉子街镇…施工现场，…
        sets the scene of the paragraph after it (a quotation, 此次活动为期6天).
        """
        if self.previous is not None and self.previous_context is None:
            self.previous_context = _names_only(self.previous)
        return self.scene_of(self.previous_context)

    def scene_of(self, context: _Context | None) -> str:
        """The scene a lead without figures (its names found) sets."""
        if context is None:
            return ""
        if not _SENTENCE.search(context.paragraph.clean):
            return ""  # a byline or an office's name sets no scene
        span = (0, len(context.paragraph.clean))
        # 伽师县是广东对口支援的重点县。: a region the lead is about, too.
        places = (
            _place_candidates(context, span)
            + _standing_places(context, span)
            + _topic_places(context, span)
        )
        if not places:
            return ""
        chosen = max(places, key=lambda place: place.end)
        if chosen.start in context.locative and _HELD.match(context.paragraph.clean, chosen.end):
            self.venue = chosen.text  # …推介会在长沙举行。: the event's venue
        return chosen.text

    def catch_up(self) -> None:
        """Record the names of the paragraphs not yet scanned."""
        for position, clean in self.unread:
            remember(find_orgs(clean) + find_places(clean), self, position)
        self.unread.clear()

    def last(self, suffix: str) -> Entity | None:
        """The latest name seen with ``suffix``."""
        found = self.last_by_suffix.get(suffix)
        return found[1] if found else None


_SENTENCE = re.compile(r"[，,。]")
# 01　伽师县, 第一站：英吉沙县, **岳普湖县**, 麦盖提县篇, 疏勒县：: a line of its own
# that is a place name with a label or decoration around it.
_HEADING_DECORATION = re.compile(
    r"^(?:[0-9０-９]{1,2}|第[一二三四五六七八九十\d]{1,3}[站篇部分章节]|[*#|｜◇□○·\-—]+)"
    r"[\s　:：、.．|｜*#—\-]*|[*#]+$|[篇：:]$"
)


_HEADING_PLACE_END = re.compile(r"[县市州区乡镇村团师场]$")
_HEADING_PLACE_OPENING = re.compile(r"^([^：:｜|丨—\s]{2,14}?)(?:[：:｜|丨]|——|\s)")


# 01　一张床位的变化, ▍写在最后: a section's own heading ends the one before.
_DECORATED_HEADING = re.compile(r"^(?:[0-9０-９]{2}(?:[\s　|｜]|(?=[\u4e00-\u9fff]))|[▍▌◇□○|｜])")


def _is_decorated_heading(clean: str) -> bool:
    return (
        len(clean) <= 24
        and bool(_DECORATED_HEADING.match(clean))
        and not re.search(r"[，,。；;！？!?]", clean)
    )


def _is_place_heading(clean: str) -> bool:
    if len(clean) > 24 or re.search(r"[，,。；;！？!?]", clean):
        return False
    core = _HEADING_DECORATION.sub("", _HEADING_DECORATION.sub("", clean))
    opening = _HEADING_PLACE_OPENING.match(core)
    if opening:
        # 伽师县｜新梅红了, 疏附县：做强纺织服装产业: a place, a bar, a title.
        core = opening.group(1)
    if not _HEADING_PLACE_END.search(core):
        return False
    places = [place for place in find_places(core) if is_local_place(place.text)]
    return bool(places) and len(core) - sum(len(place.text) for place in places) <= 2


_TITLED = re.compile(r"院长|校长|局长|县长|乡长|镇长|站长|主任|书记|医生|教师|专家|干部")


def note_posts(
    clean: str,
    orgs: list[Entity],
    persons: list[Entity],
    memory: DocumentMemory,
    places: list[Entity] | None = None,
) -> None:
    """塔什库尔干塔吉克自治县人民医院副院长陈立新, 阿克塔什村第一书记赵振宇:
    the aided workplace written before a person's title is where they work."""
    if places is None:
        places = find_places(clean)
    places = [place for place in places if place.text.endswith(("村", "乡", "镇"))]
    for person in persons:
        for name in sorted(orgs + places, key=lambda entity: entity.end, reverse=True):
            if name.end > person.start or person.start - name.end > 10:
                continue
            title = clean[name.end : person.start]
            workplace = name.text.endswith(_WORKPLACE_SUFFIXES + _NAME_SUFFIXES_PLACE)
            if (
                workplace
                and not is_donor_side(name.text)
                and (
                    _STAFF.fullmatch(title)
                    or _POST.fullmatch(title)
                    or _VILLAGE_POST.fullmatch(title)
                )
            ):
                memory.posts.setdefault(person.text, name.text)
            break
    # 张海涛来到莎车县人民医院，担任骨科主任: the aided workplace the person came to.
    for person in persons:
        if person.text in memory.posts:
            continue
        left = max(clean.rfind(mark, 0, person.start) for mark in "。！？；")
        right = min(
            (i for i in (clean.find(mark, person.end) for mark in "。！？；") if i >= 0),
            default=len(clean),
        )
        for name in orgs:
            if not (person.end <= name.start < right) or is_donor_side(name.text):
                continue
            if name.text.endswith(_WORKPLACE_SUFFIXES) and _POSTED_TO.search(
                clean, max(left + 1, name.start - 4), name.start
            ):
                memory.posts[person.text] = name.text
                break


_POSTED_TO = re.compile(r"(?:来到|到|在|进驻|派驻|支援|赴|走进|是|任|担任|就职于|供职于)$")
_VILLAGE_POST = re.compile(
    r"(?:驻村)?(?:第一书记|党支部书记|党总支书记|工作队队长|驻村干部|村主任)"
)


# 一、综合  （二）分师市情况  3. 就业: numbered headings, short and without a full stop.
_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.．、]"
    r"|[■●◆▲◇□◎★☆◉▶►▌▍]\s*|【(?=[^】]{1,20}】$))"
    r"[^。！？!?]{1,40}$"
)
# 依托安徽援建的皮山县职业技能培训中心: relying on a centre, with who built it between.
_RELIES_ON = re.compile(r"依托(?:[^，,。；;]{0,4}援建的)?$")
_DONOR_FUNDS = re.compile(r"(?:省|市)?援疆(?:资金|项目资金)|(?:省|市)?(?:财政)?资金")
# Markers that name who is helped when what follows is an organisation.
_FOR_MARKERS = ("为", "给", "帮助", "帮扶", "支持", "扶持", "助力")
# 成为, 作为, 达到: 为/到 inside a verb are no place markers.
_MARKER_NOT_AFTER = {"为": "成作认称改转更视定评列升", "到": "达得受看感做找遇想听提升增降"}
_HELPER = re.compile(
    r"[^，,；;。]{0,24}(?:帮助|帮扶|支持|推动|指导|关心|协调|组织|带领|引领|关怀|努力|援助)下"
)
_TITLE = re.compile(
    r"(?:党委|党总支|党支部|村委会|居委会|副|书记|主任|乡长|镇长|县长|市长|干部|群众|村民|居民)"
)
# Institutions that are workplaces, and the staff titles that follow them.
_WORKPLACE_SUFFIXES = (
    "医院", "分院", "卫生院", "保健院", "学校", "中学", "小学", "大学", "学院", "幼儿园", "中心",
    "博物馆", "纪念馆", "展厅", "图书馆", "文化馆",
)  # fmt: skip
_STAFF = re.compile(
    r"[\u4e00-\u9fff]{0,6}?(?:科|部|处|室|组|病区)?(?:副)?"
    r"(?:主任|院长|校长|医生|医师|护士长|护士|教师|老师|科长|部长|处长|组长|专家)"
)
_POST = re.compile(r"(?:副)?(?:局长|处长|科长|主任|院长|校长|书记|县长|市长|乡长|镇长|部长|站长)")
# Names after these are objects or partners, never the actor; after 、 they
# are members of a list (赴北京、上海等地) and name no single place.
_OBJECT_MARKERS = "、将把以与和同及跟"
_TOPIC_FRAMES = ("围绕", "聚焦", "立足", "结合", "带动", "辐射带动", "培训", "培养")
# 以…为重点: the name in the frame is where the work goes.
_FOCUS_FRAME = re.compile(
    r"为(?:重点|主战场|主阵地|中心|核心|重心|主体|试点|示范|突破口|龙头|主攻方向|主要|主|例)"
)
_DONOR_PEOPLE = re.compile(
    r"(?:省|市)?(?:“[^”]{1,6}”)?(?:企业|客商|专家|医疗队|医生|教师|老师|干部|农科院|科学院|高校|大学)"
)
_QUOTE = re.compile(r"“[^“”]*”")


def _quoted_apart(clean: str, name: int, figure: int) -> bool:
    """…在石家庄已经卖出了15吨。”…说，合作社去年销售红枣420吨: what a quotation
    names stays inside it."""
    if "“" not in clean:
        return False
    return any(
        start < name < end and not start < figure < end for start, end in _quote_spans(clean)
    )


def _quote_spans(clean: str) -> list[tuple[int, int]]:
    return [match.span() for match in _QUOTE.finditer(clean)]


def _quoted_names(clean: str) -> list[tuple[int, int]]:
    """Spans of quoted names (“十四五”, 《和田日报》), not of quoted sentences
    (“伽师县今年新增就业800人。”), whose names and times are read as written."""
    return [
        match.span()
        for match in _QUOTED.finditer(clean)
        if not _QUOTED_SENTENCE.search(match.group())
    ]


_QUOTED_SENTENCE = re.compile(r"[。！？!?，,][”」]$|\d")
_QUOTED = re.compile(r"“[^”]{1,25}”|《[^》]{1,40}》|「[^」]{1,25}」")


_MARKERS_LONGEST_FIRST = tuple(sorted(LOCATIVE_MARKERS, key=len, reverse=True))


def _locative_marker(clean: str, start: int) -> str:
    before = clean[max(0, start - 6) : start]
    if before.endswith("了") and before[:-1].endswith(
        ("跑遍", "走遍", "来到", "走进", "深入", "走访", "覆盖", "惠及", "辐射", "扎根")
    ):
        before = before[:-1]  # 跑遍了阿勒泰市7个乡镇
    if not before.endswith(_MARKERS_LONGEST_FIRST):
        return ""
    for marker in _MARKERS_LONGEST_FIRST:
        if before.endswith(marker):
            preceding = before[: -len(marker)][-1:]
            if preceding and preceding in _MARKER_NOT_AFTER.get(marker, ""):
                return ""
            return marker
    return ""


_BUILDS = re.compile(r"(?:建成|建起|建设|新建|打造|援建|成立|设立)了?")


def _is_built_site(paragraph: Paragraph, entity: Entity) -> bool:
    if not (_is_site(entity) or entity.text.endswith("基地")):
        return False
    clause_start, clause_end = paragraph.clause_span(entity.start, entity.end)
    if entity.end != clause_end:
        return False
    return bool(_BUILDS.search(paragraph.clean, clause_start, entity.start))


def _follows_helper_clause(paragraph: Paragraph, entity: Entity) -> bool:
    clause_start, _ = paragraph.clause_span(entity.start, entity.end)
    if entity.start != clause_start or clause_start < 2:
        return False
    previous_start, _ = paragraph.clause_span(clause_start - 2, clause_start - 1)
    previous = paragraph.clean[previous_start : clause_start - 1]
    return (
        previous.startswith("在") and previous.endswith("下") and bool(_HELPER.match(previous, 1))
    )


def _closes_locative_phrase(paragraph: Paragraph, entity: Entity) -> bool:
    """在园区所处的幸福社区， 在对口支援的四县市投入…: the name a 在…的 phrase ends on."""
    clause_start, clause_end = paragraph.clause_span(entity.start, entity.end)
    clean = paragraph.clean
    opener = clause_start
    while opener < entity.start and clean[opener] in "近今年来以目前，,":
        opener += 1
    opens = clean.startswith("在", clause_start) or (
        clean.find("在", clause_start, entity.start) >= 0
        and entity.start - clean.find("在", clause_start, entity.start) <= 9
    )
    if entity.kind == "org" and not (_is_site(entity) or entity.text.endswith(_WORKPLACE_SUFFIXES)):
        return False  # 在此投资的精细化工项目: a firm's line of work, not where
    return (
        opens
        and not is_donor_side(entity.text)  # 在第五师中学任教的湖北援疆教师
        and clean[entity.start - 1 : entity.start] == "的"
        and (entity.end == clause_end or entity.start - clean.find("在", clause_start) <= 9)
    )


def _inside_quotes(entity: Entity, quoted: list[tuple[int, int]]) -> bool:
    return any(start < entity.start and entity.end < end for start, end in quoted)


def _doers(clean: str, quoted: list[tuple[int, int]]) -> list[Entity]:
    """Organisations, teams and people named in ``clean``, outside quotes, not overlapping."""
    found = [org for org in find_orgs(clean) if not _inside_quotes(org, quoted)]
    for extra in find_teams(clean) + find_persons(clean):
        if _inside_quotes(extra, quoted):
            continue
        overlapping = [o for o in found if o.start < extra.end and extra.start < o.end]
        if extra.kind == "person":
            # 援疆教师周建国: the person, not a name assembled around them.
            found = [o for o in found if o not in overlapping]
        elif overlapping:
            continue
        found.append(extra)
    # 八马茶业股份有限公司 … 八马茶业在疆门店: the short form names the same company.
    for org in list(found):
        stem = _COMPANY_FORM.sub("", org.text)
        if stem == org.text or len(stem) < 3:
            continue
        for match in re.finditer(re.escape(stem), clean):
            if not any(o.start <= match.start() < o.end for o in found):
                found.append(Entity(match.start(), match.end(), stem, "org"))
    return sorted(found, key=lambda entity: entity.start)


_COMPANY_FORM = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|股份公司)$")


def _people(context: _Context, memory: DocumentMemory) -> None:
    """Resolve 他 / 她 to the person last named, here or in an earlier paragraph."""
    clean = context.paragraph.clean
    # 驻村干部王立新 … 今年，王立新组织78名牧民: a name seen once is known after,
    # in this paragraph too.
    memory.known_persons.update(
        name.text for name in context.orgs if name.kind == "person" and len(name.text) >= 2
    )
    for known in memory.known_persons:
        for match in re.finditer(re.escape(known), clean):
            if not any(o.start < match.end() and match.start() < o.end for o in context.orgs):
                context.orgs.append(Entity(match.start(), match.end(), known, "person"))
    context.orgs.sort(key=lambda entity: entity.start)
    persons = [name for name in context.orgs if name.kind == "person"]
    memory.known_persons.update(person.text for person in persons if len(person.text) >= 2)
    for pronoun in find_pronouns(clean):
        earlier = [person for person in persons if person.end <= pronoun.start]
        referent = earlier[-1].text if earlier else memory.last_person
        if referent:
            context.orgs.append(Entity(pronoun.start, pronoun.end, referent, "person"))
    context.orgs.sort(key=lambda entity: entity.start)
    if persons:
        memory.last_person = persons[-1].text
        note_posts(clean, context.orgs, persons, memory, context.places)


_DATELINE = re.compile(
    r"^(?:本报)?[^\W\d_的在是]{0,8}?(?:\d{1,2}月\d{1,2}日)?(?:讯|电)(?=[\s　（(：:])"
    r"\s*(?:[（(][^）)]{0,30}[）)])?"
)


def _context(paragraph: Paragraph, memory: DocumentMemory) -> _Context:
    clean = paragraph.clean
    quoted = _quoted_names(clean)
    orgs = _doers(clean, quoted)
    all_places = [
        place
        for place in find_places(clean) + find_abbreviated_provinces(clean)
        if not _inside_quotes(place, quoted)
    ]
    # A place inside an organisation's name is part of that name; the place of a
    # dateline (哈密讯（记者…）, 本报上海11月20日电) is where the news came from.
    dateline = _DATELINE.match(clean)
    places = [
        place
        for place in all_places
        if not any(org.start <= place.start and place.end <= org.end for org in orgs)
        and not (dateline and place.end <= dateline.end())
    ]
    times = [time for time in find_times(clean) if not _inside_quotes(time, quoted)]
    places += _scene_phrases(clean, orgs + places)
    context = _Context(paragraph, orgs, places, times, [])
    _people(context, memory)
    _assign_roles(context, context.names())
    sidelined = [other for other in context.names() if other.start in context.sidelined]
    visible = [
        name
        for name in orgs + all_places
        if not any(other.start <= name.start and name.end <= other.end for other in sidelined)
    ]
    for entity in find_anaphora(clean):
        if any(
            entity.start <= org.end and clean[entity.end : org.start] in ("", "企业", "内", "的")
            for org in orgs
            if org.start >= entity.start - 3
        ):
            continue  # 园区企业新疆恒安纸业公司: a modifier, not a reference.
        if any(place.end == entity.start for place in all_places):
            continue  # 阜康本地文物: "local" to the name just written, no new role.
        if entity.text in ("当地", "本地") and _LOCAL_PEOPLE.match(clean, entity.end):
            continue  # 培训当地教师, 带教本地医生: local people, no statement of where
        if entity.text.startswith("全") and entity.text[1:] in _WHOLE_AREAS:
            # 富蕴县…全县牧家乐: the area named before it in this paragraph; with
            # none (or only inside a team's name), the area as written (全地区).
            # 据吉木萨尔县文旅局介绍，今年全县…: the county an office is named after.
            named = [
                place
                for place in places
                + [p for p in all_places if p not in places and is_local_place(p.text)]
                if place.end <= entity.start and place.text.endswith(entity.text[1:])
            ]
            named.sort(key=lambda place: place.end)
            heading = memory.heading_place
            if named:
                referent = named[-1]
            elif heading and heading.endswith(entity.text[1:]) and is_local_place(heading):
                # （一）奇台县 … 全县种植…: the county the heading names.
                referent = Entity(entity.start, entity.end, heading, "place")
            else:
                referent = Entity(entity.start, entity.end, entity.text, "place")
        elif entity.text in ("这里", "那里", "此"):
            if clean.startswith("的", entity.end) and any(
                place.start == entity.end + 1 for place in places
            ):
                continue  # 这里的辽塔新区: the name after it says where
            referent = _here(context, entity)
            if referent is None:
                # 伽师县是…重点县。 / 今年，广东在这里投入…: the lead's place, or
                # the place the paragraph before gave its figures.
                lead = memory.scene() if memory.previous is not None else memory.last_place
                referent = Entity(entity.start, entity.end, lead, "place") if lead else None
        elif entity.text[1:] == "师":
            # 第四师可克达拉市…在该师: the division named before it.
            divisions = [name for name in visible if "师" in name.text and name.end <= entity.start]
            referent = divisions[-1] if divisions else None
        else:
            referent = _resolve_anaphora(entity, visible, memory)
        if referent:
            # 该公司 acts; 该村, 该中心, 当地 say where things happen.
            # A bare 医院 or 学校 repeats where things happen (医院四级手术量增长…).
            actor = referent.text.endswith(_ACTOR_SUFFIXES) and entity.text not in BARE_REFERENCES
            kind = "org" if actor else "place"
            context.anaphora.append(Entity(entity.start, entity.end, referent.text, kind))
    _assign_roles(context, context.anaphora)
    memory.position += 1
    remember(orgs + all_places, memory, memory.position)
    return context


# 在县城的卫星工厂，…: a sentence opening on a site sets its scene, named or not.
_SCENE_PHRASE = re.compile(
    r"(?:^|(?<=[。！？；;]))(?:[^，,。；;]{0,8}?[，,])?在(?P<site>[^，,。；;在]{2,14}?"
    r"(?:工厂|车间|基地|园区|产业园|工业园|大厅|现场|商城|市场|广场|景区|服务中心|展区))[，,]"
)


def _scene_phrases(clean: str, names: list[Entity]) -> list[Entity]:
    found = []
    for match in _SCENE_PHRASE.finditer(clean):
        start, end = match.span("site")
        if any(name.start < end and start < name.end for name in names):
            continue  # a name already says where
        found.append(Entity(start, end, match.group("site"), "place"))
    return found


def _here(context: _Context, entity: Entity) -> Entity | None:
    """这里: the place the text before it is about, the one opening a clause
    (伊州区二堡镇是哈密瓜的主产区…在这里建成, 石家庄北国商城一楼大厅里…在这里开幕)."""
    clean = context.paragraph.clean
    earlier = [
        place
        for place in context.places
        if place.end <= entity.start
        and not _DONOR_AS_MODIFIER.match(clean, place.end)
        and not is_donor_side(place.text)  # 广东在这里投入: the donor is no "here"
    ]
    topics = [place for place in earlier if _is_clause_initial(context, place)]
    chosen = topics or earlier
    return chosen[-1] if chosen else None


_LOCAL_PEOPLE = re.compile(
    r"(?:的)?(?:青年|骨干|中小学)?(?:教师|老师|医生|医护|医务|群众|干部|学生|农牧民|牧民|农民|村民|居民|"
    r"妇女|劳动力|人才|员工|工人|职工|技术人员|专业技术|管理人员|师生|儿童|孩子|家庭|百姓)"
)


def _names_only(paragraph: Paragraph) -> _Context:
    """Names of a paragraph and their roles, without touching the memory."""
    clean = paragraph.clean
    quoted = _quoted_names(clean)
    orgs = _doers(clean, quoted)
    places = [
        place
        for place in find_places(clean) + find_abbreviated_provinces(clean)
        if not _inside_quotes(place, quoted)
        and not any(org.start <= place.start and place.end <= org.end for org in orgs)
    ]
    context = _Context(paragraph, orgs, places, [], [])
    _assign_roles(context, context.names())
    return context


def _inside_an_aside(clean: str, entity: Entity) -> bool:
    """（其中2所在阿依巴格村…）: a name inside a bracket that opens with 其中 or 主要."""
    opening = max(clean.rfind("（", 0, entity.start), clean.rfind("(", 0, entity.start))
    if opening < 0 or not clean.startswith(("其中", "主要"), opening + 1):
        return False
    closing = min(
        (i for i in (clean.find("）", opening), clean.find(")", opening)) if i >= 0),
        default=-1,
    )
    return closing >= entity.end


def _assign_roles(context: _Context, entities: list[Entity]) -> None:
    clean = context.paragraph.clean
    paragraph = context.paragraph
    for entity in entities:
        marker = _locative_marker(clean, entity.start)
        following = clean[entity.end : entity.end + 1]
        if marker == "入驻" and entity.kind == "org" and not _is_site(entity):
            marker = ""  # 已入驻牧户合作社9个: who moved in, not where
        if (
            marker == "投入"
            and is_donor_side(entity.text)
            and _DONOR_FUNDS.match(clean, entity.end)
        ):
            marker = ""  # 投入吉林援疆资金2100万元: whose money, not where it went
        if not marker and (
            (
                _RELIES_ON.search(clean, max(0, entity.start - 12), entity.start)
                and entity.kind == "org"
                and _is_facility(entity)
            )
            or (entity.text.endswith("各地") and clean.endswith("通过", 0, entity.start))
        ):
            marker = "依托"  # 依托…职业技能培训中心，开展培训46期; 通过安徽各地的展销会卖出…
        if (
            marker in _FOR_MARKERS
            and entity.kind == "org"
            and not (_is_site(entity) or entity.text.endswith(_WORKPLACE_SUFFIXES))
        ):
            marker = ""  # 为农机合作社购置采棉机16台: who is helped, not where
        if marker == "在" and _HELPER.match(clean, entity.end):
            context.sidelined.add(entity.start)
        elif marker or _closes_locative_phrase(paragraph, entity) or is_route(entity):
            context.locative.add(entity.start)
        preceding = clean[entity.start - 1 : entity.start] if entity.start else ""
        # 郑州大学第一附属医院心内科主任: where the person comes from, not where
        # the figure happened.
        workplace = (
            entity.text.endswith(_WORKPLACE_SUFFIXES)
            and _STAFF.match(clean, entity.end)
            and not is_donor_side(entity.text)
        )
        if workplace:
            # 援疆医生、阜康市人民医院耳鼻喉科主任: where the person named next
            # works, even as one of a run of titles.
            context.affiliation.add(entity.start)
        elif clean.endswith(_TOPIC_FRAMES, 0, entity.start) and is_local_place(entity.text):
            # 围绕叶城县核桃产业, 聚焦巴楚县留香瓜产业, 带动和田县周边: the place worked on.
            context.locative.add(entity.start)
        elif _FOCUS_FRAME.match(clean, entity.end) and preceding == "以":
            # 以托克逊县为重点, 以伊州区、伊吾县为主战场: where the work is done.
            context.locative.add(entity.start)
        elif following == "、" or (preceding and preceding in _OBJECT_MARKERS and not marker):
            context.sidelined.add(entity.start)
        if _inside_an_aside(clean, entity):
            # 改扩建幼儿园6所（其中2所在阿依巴格村、巴格艾日克村）: a part, said aside.
            context.sidelined.add(entity.start)
        if entity.kind == "place" and any(org.end == entity.start for org in context.orgs):
            # 八马茶业股份有限公司昌吉区域经理: a branch of the name before it.
            context.sidelined.add(entity.start)
        if (
            entity.kind == "place"
            and is_donor_side(entity.text)
            and _DONOR_PEOPLE.match(clean, entity.end)
        ):
            # 落地广东企业14家, 北京“组团式”医疗队在这里: whose, not where.
            context.sidelined.add(entity.start)
        if entity.kind == "place" and (
            clean.startswith("籍", entity.end)
            or (
                clean.startswith("产", entity.end)
                and clean[entity.end + 1 : entity.end + 2] not in "业品值量能"
            )
        ):
            # 南疆籍员工, 和田产红枣: where people or goods come from, no place.
            context.sidelined.add(entity.start)
        if entity.kind == "place" and _TITLE.match(clean, entity.end):
            context.affiliation.add(entity.start)
        if entity.kind == "org" and _POST.match(clean, entity.end):
            # 挂职托克逊县文旅局副局长: where the person named works.
            context.affiliation.add(entity.start)
        if entity.kind == "org" and _is_built_site(paragraph, entity):
            # 在精河县建成枸杞精深加工产业园，入驻企业19家: what was built is where.
            context.locative.add(entity.start)
        if _follows_helper_clause(paragraph, entity) and not entity.text.endswith(_DOERS_ONLY):
            # 在福建援疆力量的帮助下，玛纳斯县成立了…: the helped place (a team
            # after 在他的推动下 is the doer).
            context.locative.add(entity.start)


_WHOLE_AREAS = ("地区", "州", "县", "市", "区", "师", "团", "乡", "镇", "村")


def _resolve_anaphora(entity: Entity, names: list[Entity], memory: DocumentMemory) -> Entity | None:
    if entity.text in ("当地", "本地"):
        # The aided locality: a donor's name (河南企业) is never 当地.
        places = [
            name
            for name in names
            if name.kind == "place" and name.end <= entity.start and is_local_place(name.text)
        ]
        if places:
            return max(places, key=lambda name: name.end)
        # Nothing named yet in this paragraph: the aided locality the report
        # last named.
        memory.catch_up()
        return memory.last_local[1] if memory.last_local else None
    if entity.text in ("园区", "景区"):
        suffix = "园区" if entity.text == "园区" else "景区"
    elif entity.text.startswith(("这家", "这所", "这个", "这座")):
        suffix = entity.text[2:]
    else:
        suffix = BARE_REFERENCES.get(entity.text, entity.text[1:])
    # 该校 is the 中学 or 小学 named before it, 该院 the 医院.
    suffixes = _REFERRED_SUFFIXES.get(suffix, (suffix,))
    if entity.text.startswith("我") and entity.text[1:] in ("院", "校"):
        # 我院门急诊量…: the writer's own, as the report first names it.
        memory.catch_up()
        own = [memory.first_by_suffix.get(one) for one in suffixes]
        own = [item for item in own if item and not is_donor_side(item[1].text)]
        if own:
            return min(own, key=lambda item: (item[0], item[1].start))[1]
    earlier = [
        name
        for name in names
        if name.end <= entity.start
        and name.text.endswith(suffixes)
        # A bare 医院 is the aided one, not the donor's hospital named beside it.
        and not (entity.text in BARE_REFERENCES and is_donor_side(name.text))
    ]
    if earlier:
        if entity.text == "园区" and any(name.text.endswith(("园", "园区")) for name in earlier):
            earlier = [name for name in earlier if name.text.endswith(("园", "园区"))]
        return max(earlier, key=lambda name: name.end)
    memory.catch_up()
    found = [memory.last_by_suffix.get(one) for one in suffixes]
    found = [item for item in found if item]
    return max(found, key=lambda item: (item[0], item[1].end))[1] if found else None


_REFERRED_SUFFIXES = {
    "园区": ("园", "园区", "开发区"),
    "团场": ("团", "团场"),
    "中心": ("中心",),
    "服务站": ("服务站", "站"),
    "校": ("校", "学", "园"),
    "学校": ("校", "学"),
    "院": ("院",),
    "企业": ("公司", "企业", "厂", "集团"),
    "公司": ("公司",),
    "工厂": ("厂", "工厂", "公司"),
    "厂": ("厂", "工厂"),
    "电站": ("电站",),
}


def remember(names: list[Entity], memory: DocumentMemory, position: int) -> None:
    """Record the last name seen for each suffix, for later 该村 / 该中心.

    ``position`` orders paragraphs, so scanning an older paragraph late never
    hides a newer name.
    """
    # 深圳援疆喀什指挥部 names a donor's team, not a locality (疏附县妇联 does).
    org_spans = [
        (name.start, name.end)
        for name in names
        if name.kind == "org" and ("援疆" in name.text or name.text.endswith(_AID_ORG_SUFFIXES))
    ]
    for entity in sorted(names, key=lambda name: name.end):
        stored_local = memory.last_local
        # Cheap tests first: most names are no place, or an older one is kept.
        if (
            entity.kind == "place"
            and (stored_local is None or stored_local[0] <= position)
            # 深圳援疆喀什指挥部 is no locality
            and not any(start <= entity.start and entity.end <= end for start, end in org_spans)
            and is_local_place(entity.text)
        ):
            memory.last_local = (position, entity)
        if not entity.text.endswith(_REMEMBERED_SUFFIXES):
            continue
        for suffix in _REMEMBERED_BY_LAST_CHAR[entity.text[-1]]:
            if not entity.text.endswith(suffix):
                continue
            stored = memory.last_by_suffix.get(suffix)
            if stored is None or stored[0] <= position:
                memory.last_by_suffix[suffix] = (position, entity)
            first = memory.first_by_suffix.get(suffix)
            if first is None or first[0] > position:
                memory.first_by_suffix[suffix] = (position, entity)


_REMEMBERED_SUFFIXES = (
    *_NAME_SUFFIXES_PLACE,
    "开发区",
    "中心",
    "医院",
    "公司",
    "园",
    "院",
    "校",
    "学",
    "景区",
    "度假区",
    "旅游区",
    "园区",
)
# The suffixes by their last character, so a name is tested only against those
# it can end with (in the order above).
_REMEMBERED_BY_LAST_CHAR = {
    last: tuple(suffix for suffix in _REMEMBERED_SUFFIXES if suffix[-1] == last)
    for last in {suffix[-1] for suffix in _REMEMBERED_SUFFIXES}
}


def _qualifier(mention: Mention, before: str) -> str:
    if mention.qualifier:
        return mention.qualifier
    match = _OUTSIDE_QUALIFIER.search(before)
    return _OUTSIDE_QUALIFIER_VALUE[match.group("word")] if match else ""


def _change(mention: Mention, before: str) -> str:
    found = ""
    for match in _CHANGE.finditer(before):
        gap = before[match.end() :]
        if _LEVEL.search(gap) or (match.start() > 0 and before[match.start() - 1] == "新"):
            found = ""
            continue
        weak = match.group() in ("提高", "提升") and mention.unit not in ("%", "百分点")
        limit = _WEAK_CHANGE_GAP if weak else _CHANGE_GAP
        found = ("up" if match.group("up") else "down") if len(gap) <= limit else ""
    return found


def _trim_before(before: str) -> str:
    text = _TRAILING_LINKS.sub("", before)
    text = _LEADING_FILLERS.sub("", text)
    return text[-_MAX_INDICATOR:] if len(text) >= 2 else ""


def _trim_after(after: str) -> str:
    if _NOT_A_NOUN_START.match(after):
        return ""
    text = after[1:] if after.startswith("的") else after
    return text[:_MAX_INDICATOR] if len(text) >= 1 else ""


def _indicator(unit: str, before: str, after: str) -> str:
    counted = _trim_after(after)
    phrase = _trim_before(before)
    if unit in MEASURE_UNITS and not after.startswith("的"):
        return phrase or counted
    return counted or phrase


def _period(
    context: _Context,
    sentence: tuple[int, int],
    clause: tuple[int, int],
    start: int,
    indicator: str = "",
) -> str:
    times = [t for t in context.times if sentence[0] <= t.start < sentence[1]]
    clean = context.paragraph.clean
    for t in times:
        if t.scope == "base" and clause[0] <= t.start and clean[t.end : start] in ("的", "同期的"):
            return t.text  # 由去年的38.5%提高到…: the level then is that time's
    times = [
        t
        for t in times
        if t.scope != "base" and (t.scope != "every" or _recurs_into(context, t, clause))
    ]
    in_clause_before = [t for t in times if clause[0] <= t.start and t.end <= start]
    if in_clause_before:
        return _within_year(context, in_clause_before[-1], start)
    in_clause_after = [t for t in times if start <= t.start < clause[1]]
    if in_clause_after:
        return in_clause_after[0].text
    own = _OWN_PERIOD.match(indicator)
    if own and (not own.group("year") or _governing_point(times, start)):
        return ""
    if _CAPACITY.search(indicator):
        return ""  # 设计年产铸件8万吨, 年加工能力5万吨, 日均开播300场次: per year or day
    before = [t for t in times if t.end <= start]
    if before:
        return _within_year(context, before[-1], start)
    carried = [t for t in context.times if t.end <= sentence[0] and t.scope in CARRIED_SCOPES]
    return carried[-1].text if carried else ""


def _within_year(context: _Context, time: Entity, start: int) -> str:
    """2025年，…全年…: 全年 is the year named before it."""
    if time.text != "全年":
        return time.text
    # 今年…全年: a relative year stays as written; 2025年…全年 is that year,
    # within one sentence (2025年，…。全年，我院… keeps 全年 as written).
    sentence_start, _ = context.paragraph.sentence_span(time.start)
    years = [
        t
        for t in context.times
        if t.scope == "year"
        and sentence_start <= t.start
        and t.end <= time.start
        and not t.text.startswith(_RELATIVE_YEARS)
    ]
    return years[-1].text if years else time.text


_RELATIVE_YEARS = ("今年", "去年", "明年", "前年", "当年", "同年", "本年")


# 人均月收入, 年产值, 日均客流, 每场观看人数: the indicator holds its own period.
# A yearly one (年产值, 年发电) keeps a period that spans, not the date of an event.
_OWN_PERIOD = re.compile(
    r"^(?:(?:人均|户均)?(?:月|日均|月均|每场|单场|每头|每只|每名|每人|每户)"
    r"|人均(?:可支配)?收入|(?P<year>年|年均))"
)


# What a plant can do in a year, or a count per day, holds its own period.
_CAPACITY = re.compile(
    r"(?:设计|达产后)?年(?:产(?!值|量)|加工|处理|屠宰|分拣|吞吐|生产|发电)|(?:加工|生产|处理|分拣|包装)能力|产能"
    r"|日(?:处理|加工|分拣|屠宰)|日均|月均|月收入|月工资|人均月"
)


def _governing_point(times: list[Entity], start: int) -> bool:
    before = [t for t in times if t.end <= start]
    return bool(before) and before[-1].scope == "point"


def _recurs_into(context: _Context, time: Entity, clause: tuple[int, int]) -> bool:
    """每年可加工…，带动…8000余头: 每年 governs the clauses after it until a name opens one.

    民俗村一天最多能接待…，坎儿井民俗村已有…43家: a clause opening with a name
    moves on to something that does not recur.
    """
    if clause[0] <= time.start < clause[1]:
        return True
    paragraph = context.paragraph
    position = paragraph.clause_span(time.start, time.end)[1] + 1
    while position <= clause[0]:
        if any(name.start == position for name in context.names()):
            return False
        position = paragraph.clause_span(position, position + 1)[1] + 1
    return True


def _is_clause_initial(context: _Context, entity: Entity) -> bool:
    """True when only fillers, times or a name in apposition precede ``entity``."""
    clean = context.paragraph.clean
    prefix_start, _ = context.paragraph.clause_span(entity.start, entity.end)
    for time in context.times:
        if time.start == prefix_start and time.end <= entity.start:
            prefix_start = time.end
    for name in context.names():
        # Names in apposition (园区企业新疆恒安纸业公司) keep the position.
        if name.start <= prefix_start < name.end <= entity.start:
            prefix_start = name.end
    prefix = _FILLER_PREFIX.sub("", clean[prefix_start : entity.start]).lstrip("“")
    if prefix == "【" and clean.startswith("】", entity.end):
        return True  # 【巴楚县】新建冷库…: the bracketed name opens the line
    return not prefix


def _modifies_a_noun(context: _Context, entity: Entity, figure: int) -> bool:
    """吉林援疆建设的集中养殖小区已入驻…9个: the name is inside a phrase before 的.

    A place, or a donor acting through its aid, followed in the figure's clause
    by a verb phrase and 的 describes the thing counted; it did not do it.
    """
    if entity.kind not in ("place", "org") or entity.text.endswith(_ORG_ONLY_SUFFIXES):
        return False
    _, clause_end = context.paragraph.clause_span(entity.start, entity.end)
    if figure > clause_end:
        # 在…医院，江苏专家帮助建设的胸痛中心运行平稳。今年，…: the donor built
        # what the earlier clause is about; it does not go on acting.
        built = _BUILT_BY.match(context.paragraph.clean, entity.end, clause_end)
        return entity.kind == "place" and not is_local_place(entity.text) and bool(built)
    between = context.paragraph.clean[entity.end : figure]
    if entity.kind == "place" and is_donor_side(entity.text) and _SENDS_WHAT.match(between):
        return False  # 浙江选派的第二批教育人才48人: the donor sent those counted
    return "的" in between[1:] and not between.startswith("的")


_SENDS_WHAT = re.compile(r"(?:省|市)?(?:先后|今年|共|又)?(?:选派|派出|派驻|选送)")
_BUILT_BY = re.compile(r"[\u4e00-\u9fff]{0,6}?(?:帮助建设|援建|建设|打造|建成|捐建)的")
_ORG_ONLY_SUFFIXES = ("指挥部", "分指", "工作队", "工作组", "医疗队", "公司", "集团")


def _heads_relative_clause(context: _Context, entity: Entity) -> bool:
    """由X援建的Y / 位于X的Y: Y, the noun after the relative clause, is the actor."""
    clean = context.paragraph.clean
    clause_start, _ = context.paragraph.clause_span(entity.start, entity.end)
    opener = clean[clause_start : clause_start + 3]
    return clean[entity.start - 1 : entity.start] == "的" and opener.startswith(_RELATIVE_OPENERS)


_RELATIVE_OPENERS = ("由", "位于", "地处", "坐落")
# 该公司 and 该校 act; 该村 and 该中心 say where.
_ACTOR_SUFFIXES = (
    "公司", "集团", "企业", "控股", "科技", "校", "学校", "中学", "小学", "医院", "院",
    "电站", "厂", "改良站",
)  # fmt: skip


def _subject_candidates(context: _Context, span: tuple[int, int]) -> list[Entity]:
    clean = context.paragraph.clean
    candidates = []
    for entity in context.names():
        if not span[0] <= entity.start < span[1] or entity.end > span[1]:
            continue
        if entity.start in context.locative or entity.start in context.sidelined:
            continue
        if entity.start in context.affiliation:
            continue
        if entity in context.anaphora and entity.kind == "place":
            continue
        if entity.kind == "place" and not _is_clause_initial(context, entity):
            continue
        if _modifies_a_noun(context, entity, span[1]) or _is_site(entity):
            continue
        if entity.kind == "place" and not is_local_place(entity.text):
            if not _acts(context, entity):
                continue  # 浙江援建项目73个: whose projects, not who did something
        if entity.kind == "org":
            before = clean[max(0, entity.start - 3) : entity.start]
            causative = before.endswith(_CAUSATIVE)
            if before.endswith(_ORGANISING) and entity.text.endswith(_TEAM_SUFFIXES):
                continue  # 组织援疆干部人才捐款: the organiser did it
            strong = entity.text.endswith(_AID_ORG_SUFFIXES)
            if not (
                strong
                or causative
                or _is_clause_initial(context, entity)
                or _heads_relative_clause(context, entity)
            ):
                continue
        candidates.append(entity)
    return candidates


def _subject(context: _Context, sentence: tuple[int, int], start: int) -> tuple[str, str]:
    """The figure's actor, and a place that acted in an earlier sentence.

    An organisation, or an aiding province or city, stays the actor of the
    sentences that follow it; a Xinjiang place that opened an earlier sentence
    (玛纳斯推行了…) rather sets the scene for them, so it is handed on as their
    place.
    """
    summed = _summed_up_by(context, sentence, start)
    if summed:
        return summed, ""
    candidates = _subject_candidates(context, (sentence[0], start))
    if candidates:
        best = candidates[-1]
        if _stands_for_place(context, best, sentence):
            return "", best.text
        return best.text, ""
    if _standing_places(context, (sentence[0], start)):
        return "", ""  # 全地区实施…108个: the region stands where the doer would
    if CARRY_SUBJECT:
        earlier = _subject_candidates(context, (0, sentence[0]))
        if earlier:
            # The head of 由X援建的Y carries on; then who opened a clause.
            best = max(earlier, key=lambda entity: (_rank(context, entity), entity.start))
            if best.kind == "place" and is_local_place(best.text):
                return "", best.text
            if best.kind == "place" and not _acts(context, best):
                return "", ""  # 江苏援疆资金…: the donor named no doer for what follows
            return best.text, ""
    return "", ""


# A donor acts when a verb follows its name; 援建项目, 援疆资金 only say whose.
_DONOR_AS_MODIFIER = re.compile(
    r"(?:省|市)?(?:援建|援疆资金|援疆项目|援助资金|援疆干部|企业|客商|采购商|游客|市民|消费者"
    r"|第[一二三四五六七八九十\d]+批援疆(?:医生|教师|干部|专家|人才)|一家|一批|多家|几家)"
)


def _acts(context: _Context, entity: Entity) -> bool:
    return not _DONOR_AS_MODIFIER.match(context.paragraph.clean, entity.end)


def _summed_up_by(context: _Context, sentence: tuple[int, int], start: int) -> str:
    """…开展新技术2项，这是…主任杨向茹的援疆总结: the person a summing-up clause names."""
    clean = context.paragraph.clean
    for person in context.orgs:
        if person.kind != "person" or not start < person.start < sentence[1]:
            continue
        clause_start, _ = context.paragraph.clause_span(person.start, person.end)
        if clause_start > start and _SUMMING_UP.match(clean, clause_start):
            return person.text
    return ""


def _stands_for_place(context: _Context, entity: Entity, sentence: tuple[int, int]) -> bool:
    """喀什地区纺织服装产业产值增长12%: a Xinjiang region where the doer would stand.

    It is the figure's place, not its subject, unless the sentence sends it
    somewhere else (昌吉州两批共76名师生赴山西省): then it is the sending side.
    """
    if entity.kind != "place" or not is_local_place(entity.text):
        return False
    if _BUSINESS_AREA.match(context.paragraph.clean, entity.end):
        return False
    clean = context.paragraph.clean
    if _SENDS_AFTER.match(clean, entity.end):
        return True  # 吐鲁番也选派400名学生赴湘研学: the sending region is the place
    # Sent somewhere (赴山西省): 在京设立前置仓 is where, not a journey; a
    # journey in a later clause (…，有组织赴江西就业2860人) sends others.
    own_clause = context.paragraph.clause_span(entity.start, entity.end)
    elsewhere = [
        other
        for other in _place_candidates(context, sentence)
        if other.text != entity.text
        and (other.start < own_clause[1] or not _has_figure(context, other))
        and other.kind == "place"  # 在那里设立的分拨中心: a site there, not elsewhere
        and not is_local_place(other.text)
        and (
            _locative_marker(clean, other.start) not in ("在", "于")
            or _HELD.match(clean, other.end)  # 在福建泉州举办的推介会: gone there
        )
    ]
    return not elsewhere


def _has_figure(context: _Context, entity: Entity) -> bool:
    """Whether the clause of ``entity`` holds a number of its own."""
    start, end = context.paragraph.clause_span(entity.start, entity.end)
    return bool(_DIGIT.search(context.paragraph.clean, start, end))


_DIGIT = re.compile(r"\d")


def _rank(context: _Context, entity: Entity) -> int:
    if _heads_relative_clause(context, entity):
        return 2
    return 1 if _is_clause_initial(context, entity) else 0


def _place_candidates(context: _Context, span: tuple[int, int]) -> list[Entity]:
    return [
        entity
        for entity in context.names()
        if span[0] <= entity.start < span[1]
        and entity.kind != "person"
        and not entity.text.endswith(_TEAM_SUFFIXES)
        and entity.start not in context.sidelined
        and (
            entity.start in context.locative
            or entity.start in context.affiliation
            or (entity in context.anaphora and entity.kind == "place")
        )
    ]


# A clause opening with one of these sums up the clauses before it
# (…开展新技术2项，这是山西省援疆医生、阜康市人民医院耳鼻喉科主任杨向茹的援疆总结).
_SUMMING_UP = re.compile(r"(?:这|此|以上|上述)(?:些|就|也|都|正|便)?(?:是|为)")
# The next clause goes on with the same actor moving somewhere (骨干29人，赴山西省…).
_MOVING_ON = re.compile(
    r"^(?:随后|并|还|将|又|再|先后|分批|一同|共同|全部|均)?"
    r"(?:赴|前往|奔赴|分赴|来到|走进|抵达|到|深入|扎根)"
)


# 投入资金1.5亿元，为阿图什市新建学校3所: with no place before, the local
# place the next clause works in is the figure's too.
_WORKS_IN = re.compile(r"^(?:并|还|又|主要|重点|全部|均)?(?:在|为|用于|投向|面向)")


def _place_in_next_clause(context: _Context, clause: tuple[int, int], later: list[Entity]) -> str:
    clean = context.paragraph.clean
    if not clean.startswith(("，", ","), clause[1]):
        return ""
    for entity in later:
        start, _ = context.paragraph.clause_span(entity.start, entity.end)
        if start != clause[1] + 1:
            return ""
        if (is_local_place(entity.text) or _is_facility(entity)) and _WORKS_IN.match(
            clean[start : entity.start]
        ):
            return entity.text
    return ""


def _place_after(context: _Context, clause: tuple[int, int], later: list[Entity]) -> str:
    """A place named after the figure's clause that still belongs to it."""
    clean = context.paragraph.clean
    for entity in later:
        start, _ = context.paragraph.clause_span(entity.start, entity.end)
        if start == clause[1] + 1 and _MOVING_ON.match(clean[start : entity.start]):
            return entity.text
        if _SUMMING_UP.match(clean, start):
            return entity.text
        if _SPREAD.match(clean, start) and entity.start - start <= 4:
            return entity.text  # 共有教师318名，…，分布在阿克苏地区9所学校
    return ""


_SPREAD = re.compile(
    r"(?:均|分别|主要|大多|全部)?(?:分布在|分布于|遍布|覆盖|集中在|集中于|来自|涉及|位于)"
)


_COUNTED_LINKS = ("有", "共有", "已有", "达", "达到", "共", "共计", "为")


def _place(
    context: _Context,
    sentence: tuple[int, int],
    clause: tuple[int, int],
    start: int,
    subject: str,
    scene: str = "",
    post: str = "",
) -> str:
    clean = context.paragraph.clean
    found = [
        e
        for e in _place_candidates(context, sentence)
        if e.text != subject
        # …设立的分拨中心有3家: what is counted is no place of its own count.
        and not (e.kind == "org" and clean[e.end : start] in _COUNTED_LINKS)
    ]
    # 来自南京的专家, 21名来自山西省的书法特长生走进新疆: where people came
    # from is the place only when nothing else is.
    origins = [e for e in found if clean.endswith("来自", 0, e.start)]
    names = [e for e in found if e not in origins]
    sender = _sending_region(context, sentence, start)
    if sender:
        return sender
    in_clause = [e for e in names if clause[0] <= e.start < clause[1]]
    if post:
        # 他带教本地医生8名: "local" to the person's own workplace.
        in_clause = [e for e in in_clause if clean[e.start : e.end] not in ("当地", "本地")]
    if in_clause:
        return min(in_clause, key=lambda e: abs(e.start - start)).text
    # 来自和田市、墨玉县的126家企业: the origin of what is counted, in its own clause.
    # Companies, hospitals from a place (来自江苏13个设区市的42家医院) are there;
    # visitors from a donor (来自湖南的游客) came to where the report is.
    in_clause_origins = [
        e
        for e in origins
        if clause[0] <= e.start < clause[1]
        and (is_local_place(e.text) or _INSTITUTIONS.search(clean, e.end, start + 6))
    ]
    if in_clause_origins:
        return in_clause_origins[0].text
    standing = [e for e in _standing_places(context, (sentence[0], start)) if e.text != subject]
    if standing and standing[-1].start >= clause[0]:
        opening = _opening_locative(context, sentence)
        if opening and _is_facility(standing[-1]):
            return opening  # 在一四三团，规模化奶牛牧场今年存栏…: the regiment
        return standing[-1].text  # 一二三团新建高标准农田1.5万亩
    before = [e for e in names if e.end <= start]
    if before and (not standing or before[-1].start > standing[-1].start):
        return before[-1].text
    if standing:
        return standing[-1].text
    later = _place_after(context, clause, [e for e in names if e.start >= clause[1]])
    if later:
        return later
    if post:
        return post  # 陈立新带领团队开展…: where the person named works
    if CARRY_PLACE and sentence[0] and not subject.endswith(_WORKPLACE_SUFFIXES):
        # 玛纳斯县总医院…增幅373%: an institution doing it is where it happened.
        # A place carries through its paragraph until another is named.
        earlier = [
            e
            for e in _place_candidates(context, (0, sentence[0]))
            + _standing_places(context, (0, sentence[0]))
            + _topic_places(context, (0, sentence[0]))
            if e.text != subject
            and not clean.endswith("来自", 0, e.start)
            and not _quoted_apart(clean, e.start, start)
        ]
        if earlier:
            return max(earlier, key=lambda entity: entity.end).text
    home = _home_region(subject)
    if home:
        return home
    # 投入资金2.1亿元，用于园区道路…: where the next clause puts the money comes
    # before the scene a lead set.
    return (
        _place_in_next_clause(context, clause, [e for e in names if e.start >= clause[1]]) or scene
    )


# 吐鲁番也选派400名学生赴湘研学, 组织阿克苏地区两批共420名师生赴浙江: the region
# that sends people is where the count belongs; people who go on their own
# (昌吉州两批共76名师生赴山西省) are counted where they go.
_SENDS_AFTER = re.compile(r"[也还又再共先后分批今年]{0,3}(?:选派|派出|派遣|输送|推荐|组织)")
_SENDS_BEFORE = ("组织", "选派", "派出", "输送")


def _sending_region(context: _Context, sentence: tuple[int, int], start: int) -> str:
    clean = context.paragraph.clean
    for entity in context.places:
        if not (sentence[0] <= entity.start < start) or not is_local_place(entity.text):
            continue
        sends = _SENDS_AFTER.match(clean, entity.end) or clean.endswith(
            _SENDS_BEFORE, 0, entity.start
        )
        if not sends:
            continue
        clause_start, clause_end = context.paragraph.clause_span(entity.start, entity.end)
        if not clause_start <= start < clause_end:
            continue
        if _TRAVEL.search(clean, start, clause_end):
            return entity.text
    return ""


_TRAVEL = re.compile(r"赴|前往|奔赴")


_INSTITUTIONS = re.compile(r"企业|医院|合作社|学校|高校|单位|公司|机构|设区市")


_AID_TEAM_SUFFIXES = (
    "指挥部", "分指", "工作队", "工作组", "医疗队", "服务队", "团队", "专家组", "服务团",
)  # fmt: skip


def _home_region(subject: str) -> str:
    """阜康市永鑫焦化…年发电1.7亿千瓦时: a company named after its region is there.

    Schools and hospitals doing something are their own place (玛纳斯县总医院…373%).
    """
    if not subject or subject.endswith(_WORKPLACE_SUFFIXES):
        return ""
    if subject.endswith(_AID_TEAM_SUFFIXES):
        # 喀什分指, 伽师工作队: named after where the team was sent, not where this was.
        return ""
    places = find_places(subject)
    if places and places[0].start == 0 and places[0].end < len(subject):
        if is_xinjiang_place(places[0].text):
            return places[0].text
    return ""


def _opening_locative(context: _Context, sentence: tuple[int, int]) -> str:
    """在一四三团，…: the local region a sentence opens on, as a clause of its own."""
    for entity in context.places:
        if entity.start < sentence[0] or entity.start > sentence[0] + 8:
            continue
        clause_start, clause_end = context.paragraph.clause_span(entity.start, entity.end)
        if (
            clause_start == sentence[0]
            and clause_end == entity.end
            and _locative_marker(context.paragraph.clean, entity.start) in ("在", "于")
            and is_local_place(entity.text)
            and not _is_facility(entity)
        ):
            return entity.text
    return ""


def _is_facility(entity: Entity) -> bool:
    """A site or farm built or run there (产业园, 牧场), not a region of its own."""
    return _is_site(entity) or entity.text.endswith(("牧场", "基地", "园", "中心", "工厂"))


def _standing_places(context: _Context, span: tuple[int, int]) -> list[Entity]:
    """Xinjiang regions and sites opening a clause, where a doer would stand.

    伽师县新建…, 一二三团新建…, 喀什深圳产业园入驻企业218家.
    """
    return [
        entity
        for entity in context.places
        + [org for org in context.orgs if _is_site(org)]
        + [name for name in context.anaphora if name.kind == "place"]
        if span[0] <= entity.start < span[1]
        and entity.start not in context.sidelined
        and entity.start not in context.locative
        and (is_local_place(entity.text) or _is_site(entity))
        and (
            _is_clause_initial(context, entity)
            or _ends_opening_phrase(context, entity)
            or _built_site_opens(context, entity)
        )
        and not _BUSINESS_AREA.match(context.paragraph.clean, entity.end)
    ]


def _built_site_opens(context: _Context, entity: Entity) -> bool:
    """江苏援疆支持建设的化工园区今年吸纳…: a site after who built it opens the clause."""
    clean = context.paragraph.clean
    clause_start, _ = context.paragraph.clause_span(entity.start, entity.end)
    return (
        _is_site(entity)
        and clean[entity.start - 1 : entity.start] == "的"
        and bool(_BUILT_BY.search(clean, clause_start, entity.start))
    )


def _ends_opening_phrase(context: _Context, entity: Entity) -> bool:
    """广东对口支援的伽师县，今年…, 地处天山南麓的温宿县，…: a local place that a
    described opening phrase ends on stands where the doer would."""
    clean = context.paragraph.clean
    clause_start, clause_end = context.paragraph.clause_span(entity.start, entity.end)
    return (
        entity.end == clause_end
        and entity.start - clause_start >= 3
        and clean[entity.start - 1] == "的"
        and (
            is_local_place(entity.text)
            or _is_site(entity)
            or entity.text.endswith(_WORKPLACE_SUFFIXES)
        )
        and not clean.endswith("来自", 0, entity.start)
    )


def _topic_places(context: _Context, span: tuple[int, int]) -> list[Entity]:
    """最让我难忘的是托木吾斯塘镇。, 地处火焰山脚下的吐峪沟乡，是…: a local place a
    sentence before the figure is about, in whatever position, carries on."""
    return [
        entity
        for entity in context.places
        if span[0] <= entity.start < span[1]
        and entity.start not in context.sidelined
        and entity.start not in context.affiliation
        and is_local_place(entity.text)
        and _TOPIC_END.match(context.paragraph.clean, entity.end)
    ]


_TOPIC_END = re.compile(r"[，,]?是|[。！？；;]|$")


# 昌吉区域门店: a company's area named after a region, not the region acting.
_BUSINESS_AREA = re.compile(r"区域|片区|市场|门店|分公司|办事处")


_SITE_SUFFIXES = (
    "产业园", "工业园", "园区", "景区", "展览馆", "民俗村", "口岸", "商城", "古城", "新城", "广场",
    "商场", "大厦", "酒店", "体育馆", "剧院", "滑雪场", "度假区", "旅游区",
)  # fmt: skip


def _is_site(entity: Entity) -> bool:
    return entity.text.endswith(_SITE_SUFFIXES)


CARRIED_SCOPES = ("span", "year", "duration", "event")
CARRY_SUBJECT = True
CARRY_PLACE = True
# Teams and groups of people go places; they are no place themselves.
_TEAM_SUFFIXES = (
    "工作队", "工作组", "医疗队", "服务队", "服务团", "团队", "专家组", "专家们", "干部人才",
    "骨干", "援疆企业", "中央企业", "援疆省市", "援疆教师", "援疆医生", "援疆",
)  # fmt: skip
_AID_ORG_SUFFIXES = ("指挥部", "分指", "工作队", "工作组", "医疗队")
_DOERS_ONLY = _TEAM_SUFFIXES + _AID_ORG_SUFFIXES


@dataclass(slots=True)
class Annotated:
    """A mention with the attributes the rules gave it."""

    mention: Mention
    qualifier: str
    change: str
    indicator: str
    subject: str
    place: str
    period: str


def annotate(
    paragraph: Paragraph, mentions: list[Mention], memory: DocumentMemory
) -> list[Annotated]:
    """Attributes for ``mentions`` (all inside ``paragraph``), in the same order."""
    # Only a lead without figures of its own sets the scene for what follows.
    # Found only when a figure needs it: scanning the lead costs time.
    lead_paragraph = memory.previous
    lead: str | None = None
    context = _context(paragraph, memory)
    lead_context = memory.previous_context
    memory.previous, memory.previous_context = None, None
    clean = paragraph.clean
    # A donor written before the figure (这个由上海援建的产业园…) says who, not where.
    first_name = min(
        (
            name.start
            for name in context.names()
            if not (
                name.kind == "place"
                and is_donor_side(name.text)
                and (name.start in context.sidelined or not _acts(context, name))
            )
            # 中心由上海援疆巴楚分指挥部投资…: a team or person says who, not where.
            and not (name.kind == "person" or name.text.endswith(_DOERS_ONLY))
        ),
        default=len(paragraph.clean),
    )
    spans = [
        (paragraph.clean_index(m.start), paragraph.clean_index(m.end - 1) + 1) for m in mentions
    ]
    results: list[Annotated] = []
    sentences: list[tuple[int, int]] = []
    group_indicator = ""
    for index, mention in enumerate(mentions):
        start, end = spans[index]
        clause = paragraph.clause_span(start, end)
        sentence = paragraph.sentence_span(start)
        sentences.append(sentence)
        previous_end = (
            spans[index - 1][1] if index and spans[index - 1][1] > clause[0] else clause[0]
        )
        next_start = (
            spans[index + 1][0]
            if index + 1 < len(spans) and spans[index + 1][0] < clause[1]
            else clause[1]
        )
        before = clean[previous_end:start]
        after = clean[end:next_start]
        joined_to_previous = index and previous_end > clause[0] and before in _COUNT_LINKS
        joined_to_next = next_start < clause[1] and after in _COUNT_LINKS
        indicator = _indicator(mention.unit, before, after)
        if joined_to_next:
            # 5批26人次的医改专家: a run of counts shares the noun after the last.
            tail_end = next_start
            for later in range(index + 1, len(spans)):
                following = spans[later + 1][0] if later + 1 < len(spans) else clause[1]
                following = min(following, clause[1])
                tail = clean[spans[later][1] : following]
                tail_end = spans[later][1]
                if tail not in _COUNT_LINKS:
                    break
            shared = _trim_after(clean[tail_end : min(clause[1], tail_end + _MAX_INDICATOR)])
            indicator = shared or indicator
        if joined_to_previous:
            indicator = group_indicator or indicator
        elif _TRANSITION_ONLY.match(_transition(context, before, previous_end)) and results:
            # 由3.15万立方米提升至5万立方米, 从前几年的3.5吨提高到今年的6.2吨: the
            # second number keeps the indicator.
            indicator = results[-1].indicator
        indicator = _tidy_indicator(context, clause, indicator, start)
        if not indicator and clause[0] >= 2 and _LINK_ONLY.match(clean, clause[0], start + 1):
            # 上海援疆前方指挥部在岗人数最多，达到836名: what the clause before names.
            earlier = paragraph.clause_span(clause[0] - 2, clause[0] - 1)
            phrase = _RANKING.sub("", clean[earlier[0] : clause[0] - 1])
            indicator = _tidy_indicator(context, earlier, _trim_before(phrase))
        if not indicator or any(time.text == indicator for time in context.times):
            # 投资：6800万元, 带动就业：2024年1120人，2025年1460人: the line's label.
            label = _LINE_LABEL.search(clean, max(0, clause[0] - 12), clause[0])
            if label and not any(t.start <= label.start("label") < t.end for t in context.times):
                indicator = label.group("label")
            elif indicator and results and sentences[-2:-1] == [sentence]:
                indicator = results[-1].indicator  # …，2025年1460人: the same count a year on
        if results and (
            _part_of_previous(context, clause, indicator, sentence[0])
            or _only_places(context, clause, indicator)
        ):
            # 吸纳就业2.3万人，其中南疆师市1.4万人; 上海、山东分别有…: the same count,
            # for a part.
            indicator = results[-1].indicator
        group_indicator = indicator
        subject, scene = _subject(context, sentence, start)
        if not scene and start < first_name:
            # Nothing named yet in this paragraph: the scene of the one before.
            if lead is None:
                if lead_context is None and lead_paragraph is not None:
                    lead_context = _names_only(lead_paragraph)
                lead = memory.scene_of(lead_context)
            scene = lead
        # 其中高昌区31个、鄯善县34个: in a breakdown, the place written right before
        # the number is its place, and no doer.
        after_previous = index and spans[index - 1][1] + 1
        adjacent = [
            e
            for e in context.places
            if (
                (
                    e.end == start
                    and (clean.endswith("其中", 0, e.start) or e.start == after_previous)
                )
                # 疏附县（6.2亿元）、伽师县（5.8亿元）: the place the bracket follows.
                or (e.end == start - 1 and clean[e.end] in "（(")
            )
            and is_local_place(e.text)
        ]
        if adjacent and (subject == adjacent[0].text or is_local_place(subject)):
            subject = ""
        # 新建幼儿园12所（乌什县）: a place in brackets right after the count.
        bracketed = [
            e
            for e in context.places + context.orgs
            if start < e.start <= clause[1]
            and clean[e.start - 1] in "（("
            and clean[e.end : e.end + 1] in ("）", ")")
            and (
                is_local_place(e.text)
                or (e.kind == "org" and (_is_site(e) or e.text.endswith(_BRACKETED_SITES)))
            )
            and not is_donor_side(e.text)
            and not _bracket_between(clean, end, e.start - 1)
        ]
        # 长沙、株洲、湘潭的23所学校, 吐鲁番的41所学校: institutions counted where they are.
        owning = [
            e
            for e in context.places
            if clean[e.end : start] == "的"
            and e.start >= clause[0]
            and _INSTITUTIONS.match(clean, end, end + 4)
        ]
        place = (
            adjacent[0].text
            if adjacent
            else owning[-1].text
            if owning
            else bracketed[0].text
            if bracketed
            else _place(
                context, sentence, clause, start, subject, scene, memory.posts.get(subject, "")
            )
        )
        if not place:
            # 推动皮山县46家企业入驻…: a local place written right before what it counts.
            place = next(
                (
                    e.text
                    for e in context.places
                    if e.end == start and is_local_place(e.text) and e.text != subject
                ),
                "",
            )
        results.append(
            Annotated(
                mention=mention,
                qualifier=_qualifier(mention, before),
                change=_change(mention, before),
                indicator=indicator,
                subject=subject,
                place=place,
                period=_period(context, sentence, clause, start, indicator),
            )
        )
    _changes_take_their_levels(results, sentences, spans, clean)
    _respectively(results, sentences, spans, context)
    _whole_area_is_the_paragraphs_place(results)
    _quotation_first(results, spans, context)
    _carry_place_across(results, context, memory)
    return results


def _quotation_first(
    results: list[Annotated], spans: list[tuple[int, int]], context: _Context
) -> None:
    """“今年…一亩地多卖了800多元。”在伊州区二堡镇的瓜田边，种植户吐尔逊·阿不都拉…: a
    paragraph opening on a quotation has its scene in the sentence after it (the
    speaker is no doer of what they tell, as in the corpus)."""
    clean = context.paragraph.clean
    quotes = _quote_spans(clean) if "“" in clean else []
    if not quotes:
        return
    quote_start, quote_end = quotes[0]
    if _SENTENCE_MARK.search(clean, 0, quote_start) or quote_end - quote_start < 8:
        return  # only a quotation the paragraph opens on
    mark = _SENTENCE_MARK.search(clean, quote_end)
    after_end = mark.end() if mark else len(clean)
    place = next(
        (
            name.text
            for name in context.names()
            if quote_end <= name.start < after_end
            and name.kind == "place"
            and name.start in context.locative
            and (is_local_place(name.text) or _is_site(name))
        ),
        "",
    )
    for item, (start, _) in zip(results, spans, strict=True):
        if quote_start < start < quote_end and not item.place:
            item.place = place


_SENTENCE_MARK = re.compile(r"[。！？!?；;]")


# 培训电商主播260人（喀什电商产业园）, 招聘会46场（喀什市人力资源市场）.
_BRACKETED_SITES = ("市场", "中心", "基地", "园", "医院", "学校", "中学", "小学", "车间", "工厂")


def _transition(context: _Context, before: str, offset: int) -> str:
    """The words between two numbers without times and a trailing 的 (提高到今年的 → 提高到)."""
    text = before
    for time in context.times:
        if offset <= time.start and time.text in text:
            text = text.replace(time.text, "", 1)
    return _LEADING_FILLERS.sub("", text.removesuffix("的"))


# 投资：, 带动就业： opening a line: what the numbers after it count.
_LINE_LABEL = re.compile(r"(?<![\u4e00-\u9fff])(?P<label>[\u4e00-\u9fff]{2,8})[：:]$")


def _bracket_between(clean: str, start: int, end: int) -> bool:
    """Whether another bracket or a figure's own clause mark lies in ``clean[start:end]``."""
    return any(mark in clean[start:end] for mark in "（()）；;")


_RESPECTIVELY = "分别"


def _respectively(
    results: list[Annotated],
    sentences: list[tuple[int, int]],
    spans: list[tuple[int, int]],
    context: _Context,
) -> None:
    """疏附县、伽师县分别新增就业1200人、900人: the n places of a list and the n
    counts after its 分别 pair off in order; a total after them keeps the list.

    The list is the figure's place, or else a list of local places written
    before 分别 in the sentence (采购巴楚县、莎车县农副产品分别达…,
    阿克苏市、温宿县分别选派320名和180名…赴浙江)."""
    clean = context.paragraph.clean
    if _RESPECTIVELY not in clean:
        return
    index = 0
    while index < len(results):
        item = results[index]
        respectively = clean.find(_RESPECTIVELY, sentences[index][0], spans[index][0])
        listed = item.place
        if "、" not in listed and respectively >= 0:
            lists = [
                place.text
                for place in context.places
                if sentences[index][0] <= place.start
                and place.end <= respectively
                and "、" in place.text
                and all(is_local_place(part) for part in place.text.split("、"))
            ]
            listed = lists[-1] if lists else listed
        parts = listed.split("、")
        where = clean.rfind(listed, sentences[index][0], spans[index][0])
        if len(parts) < 2 or where < 0 or respectively < 0:
            index += 1
            continue
        first_place, item.place = item.place, listed
        run = [index]
        while (
            len(run) < len(parts)
            and run[-1] + 1 < len(results)
            and sentences[run[-1] + 1] == sentences[index]
            and results[run[-1] + 1].place in (item.place, first_place)
            and results[run[-1] + 1].mention.unit == item.mention.unit
            and clean[spans[run[-1]][1] : spans[run[-1] + 1][0]] in ("、", "和", "，", ",", "及")
        ):
            run.append(run[-1] + 1)
        if len(run) == len(parts):
            for part, member in zip(parts, run, strict=True):
                results[member].place = part
            # …分别达1.62亿元和2.15亿元，合计3.77亿元: the total keeps the list.
            following = run[-1] + 1
            if (
                following < len(results)
                and sentences[following] == sentences[index]
                and _TOTAL.match(clean, spans[run[-1]][1] + 1)
            ):
                results[following].place = listed
        else:
            item.place = first_place
        index = run[-1] + 1


_TOTAL = re.compile(r"[^，,。；;]{0,6}(?:合计|共计|总计|累计|共)")


def _whole_area_is_the_paragraphs_place(results: list[Annotated]) -> None:
    """…人均药费下降32.7%（玛纳斯）…全县就诊人次增长超过36%: 全县 is the county the
    paragraph's figures are already placed in; with none before it, it stays as written."""
    current = ""
    for item in results:
        whole = item.place.startswith("全") and item.place[1:] in _WHOLE_AREAS
        # The same level only: 全县 is not the township named before it.
        fits = current.endswith(item.place[1:]) or not current.endswith(_WHOLE_AREAS)
        if whole and current and fits:
            item.place = current
        elif item.place and not whole:
            current = item.place


def _carry_place_across(
    results: list[Annotated], context: _Context, memory: DocumentMemory
) -> None:
    """展销会期间，现场累计接待市民23万人次: a place does not carry into the next
    paragraph, except an event's venue into a paragraph about the event that
    names no place and no organisation, and a heading's place into the lines
    under it."""
    clean = context.paragraph.clean
    # 来自南京的专家黄志明…: where someone came from sets no new scene.
    names_a_place = any(
        name.kind == "place" and not clean.endswith("来自", 0, name.start)
        for name in context.places + context.anaphora
    ) or any(org.kind == "org" for org in context.orgs)
    # 推介会上，…, 展销会期间，…: a paragraph opening on the event is about it,
    # whatever else it names.
    about_the_event = _ABOUT_THE_EVENT.search(clean) and (
        not names_a_place or _OPENS_ON_THE_EVENT.match(clean)
    )
    if memory.venue and about_the_event:
        for item in results:
            # 她说，展销会期间她每天直播6场: a person's own doings, not the event's.
            person = item.subject in memory.known_persons
            if not item.place and not person and not item.subject.endswith(_WORKPLACE_SUFFIXES):
                item.place = memory.venue
    venues = [
        name
        for name in context.places + context.orgs
        if name.start in context.locative and _HELD.match(clean, name.end)
    ]
    if venues:
        memory.venue = venues[-1].text
    for item in results:
        if not item.place and memory.heading_place:
            item.place = memory.heading_place
        if not item.period and memory.heading_period and not _OWN_PERIOD.match(item.indicator):
            item.period = memory.heading_period
    placed = [item.place for item in results if item.place]
    if placed:
        memory.last_place = placed[-1]


# …展销会在北京农业展览馆开幕: the venue of an event, and what is said about it after.
_HELD = re.compile(r"(?:隆重|正式)?(?:举办|开幕|举行|召开|启幕|开展)")
# …在喀什市深喀科技创新园开幕: a lead worth scanning for an event's venue.
_VENUE_HINT = re.compile(r"在[^，,。；;]{2,24}?(?:隆重|正式)?(?:举办|开幕|举行|召开|启幕)")
_ABOUT_THE_EVENT = re.compile(r"期间|为期|现场|展区|会上|本届|此次|开幕当天|开幕式|当天")
_OPENS_ON_THE_EVENT = re.compile(
    r"[^，,。]{0,8}(?:(?:会|节|展|周)(?:期间|上|现场)|开幕当天|开幕式上|截至当天[^，,。]{0,6})[，,]"
)


_FROM_BEFORE = re.compile(r"(?<=[\u4e00-\u9fff]{2})(?:从|由)[^，,、从由]{0,4}的?$")
_QUOTED_RUN = re.compile(r"(?:[“\"「][^”\"」]{1,20}[”\"」][、和]?)+等?")
_TRAILING_CHANGE = re.compile(r"(?:同比|分别)*(?:下降|增长|增加|提高|提升|上升|减少|降低)了?$")
_CAMPAIGN_VERB = re.compile(r"(?:举办|开展|组织|启动|举行|实施|推出|打造|策划|承办)$")
_INDICATOR_FILLERS = re.compile(
    r"各类|各种|各项|(?<=[划办展建成])了|^(?:全年|今年以来|今年|共|牵头)+"
)


# 1300人、980人和760人: counts in a run, sharing what they count.
_COUNT_LINKS = ("", "、", "共", "和", "及")
_LIST_TAIL_END = re.compile(
    r"(?:等?(?:[两二三四五六七八九十]|\d{1,2})个?(?:县市区|县市|县区|县|市|乡镇|乡|镇|村|地))$"
)


def _not_inside_a_name(
    context: _Context, clause: tuple[int, int], indicator: str, figure: int
) -> str:
    """挥部推动叶城核桃进入…: a phrase cut off inside a name starts after the name."""
    clean = context.paragraph.clean
    if figure < 0:
        return indicator
    at = clean.rfind(indicator, clause[0], figure)
    if at < 0 or clean[at + len(indicator) : figure].strip("的 ") != "":
        return indicator
    for name in context.names():
        if name.start < at < name.end and name.end - at < len(indicator) - 1:
            return indicator[name.end - at :]
    return indicator


def _tidy_indicator(
    context: _Context, clause: tuple[int, int], indicator: str, figure: int = -1
) -> str:
    """培训阿克苏地区中小学校长 → 培训中小学校长; 辽宁援疆在塔城地区举办…招聘会 → 举办…招聘会.

    What is counted is named without who counted it, where it happened and the
    names of campaigns in quotes: the doer and a site (在/于…) are dropped, a
    destination (赴/到/来…) stays.
    """
    if not indicator:
        return indicator
    text = _not_inside_a_name(context, clause, indicator, figure)
    for name in context.names():
        if not (clause[0] <= name.start < clause[1]) or name.text not in text:
            continue
        at = text.find(name.text)
        if name.kind in ("org", "person") and at <= 2 and at + len(name.text) < len(text):
            text = text[at + len(name.text) :]
        elif name.kind == "place" and text[at - 1 : at] in ("在", "于") and at:
            text = text[: at - 1] + text[at + len(name.text) :]
        elif (
            name.kind == "place"
            and at == 0
            and not is_xinjiang_place(name.text)
            and not 0 <= figure < name.start  # 20家泉州企业: whose, of what is counted
        ):
            text = text[len(name.text) :]  # 湖北累计投入…: the donor is the subject
        elif (
            name.kind == "place"
            and at
            and ("、" in name.text or text[at + len(name.text) :].startswith("的"))
        ):
            # 安排阿克苏市、温宿县教育援疆资金, 对接广州、佛山的服装企业: where, not what.
            members = _LIST_TAIL_END.sub("", name.text)
            end = at + len(members)
            text = text[:at] + text[end + (1 if text[end : end + 1] == "的" else 0) :]
        elif name.kind == "place" and text[max(0, at - 2) : at] == "投入":
            # 累计投入博州和第五师教育援疆资金: where the money went is the place.
            end = at + len(name.text)
            joined = re.match(r"(?:[和、及](?:兵团)?第?[一二三四五六七八九十\d]+师)", text[end:])
            text = text[:at] + text[end + (joined.end() if joined else 0) :]
    for time in context.times:
        if clause[0] <= time.start < clause[1] and time.text in text and time.text != text:
            text = text.replace(time.text, "", 1)  # 江苏援疆资金“十四五”以来累计投入
    text = _INDICATOR_FILLERS.sub("", text)
    # A campaign's name before what it counts (“辽塔春风”专场招聘会), not a name counted.
    text = _QUOTED_RUN.sub(
        lambda m: (
            ""
            if m.end() < len(text) and (not m.start() or _CAMPAIGN_VERB.search(text, 0, m.start()))
            else m.group()
        ),
        text,
    )
    # 转往疆外就医的患者数量下降: what changed, without the change.
    text = _TRAILING_CHANGE.sub("", text)
    text = _FROM_BEFORE.sub("", text)  # 平均单产从前几年的3.5吨: what, not since when
    text = text.lstrip("的、，,").removesuffix("的")
    return text if len(text) >= 2 else indicator


_LINK_ONLY = re.compile(
    r"(?:已经|已|均|分别|共计|共|合计|累计|达到|达|为|有|是)+(?=[\d一二两三四五六七八九十百千])"
)
_RANKING = re.compile(r"(?:最多|最高|最大|最快|居首|第一|领先)$")


def _only_places(context: _Context, clause: tuple[int, int], indicator: str) -> bool:
    """An indicator that is nothing but the places the clause names (山东、广东、深圳)."""
    rest = indicator
    for name in context.places:
        if clause[0] <= name.start < clause[1]:
            rest = rest.replace(name.text, "")
    return bool(indicator) and rest.strip("、和及分别") == ""


def _part_of_previous(
    context: _Context, clause: tuple[int, int], indicator: str, since: int
) -> bool:
    """吸纳就业2.3万人，其中南疆师市1.4万人; 其中，阿克苏市134名，温宿县62名."""
    clean = context.paragraph.clean
    if not (clean.startswith("其中", clause[0]) or "其中" in clean[since : clause[0]]):
        return False
    rest = indicator.removeprefix("其中")
    return not rest or any(
        name.text == rest for name in context.places if clause[0] <= name.start < clause[1]
    )


# …资金支付率85%，去年同期为82.2%: the same indicator at the time compared with.
_BASE_ONLY = re.compile(r"^(?:去年同期|上年同期|去年|上年|同期)(?:为|是)?$")
_CHANGE_PHRASE = re.compile(
    r"^(?:同比|分别|[比较与和]|相比)*"
    r"(?:上年末|去年底|上年|去年|前年|上一年|[一二两三四五\d]年前|[他她]?刚来时|援疆前|以前|过去"
    r"|上个[\u4e00-\u9fff]{1,3}|上一轮(?:调研)?|上一期)?"
    r"(?:同期)?(?:相比)?"
    r"(?:分别|均)?"
    r"(?:增长|增加|提高|提升|上升|上涨|下降|减少|降低|缩短|增幅|降幅|回落|增|降|减)?了?"
    r"(?:到|至|为)?$"
)


def _changes_take_their_levels(
    results: list[Annotated],
    sentences: list[tuple[int, int]],
    spans: list[tuple[int, int]],
    clean: str,
) -> None:
    """到位援疆资金58.7亿元，增长6.4%: a change measures the level figure before it.

    With 分别 (接待游客126.4万人次，旅游收入11.8亿元，分别增长16.2%、19.7%)
    the changes take the levels before them in order.
    """
    index = 0
    while index < len(results):
        item = results[index]
        base = _BASE_ONLY.match(item.indicator)
        if not (item.change or base) or not _CHANGE_PHRASE.match(item.indicator):
            index += 1
            continue
        run = [index]
        while run[-1] + 1 < len(results):
            following = results[run[-1] + 1]
            between = clean[spans[run[-1]][1] : spans[run[-1] + 1][0]]
            listed = between in ("、", "和", "及") and following.indicator in (
                item.indicator,
                "",
            )
            changed = (
                following.change
                and _CHANGE_PHRASE.match(following.indicator)
                and between in ("、", "和", "及", "，", ",")
            )
            if not (listed or changed):
                break
            run.append(run[-1] + 1)
        levels = [j for j in range(index) if not results[j].change and results[j].indicator]
        same_sentence = [j for j in levels if sentences[j] == sentences[index]]
        levels = same_sentence or levels[-1:]
        respectively = "分别" in item.indicator and len(levels) >= len(run)
        for position, k in enumerate(run):
            if not levels:
                break
            level = levels[position - len(run)] if respectively else levels[-1]
            results[k].indicator = results[level].indicator
        index = run[-1] + 1
