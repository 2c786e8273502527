"""Recognise organisations, places and time expressions in clean text.

Chinese has no word boundaries, so names are found from their *suffixes*
(县, 市, 乡, 指挥部, 公司, 医院 ...) and extended leftwards until a function
word, a common verb, punctuation or a neighbouring name stops them. Names may
come out a little long on the left; the rules that use them only need the
name to be contained in what is returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache, wraps

from .regions import first_char_checked, is_xinjiang_place, region_names, trie_pattern

_CJK = re.compile(r"[\u4e00-\u9fff]")

# Provinces and regions without their 省/市/自治区 suffix, and Xinjiang short
# forms people write instead of full prefecture names: general knowledge.
PROVINCES = (
    "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 "
    "湖北 湖南 广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 "
    "香港 澳门"
).split()
XINJIANG_SHORT_FORMS = (
    "昌吉州 伊犁州 博州 巴州 克州 和田地区 喀什地区 阿克苏地区 塔城地区 阿勒泰地区 "
    "吐鲁番 哈密 南疆 北疆 东疆 兵团 乌鲁木齐 克拉玛依 石河子 五家渠 "
    "阿拉尔 图木舒克 北屯 铁门关 双河 可克达拉 昆玉 胡杨河 新星 白杨"
).split()
# Donor cities that send their own teams (宁波援疆, 深圳援疆): general knowledge.
DONOR_CITIES = (
    "深圳 宁波 杭州 温州 嘉兴 湖州 绍兴 金华 台州 南京 苏州 无锡 常州 徐州 南通 扬州 泰州 "
    "福州 厦门 泉州 漳州 三明 莆田 南平 龙岩 宁德 大连 沈阳 长春 哈尔滨 大庆 广州 珠海 东莞 "
    "佛山 惠州 中山 青岛 济南 烟台 潍坊 武汉 长沙 合肥 郑州 南昌 太原 石家庄 "
    "芜湖 蚌埠 安庆 马鞍山 宜昌 襄阳 荆州 黄石 十堰 孝感 九江 赣州 景德镇 吉安 上饶 唐山 保定 "
    "邯郸 邢台 沧州 廊坊 承德 张家口 秦皇岛 衡水 株洲 湘潭 岳阳 常德 衡阳 郴州 洛阳 开封 新乡 "
    "焦作 许昌 安阳 南阳 信阳 周口 商丘 淄博 枣庄 东营 威海 日照 临沂 德州 聊城 济宁 泰安 锦州 "
    "鞍山 抚顺 丹东 营口 盘锦 铁岭 四平 通化 松原 齐齐哈尔 牡丹江 佳木斯 晋城 长治 大同 阳泉 "
    "临汾 运城 汕头 韶关 江门 湛江 肇庆 梅州 连云港 淮安 盐城 镇江 宿迁 舟山 丽水 衢州 "
    "菏泽 滨州 宿州 阜阳 六安 亳州 池州 宣城 铜陵 淮南 淮北 黄山 滁州 鄂州 荆门 咸宁 随州 "
    "恩施 黄冈 益阳 永州 怀化 娄底 邵阳 张家界 漯河 三门峡 平顶山 鹤壁 濮阳 驻马店 济源 "
    "朔州 忻州 吕梁 晋中 本溪 阜新 辽阳 葫芦岛 辽源 白城 延边 鸡西 鹤岗 双鸭山 伊春 七台河 "
    "黑河 绥化 汕尾 河源 阳江 清远 潮州 揭阳 云浮 茂名 萍乡 新余 鹰潭 宜春 抚州 "
    "海淀 浦东 闵行 奉贤 静安 徐汇 黄浦 长宁 普陀 杨浦 宝山 嘉定 松江 青浦 崇明"
).split()
# One-character province names, recognised only right after 在/赴/来/进 ...
PROVINCE_ABBREVIATIONS = "京津沪渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤琼川蜀黔贵滇陕甘陇青宁藏桂"

_PLACE_SUFFIXES = (
    "维吾尔自治区 自治区 自治州 自治县 经济技术开发区 开发区 高新区 新区 地区 社区 街道 "
    "省 市 州 县 区 乡 镇 村 景区 油田 农场 牧场 展览馆 口岸 山北麓 山南麓 山东麓 山西麓 "
    "商城 古城 新城 广场 商场 大厦 酒店 体育馆 剧院 滑雪场 河畔 湖畔 度假区 旅游区 总场"
).split()
_ORG_SUFFIXES = (
    "分指挥部 指挥部 分指 工作队 工作组 医疗队 服务队 有限责任公司 有限公司 公司 集团 控股 "
    "科技 医院 分院 卫生院 保健院 检察院 法院 福利院 敬老院 养老院 卫生室 "
    "学校 中学 小学 大学 学院 幼儿园 服务中心 服务站 中心 妇联 团委 工会 "
    "委员会 政府 管委会 厅 局 协会 商会 合作社 基金会 银行 研究院 研究所 展厅 纪念馆 "
    "博物馆 会展中心 产业园区 工业园区 产业园 工业园 科技园区 科教园区 物流园区 科教园 科技园 "
    "创新园 物流园 孵化园 示范园 加工厂 光伏电站 电站 改良站 工作站 "
    "焦化 纸业 茶业 化工 矿业 煤业 乳业 建材 "
    "教师团队 医疗团队 专家团队 援疆团队 专家组 服务团 干部人才 业务骨干 "
    "援疆干部人才 援疆干部 援疆专家"
).split()
_SITE_AFTER_A_NAME = frozenset(
    "新城 商城 古城 广场 商场 大厦 酒店 体育馆 剧院 展览馆 口岸 新区 开发区 高新区 "
    "经济技术开发区 景区".split()
)
# Suffix hits that are ordinary words (市场, 区域, 乡村, 布局 ...).
_PLACE_NOT_BEFORE = {
    "市": "场民级内外值长",
    "县": "域级内外长乡上里城",
    "区": "域级内外别间长块",
    "州": "级内外长市",
    "省": "级内外份会长",
    "乡": "村镇土亲愁情音长上里",
    "村": "民级集委规长道上里庄",
    "镇": "区级长上里",
    "新城": "区镇乡街",  # 广州新城 is a site; 新城区, 新城街道 end on their own suffix
}
_NAME_NOT_ENDING = {
    "市": "城超都上股夜坊",
    "区": "园景山城牧小校片辖库心范能务活展商护验矿灾疫播产专",
    "乡": "城家故他异返下",
    "村": "乡农山城渔牧新古业政困范点境然通系扶贫板",
    "镇": "城乡",
    "局": "布格大全结开当时残",
    "厅": "大客餐",
    "中心": "为",
}
# Characters that never occur inside a name here; 和/于 are handled apart
# because 和田 and 于田 are place names.
_STOP_CHARS = set(
    "在赴到为向从由与及的对把将让使给了是以等并也都又还就已被其这该那各每之而或但且即共着过此均约近超达据们"
)
_NAME_EXCEPTIONS = ("和田", "和静", "和硕", "和布克赛尔", "于田", "将军")
_STOP_WORDS = (
    "推动 支持 帮扶 帮助 援助 支援 对口 走进 前往 来到 落地 位于 组织 援建 引进 立足 聚焦 带动 "
    "促进 服务 深入 覆盖 成立 依托 实现 开展 举办 选派 派出 协调 推进 打造 建成 建设 投入 培养 "
    "引导 鼓励 成为 携手 联合 指导 发动 动员 加入 签约 签订 达成 包括 其中 作为 通过 经过 借鉴 "
    "利用 吸引 孵化 培育 召开 参加 参与 举行 启动 探索 统筹 坚持 持续 积极 不断 全力 精心 先后 "
    "相继 分别 共同 已经 目前 如今 同时 此外 另外 今年 去年 近日 日前 期间 以来 年来 告诉 表示 "
    "介绍 说 还 植入 引领 承接 面对 针对 按照 根据 围绕 借助 发挥 提升 改造 完成 开通 举办 "
    "来自 赴 辖区 所处 扎根 全面 重点 精准 主动 首批 新建 成功 打通 紧贴 带领 带教 带着 担任 "
    "进驻 派驻 入驻 常驻 任教 挂职 安排 抵达 奔赴 分赴 走遍 跑遍 进入 惠及 辐射 "
    "走出 走向 投向 驻扎 搬进 搬到 住进 迁入 富民 工作人员 走村 入户 创建 争创 实施 "
    "那时候 这时候 布设 周边 偏远 慰问 关爱 离开 分省市 分地区 "
    "遍布 分布在 下达 拨付 对接 衔接 遍及 飞抵 涉及 我们 咱们"
).split()
# 福州, 泉州: one-character names before 州 that are not 全州/该州/我州.
_NOT_CITY_CHARS = set("全该我本此各满神亚欧非澳美九")
_STOP_WORDS_RE = re.compile("|".join(sorted(set(_STOP_WORDS), key=len, reverse=True)))
_MAX_NAME = {"乡": 8, "镇": 8, "村": 6, "社区": 8, "街道": 8}
_MAX_NAME_DEFAULT = 7
_MAX_ORG_NAME = 16

_PLACE_SUFFIX_RE = re.compile("|".join(_PLACE_SUFFIXES))
_ORG_SUFFIX_RE = re.compile(
    "(?:" + "|".join(_ORG_SUFFIXES) + ")(?!挥|成员|有限|股份|集团|公司|工作队|工作组|园)"
)


@cache
def _known_place_re() -> re.Pattern[str]:
    """Provinces, Xinjiang short forms and the region table's names, as one trie."""
    return re.compile(
        trie_pattern({*PROVINCES, *DONOR_CITIES, *XINJIANG_SHORT_FORMS, *region_names()})
    )


_BINGTUAN_RE = re.compile(
    r"(?:新疆生产建设)?兵团第[一二三四五六七八九十\d]+师|第[一二三四五六七八九十\d]+师"
    r"|农[一二三四五六七八九十]+师|\d{2,3}团|(?<![\u4e00-\u9fff第])[一二三四五六七八九十]{1,2}团(?=是|场|[，。、,])|[一二三四五六七八九〇零]{3}团|[一二三四五六七八九十]{2,3}团(?=场|[^结队体购\u4e00-\u9fff])"
    r"|(?<![一二三四五六七八九十〇零第两几])(?:[一二三四五六七八九]十[一二三四五六七八九]?|十[一二三四五六七八九])团(?![结队体购员委])"
    # 选派到一师的, 兵团一师浙江援疆工作组: a bare division after 到/在/兵团.
    r"|(?<=[在到赴驻])(?:十[一二三四]|[一二三四五六七八九十])师(?=[的，。、,]|阿拉尔|[\u4e00-\u9fff]{2}援疆)"
    r"|(?<=兵团)(?:十[一二三四]|[一二三四五六七八九十])师(?![生资傅范父长])"
    # 十团三连, 一师阿拉尔市十团: a regiment with its company, or after its division.
    r"|(?:[一二三四五六七八九十]{1,3}|\d{2,3})团[一二三四五六七八九十\d]{1,3}连(?![续接锁带同线通])"
    r"|(?<=[市师])[一二三四五六七八九十]{1,3}团(?![结队体购员委])"
    # 红星二场, 红星二场五连: a division's farm numbered after its name.
    r"|红星[一二三四五六]场(?:[一二三四五六七八九十\d]{1,2}连)?"
    # 在一团、二团、三团分别建成: regiments in a list.
    r"|(?<=[在、和及的])[一二三四五六七八九十]{1,2}团(?=[、和及]|分别|等|的)"
)
_BINGTUAN_RE = first_char_checked(_BINGTUAN_RE)
_ANAPHORA_RE = re.compile(
    "(?:该|本|全|我|此)(?:" + "|".join(_PLACE_SUFFIXES + _ORG_SUFFIXES) + "|校|院)"
    "|(?<![\u4e00-\u9fff])(?:园区|景区|学校|医院|度假区|旅游区)"
    "|(?<=[的，,在为帮给到])(?:园区|景区|学校|医院|度假区|旅游区)"
    "|(?<=走进|进入|来到|力争|推动|确保)(?:园区|景区|学校|医院)"
    "|(?<![农乡山渔牧城新])村里|(?<=用于|落户|入驻)(?:园区|景区)"
    "|(?<=[到进])村(?![民委级集])|当地|本地|(?<=[在到来])这里|(?<=[在到])那里|(?<=[在于])此(?=[投建设举开落新])"
    "|(?<=在)(?:开发区|产业园|工业园|中心|服务站)(?![\u4e00-\u9fff]{0,1}[的])|(?:该|本|全)师(?![生资傅范])"
    "|(?<=[，,年的])团场(?![职党连])|(?<=依托)服务站"
    # 乡里的合作社, 县里的学校, 团里: the township, county or regiment named before.
    "|(?<![一-鿿])(?:乡里|镇里|县里|团里)|(?<=[的，,在])(?:乡里|镇里|县里|团里)"
    "|(?<=[年月])(?:乡里|镇里|县里|团里)"  # 今年乡里依托…
    "|(?<=[在到])场里"  # 在场里办了5场招聘会: the farm
    "|(?<=我们|咱们)(?:医院|学校|村|县|乡|镇|团)(?![委长里的民])"
    # 这家企业今年吸纳…, 这所学校: the company or school named before.
    "|这家(?:企业|公司|医院|合作社|工厂)|这所(?:学校|医院|中学|小学)|这个合作社|该厂|这座电站"
)
_ANAPHORA_RE = first_char_checked(_ANAPHORA_RE)
# What a bare word points back to: 学校 is the school named before, 村里 the village.
BARE_REFERENCES = {
    "学校": "校", "医院": "医院", "村里": "村", "村": "村",
    "乡里": "乡", "镇里": "镇", "县里": "县", "团里": "团",
    "开发区": "开发区", "产业园": "园", "工业园": "园", "度假区": "度假区", "旅游区": "旅游区",
    "县": "县", "乡": "乡", "镇": "镇", "团": "团", "团场": "团场", "场里": "场",
}  # fmt: skip

# Markers after which a name is where something happens, not who does it.
LOCATIVE_MARKERS = (
    "在 赴 到 至 于 向 为 给 对 帮扶 帮助 支持 援助 支援 走进 前往 来到 落地 位于 进驻 深入 "
    "服务 覆盖 惠及 辐射 走出 走向 进入 抵达 奔赴 援建 针对 对口支援 对口援助 来 来自 "
    "跑遍 走遍 投入 投向 扎根 驻扎 "
    "遍布 分布在 安排 下达 拨付 助力 扶持 落户 走访 调研 常驻 遍及 飞抵 入驻 涉及 派驻 派往 "
    "销往 运往 发往 远销 协助"
).split()


@dataclass(slots=True)
class Entity:
    """A name or time expression located in a paragraph's clean text."""

    start: int
    end: int
    text: str
    kind: str  # "org", "place" or "time"
    scope: str = ""  # for time: "span", "year", "point" or "duration"


_MEMOS: list[dict[str, tuple[Entity, ...]]] = []
_MEMO_MAX = 4096


def _per_document(finder):
    """Remember what ``finder`` found in each text of the report being read.

    A paragraph is scanned for names when its own figures are read, again as
    the lead of the next paragraph and again when a later 该村 looks back;
    the names are found once. ``forget_document`` empties the memo between
    reports. Callers get a list of their own; entities are never changed.
    """
    memo: dict[str, tuple[Entity, ...]] = {}
    _MEMOS.append(memo)

    @wraps(finder)
    def remembered(text: str, *args, **kwargs) -> list[Entity]:
        if args or kwargs:
            return finder(text, *args, **kwargs)
        found = memo.get(text)
        if found is None:
            if len(memo) >= _MEMO_MAX:
                memo.clear()
            found = memo[text] = tuple(finder(text))
        return list(found)

    return remembered


def forget_document() -> None:
    """Empty the memos of names found in the report read before."""
    for memo in _MEMOS:
        memo.clear()


def _is_name_char(text: str, index: int) -> bool:
    char = text[index]
    if not "\u4e00" <= char <= "\u9fff":  # _CJK, without a regex call per character
        return False
    if char in _TRANSLITERATED and index and _inside_a_name(text, index):
        return True  # 巴格其镇, 英也尔乡, 达西村: sounds of Uyghur names
    if char in "和于将":
        return any(text.startswith(name, index) for name in _NAME_EXCEPTIONS)
    if char in _STOP_CHARS:
        return False
    return True


_TRANSLITERATED = "其也达那"


def _inside_a_name(text: str, index: int) -> bool:
    """其, 也, 达 inside a transliterated name: a name character on their left that
    does not end a name itself (县也… is 县 + 也), and no 中/到 after (其中, 达到)."""
    left = text[index - 1]
    right = text[index + 1 : index + 2]
    if left in "在赴到" or not _CJK.match(left):
        # 在也克先拜巴扎镇, 在达勒特镇, ，也格孜牙村: opening a name, not "also" (也在, 也是)
        return (
            bool(_CJK.match(right))
            and right not in _STOP_CHARS
            and right not in "有要能会中到成他些里么样"
        )
    if left == "、":  # 提孜那甫乡、达布达尔乡
        return bool(_CJK.match(right)) and right not in _STOP_CHARS and right not in "中到成"
    return (
        bool(_CJK.match(left))
        and left not in _STOP_CHARS
        and (text[index] != "也" or left not in "县市州区省乡镇村团师")
        and right not in ("中", "到", "成", "实", "标", "他", "余", "些", "里", "么", "样")
    )


def cut_date(text: str, start: int, end: int) -> bool:
    """True when ``text[start]`` is the 年, 月 or 日 closing a number (2023年进驻…)."""
    if start >= end or start == 0 or text[start] not in "年月日":
        return False
    before = text[start - 1]
    return before.isdigit() or before in "〇零一二三四五六七八九十"


def _name_start(text: str, end: int, floor: int, limit: int) -> int:
    """Leftmost start of a name ending at ``end``, no further left than ``floor``."""
    start = end
    # Look two characters further than the limit so that a verb cut by the
    # limit (推|进昌吉...) is still recognised and cut away.
    while start > floor and end - start < limit + 2 and _is_name_char(text, start - 1):
        start -= 1
    # 2023年进驻…: the 年 of a date opens no name.
    while cut_date(text, start, end):
        start += 1
    cut = start
    for match in _STOP_WORDS_RE.finditer(text, max(0, start - 3), end):
        if match.end() > start:  # 其中疏附县: 其中 straddles the left edge
            cut = max(cut, match.end())
    return max(cut, end - limit)


_COUNTED_BEFORE = re.compile(r"[\d两二三四五六七八九十百千万余多][座个家所处条栋间台]")
# 哈密瓜, 伽师瓜, 和田玉, 库尔勒香梨: a region's name in a product's.
_PRODUCE_AFTER = re.compile(r"瓜(?![州])|玉(?![龙县])|香梨")


@_per_document
def find_places(text: str, orgs: list[Entity] | None = None) -> list[Entity]:
    """Place names in ``text``; adjacent names merge into one chain (昌吉市六工镇)."""
    found: list[tuple[int, int]] = []
    for match in _known_place_re().finditer(text):
        if _conjunction_reading(text, match.start(), match.end()):
            continue
        if _PRODUCE_AFTER.match(text, match.end()):
            continue  # 哈密瓜, 和田玉: produce named after where it grows
        if text.startswith("各地", match.end()) and not is_xinjiang_place(match.group()):
            found.append((match.start(), match.end() + 2))  # 销往河南各地
            continue
        found.append((match.start(), match.end()))
    if "团" in text or "师" in text or "红星" in text:  # every division, regiment or farm name
        for match in _BINGTUAN_RE.finditer(text):
            found.append((match.start(), match.end()))
    floor = 0
    # Where each name from the tables ends, with its start (the leftmost).
    known_ends: dict[int, int] = {}
    for known, end in found:
        known_ends[end] = min(known, known_ends.get(end, known))
    for match in _PLACE_SUFFIX_RE.finditer(text):
        suffix = match.group()
        nxt = text[match.end() : match.end() + 1]
        if nxt and nxt in _PLACE_NOT_BEFORE.get(suffix, ""):
            continue
        limit = _MAX_NAME.get(suffix, _MAX_NAME_DEFAULT)
        start = _name_start(text, match.start(), floor, limit)
        if known_ends.get(match.end(), -1) > start:
            continue  # 预算单位采购巴楚县: the known name, not what is written before it
        aid = text.rfind("援疆", start, match.start())
        if aid >= 0:
            start = aid + 2  # 河北援疆助力若羌县: the place begins after the donor
        name = text[start : match.start()]
        if name.startswith(("一个", "每个", "这个", "那个", "哪个")):
            continue  # 一个村一个村地走: a manner of going, no village's name
        if start and text[start] in "座个家所处条栋间台" and _COUNTED_BEFORE.match(text, start - 1):
            continue  # 建成3座标准化牧场: what is counted, no place's name
        before = [i for i, span in enumerate(found) if span[1] == start] if not name else []
        if before and suffix in _SITE_AFTER_A_NAME:
            # 广州新城, 喀什古城: a site named after the place just before it.
            found[before[-1]] = (found[before[-1]][0], match.end())
            floor = match.end()
            continue
        short_city = suffix == "州" and len(name) == 1 and name not in _NOT_CITY_CHARS
        if (len(name) < 2 and not short_city) or name[-1] in _NAME_NOT_ENDING.get(suffix, ""):
            continue
        found.append((start, match.end()))
        floor = match.end()
    if "等" in text and _NAMING_TAIL.search(text):
        for match in _NAMED_BY_TAIL.finditer(text):
            found = [span for span in found if not match.start() <= span[0] < match.end()]
            found.append((match.start(), match.end()))
    for match in _COLLECTIVE_RE.finditer(text):
        if match.group()[0].isdigit() and not any(end == match.start() for _, end in found):
            continue  # 跑遍了14个乡镇: a count, not the places just named
        found.append((match.start(), match.end()))
    return _join_possessive(
        text, _join_lists(text, _join_routes(text, _merge_chains(text, found, "place")))
    )


# Lower is wider: 喀什地区的疏附县, 伽师县的卧里托格拉克镇, 巴仁镇的阿克墩村.
_AREA_LEVELS = (("地区", 1), ("州", 1), ("师", 1), ("市", 2), ("县", 3), ("区", 3),
                ("乡", 4), ("镇", 4), ("团", 4), ("村", 5), ("连", 5))  # fmt: skip


def _area_level(name: str) -> int:
    return next((level for suffix, level in _AREA_LEVELS if name.endswith(suffix)), 0)


def _join_possessive(text: str, places: list[Entity]) -> list[Entity]:
    """喀什地区的疏附县: a wider area's 的 and a place in it name one place."""
    joined: list[Entity] = []
    for place in places:
        previous = joined[-1] if joined else None
        if (
            previous
            and place.start == previous.end + 1
            and text[previous.end] == "的"
            and 0 < _area_level(previous.text) < _area_level(place.text)
            and "、" not in place.text + previous.text
        ):
            joined[-1] = Entity(
                previous.start, place.end, text[previous.start : place.end], "place"
            )
        else:
            joined.append(place)
    return joined


# 各团场, 各县区: every one of the aided region's own.
_EACH_OF = ("团场", "师市", "县市区", "县市", "县区", "乡镇")
# 四县市, 两县, 三个乡镇: the places just named, taken together.
_COLLECTIVE_RE = re.compile(
    r"(?:[两二三四五六七八九十]|\d{1,2})个?(?:县市区|县市|县区|县|乡镇|乡|镇|村)(?![长级委域内外])"
    rf"|(?:(?<![\u4e00-\u9fff])|(?<=[在到赴]))各(?:{'|'.join(_EACH_OF)})"
    r"|(?:(?<![\u4e00-\u9fff])|(?<=[在到赴组织与为年月]))(?:全)?师市(?![场民级委])"
)
_COLLECTIVE_RE = first_char_checked(_COLLECTIVE_RE)
# 在古江巴格、纳瓦格、努尔巴格等街道: names not in the tables, listed before a
# tail that says what they are.
_TAIL_KIND = r"[\u4e00-\u9fff]{2,5}等(?:街道|社区|乡镇|村|乡|镇|团场)"
_NAMED_BY_TAIL = re.compile(rf"(?<=[在到赴为对])(?:[\u4e00-\u9fff]{{2,5}}、){{1,6}}{_TAIL_KIND}")
_NAMING_TAIL = re.compile(f"、{_TAIL_KIND}")  # a cheap test before the list is looked for
# 疏附、伽师两县, 杭州、宁波等地: the list and what sums it up.
_LIST_TAIL = re.compile(
    r"等(?:高原|边境|偏远)?(?:牧区|山区)|等(?:地|县市|县|市|乡镇|乡|镇|村|地区)|等?(?:[两二三四五六七八九十]|\d{1,2})个?(?:县市区|县市|县区|县|市|乡镇|乡|镇|村|地)"
)


def _join_lists(text: str, places: list[Entity]) -> list[Entity]:
    """Places written as one list (和田市、和田县、墨玉县) are one place, with their tail."""
    joined: list[Entity] = []
    for place in places:
        previous = joined[-1] if joined else None
        if previous and place.start == previous.end + 1 and text[previous.end] == "、":
            joined[-1] = Entity(
                previous.start, place.end, text[previous.start : place.end], "place"
            )
        elif previous and place.start == previous.end and _LIST_TAIL.match(text, previous.end):
            joined[-1] = Entity(
                previous.start, place.end, text[previous.start : place.end], "place"
            )
        else:
            joined.append(place)
    result = []
    for place in joined:
        tail = "、" in place.text and _LIST_TAIL.match(text, place.end)
        if tail:
            place = Entity(place.start, tail.end(), text[place.start : tail.end()], "place")
        result.append(place)
    return result


# Before a bare 和田 or 于田 these leave 和/于 a place's first character; after
# any other character they read as "and"/"in" (技术指导和田间管理, 用于田间).
_BEFORE_BARE_NAME = set('在赴到至向从自往来进、与及同，,；;：:。！？（(“"《')


def _conjunction_reading(text: str, start: int, end: int) -> bool:
    if text[start] not in "和于" or text[end - 1] in "县市区州":
        return False
    return (
        start > 0
        and _CJK.match(text[start - 1]) is not None
        and (text[start - 1] not in _BEFORE_BARE_NAME)
    )


ROUTE_LINKS = "至到—－-"


def _join_routes(text: str, places: list[Entity]) -> list[Entity]:
    """福州至奇台: two places joined by 至/到/— name one route, a single place."""
    joined: list[Entity] = []
    for place in places:
        if joined and place.start == joined[-1].end + 1 and text[joined[-1].end] in ROUTE_LINKS:
            start = joined.pop().start
            place = Entity(start, place.end, text[start : place.end], "place")
        joined.append(place)
    return joined


def is_route(entity: Entity) -> bool:
    """True for a route such as 福州至奇台 found by ``find_places``."""
    return entity.kind == "place" and any(link in entity.text for link in ROUTE_LINKS)


_KINDS_OF_SCHOOL = re.compile(r"中小学|所有|部分|受援|农牧区|各类|城乡")
_GRADES = frozenset("三级 二级 一级 三甲 二甲 三乙 二乙 县级 乡级 示范性 重点".split())


@_per_document
def find_orgs(text: str) -> list[Entity]:
    """Organisation names (…工作队, …分指挥部, …公司, …医院) in ``text``."""
    entities: list[Entity] = []
    floor = 0
    for match in _ORG_SUFFIX_RE.finditer(text):
        suffix = match.group()
        start = _name_start(text, match.start(), floor, _MAX_ORG_NAME)
        name = text[start : match.start()]
        if entities and entities[-1].end == start and name in ("", "总", "附属", "第一附属"):
            # 天津医科大学总医院: the hospital of the university just named.
            start = entities.pop().start
            entities.append(Entity(start, match.end(), text[start : match.end()], "org"))
            floor = match.end()
            continue
        if len(name) < 2 or name[-1] in _NAME_NOT_ENDING.get(suffix, ""):
            continue
        if name in _GRADES or _KINDS_OF_SCHOOL.search(text, start, match.end()):
            continue  # 创建三级医院, 农牧区学校, 全县中小学: a grade or a kind, no name
        if entities and entities[-1].end == start:
            # 福建援疆 + 泉州分指挥部: one name written in parts.
            start = entities.pop().start
        entities.append(Entity(start, match.end(), text[start : match.end()], "org"))
        floor = match.end()
    return entities


# Teams named by their kind alone, standing as the doer (工作组共有…, 明年，工作队将…).
_BARE_TEAM_RE = re.compile(
    # The look-ahead turns most positions away before the look-behinds run.
    r"(?=[前分指工县改联调救项医专合两双各参入援中])"
    r"(?:(?<![\u4e00-\u9fff])|(?<=今年|去年|明年|目前|如今|当年|年来))"
    r"(?:前方指挥部|前指|分指挥部|指挥部|工作组|县委|县政府|改良站|联合调研组|调研组|救治小组|"
    r"联席办|工作专班|项目部|工作队|医疗队|专家团队|专家组|专家们|合作社|"
    r"(?:两地|双方|各方|参展|入驻)企业|各援疆省市|"
    r"援疆企业|中央企业|援疆省市|援疆干部人才|援疆教师|援疆医生)"
)
# 深圳援疆在园区设立…, 天津援疆在策勒…: a donor acting through its aid.
_DONOR_AID_RE = re.compile(
    # A trie tries one branch per character instead of every name at every position.
    "(?:" + trie_pattern({*PROVINCES, *DONOR_CITIES}) + ")"
    r"(?:省|市)?援疆(?![资项干人医教企工指分])"
)
# 河南企业投资…, 湖北专家还通过平台…: a donor's companies or experts acting, not
# counted (20家泉州企业 is what the figure counts).
_DONOR_PEOPLE_RE = first_char_checked(
    re.compile(
        "(?:" + trie_pattern({*PROVINCES, *DONOR_CITIES}) + ")"
        r"(?:省|市)?(?:援疆)?(?:企业|客商|专家|医生|教师|老师)(?![家协会代表团们])"
    )
)
_COUNTED_OR_BROUGHT = re.compile(
    r"(?:[\d一二两三四五六七八九十百千万余多家名位个批]|落地|落户|引进|引来|签约|吸引|对接)$"
)
# Central state-owned enterprises written by their short names.
_CENTRAL_ENTERPRISES = re.compile(
    r"中国石油|中国石化|中国海油|国家电网|南方电网|中国移动|中国联通|中国电信|中国建筑|"
    r"中国中铁|中国铁建|中粮集团|国家能源集团|华能集团|大唐集团|华电集团|三峡集团|宝武集团|"
    r"中国电建|中国能建|中国交建|中国中冶|中国化学|中国铁塔|国家电投|中国建材|中国华能|中国大唐|"
    r"中国华电|中国三峡|中国广核|中广核|中国中车|中国宝武|中国五矿|中国有色|中国电科|中国船舶|"
    r"中国节能|中国诚通|中国国新|中国一汽|中国旅游集团"
)


# A front command's working groups: 工作队规划建设组, 人社组 (not 小组, 组团, 组织).
_TEAM_GROUP = re.compile(
    r"(?:工作队|指挥部|工作组)?(?:综合|规划建设|规划|建设|产业|人社|农牧|教育|医疗|宣传|项目|"
    r"财务|招商|文旅|民生|后勤|党建|保障|办公室)组(?![团织建成合长员])"
)
_TEAM_GROUP = first_char_checked(_TEAM_GROUP)


def find_teams(text: str) -> list[Entity]:
    """Teams written by their kind alone, donors acting through their aid, central SOEs."""
    found = [
        Entity(match.start(), match.end(), match.group(), "org")
        for pattern in (
            _TEAM_GROUP,
            _BARE_TEAM_RE,
            _DONOR_AID_RE,
            _CENTRAL_ENTERPRISES,
            _DONOR_PEOPLE_RE,
        )
        for match in pattern.finditer(text)
        if pattern is not _DONOR_PEOPLE_RE
        or not _COUNTED_OR_BROUGHT.search(text, max(0, match.start() - 2), match.start())
    ]
    return sorted(found, key=lambda entity: entity.start)


# Who a person is before their name: 专家黄志明, 援疆教师周建国, 主播古丽娜尔.
_PERSON_TITLES = (
    "专家 教师 老师 医生 医师 大夫 主任 副主任 院长 副院长 校长 副校长 书记 队长 领队 组长 干部 "
    "技术员 兽医 工程师 主播 理事长 社长 经理 厂长 站长 馆长 村民 牧民 党员 研究员 教授 博士 "
    "志愿者 负责人 带头人 网红 绣娘"
).split()
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰"
    "焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁"
    "蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂"
    "佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
# Words that begin right after a two-character name (周建国担任 → 周建国; 黄志明，…).
_AFTER_NAME = re.compile(
    r"[，,。、：:；;（(“\s]|担任|带领|带教|带着|表示|说|介绍|告诉|牵头|跑遍|完成|开展|是|在|已|先后|"
    r"今年|一年|到任|到岗|来到|主动|利用|组织|指导|参与|参加|坚持|每天|每年|为|把|将|还|也|就|和|与|的|"
    r"挂职|现任|任|正|通过|作为|从|回|赴|带|跑|拿|用|从事|负责|获|被|让|给|对|本报|记者|通讯员"
)
# First characters of Uyghur and Kazakh given names written without a surname.
_MINORITY_FIRST = set("古阿艾买努热吐肉迪帕再沙麦依伊塔巴哈库木")
_MINORITY_NAME = re.compile(r"[\u4e00-\u9fff]{2,7}·[\u4e00-\u9fff]{2,6}")
_EVENT_WITH_DOT = re.compile(
    r"第|届|版|援疆|(?:中国|新疆|丝路|天山)·|·[^·]*(?:节|会|杯|周|展|论坛|赛|行)"
)


_CLOSING_BRACKET = re.compile(r"[）)]")


def _given_name_end(text: str, start: int) -> int:
    """End of a name of 2 to 4 characters starting at ``start``, or ``start`` if none."""
    for length in (4, 3, 2):
        end = start + length
        if end <= len(text) and all(_CJK.match(char) for char in text[start:end]):
            if length == 4 and text[start] not in _MINORITY_FIRST:
                continue  # four characters: a transliterated name (古丽娜尔), not 王+three
            shorter = any(_AFTER_NAME.match(text, start + cut) for cut in range(2, length))
            if shorter and not _AFTER_NAME.match(text, end):
                continue
            if end == len(text) or _AFTER_NAME.match(text, end):
                return end
    return start


_AFTER_MINORITY_NAME = re.compile(
    r"告诉|表示|介绍|说|带领|今年|是|笑|高兴|激动|自豪|指着|算|正|在|把|将|也|还|的|家"
)


@cache
def _person_titles_re() -> re.Pattern[str]:
    """The titles, longest first, as one trie compiled once (not per paragraph)."""
    return re.compile(trie_pattern(_PERSON_TITLES))


def find_persons(text: str) -> list[Entity]:
    """People named after their title (专家黄志明) and names with a middle dot."""
    found: dict[int, Entity] = {}
    # The dot is in every such name; without it the pattern need not run at all.
    for match in _MINORITY_NAME.finditer(text) if "·" in text else ():
        name = match.group()
        if _EVENT_WITH_DOT.search(name):
            continue  # 第十届中国·哈密瓜节: an event's name, no person
        # 理事长艾合买提·吐尔逊: a title written before the name is no part of it,
        # nor is the end of one cut off on the left (事长艾合买提).
        left = text[max(0, match.start() - 2) : match.start() + name.index("·")]
        shift = max(
            (left.rfind(title) + len(title) for title in _PERSON_TITLES if title in left),
            default=0,
        )
        cut = max(0, shift - (match.start() - max(0, match.start() - 2)))
        if name.index("·") - cut >= 2:
            name = name[cut:]
        begin = match.start() + (len(match.group()) - len(name))
        # 买买提·艾力笑着说: the name stops where what the person does begins,
        # two characters or more after the dot.
        after_dot = name.index("·") + 2
        cut = _AFTER_MINORITY_NAME.search(name, after_dot)
        if cut:
            name = name[: cut.start()]
        found[begin] = Entity(begin, begin + len(name), name, "person")
    for match in _person_titles_re().finditer(text):
        start = match.end()
        if text[start : start + 1] in ("（", "("):
            # 党委副书记（河南援疆）李卫东: an aside between the title and the name.
            closing = _CLOSING_BRACKET.search(text, start, start + 12)
            start = closing.end() if closing else start
        if start >= len(text) or text[start] not in _SURNAMES or start in found:
            continue
        end = _given_name_end(text, start)
        if end > start:
            found[start] = Entity(start, end, text[start:end], "person")
    return sorted(found.values(), key=lambda entity: entity.start)


_PRONOUN_RE = re.compile(r"(?<![其吉])[他她](?![们人乡国])")


def find_pronouns(text: str) -> list[Entity]:
    """他 and 她, which point back to the person last named."""
    return [
        Entity(match.start(), match.end(), match.group(), "pronoun")
        for match in _PRONOUN_RE.finditer(text)
    ]


def find_anaphora(text: str) -> list[Entity]:
    """Phrases such as 该村, 全州, 该中心 that point back to an earlier name."""
    return [
        Entity(match.start(), match.end(), match.group(), "anaphora")
        for match in _ANAPHORA_RE.finditer(text)
    ]


def find_abbreviated_provinces(text: str) -> list[Entity]:
    """One-character province names used after a locative marker (在闽, 赴晋)."""
    entities = []
    for match in re.finditer(
        f"(?<=[在赴来进回返抵入])[{PROVINCE_ABBREVIATIONS}](?=[^\u4e00-\u9fff]|开展|举办|学习|考察|参加|交流|培训|进修|工作|设立|开设|建立|销售|推介|展销|研学|就业|务工|就医|求学)",
        text,
    ):
        entities.append(Entity(match.start(), match.end(), match.group(), "place"))
    return entities


def _merge_chains(text: str, spans: list[tuple[int, int]], kind: str) -> list[Entity]:
    spans.sort()
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [Entity(start, end, text[start:end], kind) for start, end in merged]


_NUM = r"(?:\d{1,4}|[〇零一二三四五六七八九十]{1,4})"
_EVENTS = (
    "国庆黄金周|国庆|春节|中秋|端午|元旦|古尔邦节|肉孜节|暑假|寒假|假期|黄金周|活动|展销会|博览会|"
    "推介会|交易会|洽谈会|运动会|旅游节|文化节|艺术节|采摘节|比赛|赛事"
)
_MONTH_DAY = rf"{_NUM}月(?:{_NUM}[日号]|[上中下]旬)?"
_TIME_RE = re.compile(
    rf"(?P<lead>截至|截止到|截止|从|自)?"
    rf"(?:"
    rf"(?P<date>(?:(?:\d{{4}}|[〇零一二三四五六七八九]{{4}})年|今年|去年|前年|同年|当年|次年|明年|上年|本年)"
    rf"(?:\d{{1,2}}[—\-~－至]\d{{1,2}}月|{_MONTH_DAY}(?:[至到—\-~－]{_MONTH_DAY})?)?"
    rf"|(?<![\d年]){_MONTH_DAY}(?:[至到—\-~－]{_MONTH_DAY})?"
    rf"|(?<![\d年])\d{{1,2}}[—\-~－至]\d{{1,2}}月)"
    rf"(?P<tail>底|末|初|上半年|下半年|前三季度|第[一二三四]季度|[一二三四]季度|以来|期间|全年|开始|起|至今"
    rf"|前(?:\d{{1,2}}|[一二三四五六七八九十]{{1,2}})个月|[春夏秋冬](?:天|季))?"
    rf"|(?P<plan>[“\"]?十[一二三四五六七八九]五[”\"]?(?:期间|以来|时期))"
    rf"|(?P<since>(?:近|多|几|[一二两三四五六七八九十\d]{{1,3}})年(?:多|半)?(?:来|以来|时间)|近年来|一年半"
    rf"|半年(?:多)?(?:来|以来)|[一二两三四五六七八九十\d]{{1,2}}个多?月(?:来|以来)"
    rf"|(?:过去|这)[一二两三四五六七八九十\d]{{1,2}}年(?![级代度底末初\d]))"
    rf"|(?P<now>截至目前|截止目前|到目前为止|目前为止)"
    rf"|(?P<every>每年|每月|每个月|每天|每日|每周|每季度?|每学期|每学年|一天|当天)"
    rf"|(?P<part>(?<![年\u4e00-\u9fff])(?:全年|上半年|下半年|前三季度|第[一二三四]季度|[一二三四]季度)"
    rf"|(?<=[院校县市区镇乡村团师])(?:全年(?!级)|前三季度|上半年|下半年)|(?<=[争计保])全年)"
    rf"|(?P<event>(?:{_EVENTS}|(?<![\u4e00-\u9fff])[\u4e00-\u9fff]{{1,7}}?)(?:期间|前夕|之际|会上|高峰期))"
    rf"|(?P<recent>近[一二两三四五六七八九十\d]{{1,2}}年)"
    rf"|(?P<since_event>(?:到岗|到任|入职|开园|投产|建成|运营|开业|援疆|入疆|进疆|开学|上任)以来)"
    rf"|(?P<duration>(?<![\d.年])\d{{1,2}}年(?![级代度底末初\d]))"
    # 那一年春天, 回头看这一年, 开工那天, 两周时间里, 会上: a narrative's own times.
    rf"|(?P<story>[这那]一?年(?:春天|夏天|秋天|冬天)?(?![级代度底末初轻龄])|[这那]些天|那天"
    rf"|[一二两三四五六七八九十]{{1,2}}(?:天|周|个月)(?:时间)?[里内]|(?<![\u4e00-\u9fff])会上"
    rf"|本季度|本学期|本年度|[春秋]季学期|(?:国庆|春节|五一)?黄金周|(?:最近|近)[一两三]个月"
    rf"|(?:(?<![\u4e00-\u9fff])|这个|上个|本)(?:雪季|旺季|暑期)(?:以来)?(?=[，,、]|以来)"
    rf"|(?:这个|上个|本)(?:雪季|旺季|暑期)"
    # 报告期内, 开幕当天, 开幕式上, 这个月, 当时, 眼下, 今天上午: a report's or a
    # story's own times.
    rf"|报告期内|开幕当天|开幕式上|[这那]个月|(?<![\u4e00-\u9fff])当时|眼下"
    rf"|(?<![\u4e00-\u9fff])今天(?:上午|下午|晚上)?|(?<![今明去前\d年学])年[底末](?!端)"
    rf"|今冬明春|(?:开展|开园|开业|开工|开馆|活动)当天|前几年|[一两三]个学期[里内]"
    rf"|(?:国庆|春节|五一|元旦|中秋)(?:假期|长假)(?:里|期间)?)"
    rf")"
)
# An event's name (…期间) may begin with any character after a non-CJK one.
_TIME_RE = first_char_checked(_TIME_RE, open_part=r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff]{1,7}?")


def find_times(text: str) -> list[Entity]:
    """Time expressions usable as a figure's period, with their scope.

    ``span`` covers a stretch up to now (三年来, 2025年以来, 截至目前) and carries
    over following sentences; ``year`` is a bare year; ``point`` a dated event;
    ``duration`` a length of time (16年) read as the period of what follows.
    """
    entities = []
    for match in _TIME_RE.finditer(text):
        if match.group("date"):
            spanning = match.group("lead") in ("截至", "截止", "截止到") or (
                match.group("tail") in ("以来", "期间", "全年", "至今", "开始", "起")
                or (match.group("tail") or "").endswith("个月")  # 今年前10个月
            )
            dated = "月" in match.group("date")
            # 1—9月, 今年1—10月: a stretch of months, carried like 前三季度.
            ranged = dated and bool(re.search(r"\d[—\-~－至到]\d", match.group("date")))
            scope = "span" if spanning or ranged else ("point" if dated else "year")
        elif match.group("duration"):
            scope = "duration"
        elif match.group("every"):
            scope = "every"
        elif match.group("part") or match.group("recent"):
            scope = "span"
        elif match.group("event"):
            scope = "event"
        elif match.group("now"):
            scope = "now"
        else:
            scope = "span"
        start = match.start()
        if match.group("event") and text.startswith(("在", "于"), start):
            start += 1  # 在活动期间: the period is 活动期间
        if _is_comparison_base(text, start, match.end()):
            scope = "base"
        elif re.match(r"\s*\d{1,2}[:：]\d{2}", text[match.end() : match.end() + 8]):
            scope = "base"  # 2025年10月12日 09:15: a dateline, never a period
        entities.append(Entity(start, match.end(), text[start : match.end()], "time", scope))
    return entities


_BASE_BEFORE = re.compile(r"(?:比|较|相比|同比|与|和|是|由|于|超过|高于|低于)$")


def _is_comparison_base(text: str, start: int, end: int) -> bool:
    """比上年同期增加38个, 由去年同期的8.9天: the time compared with, not the period."""
    return bool(_BASE_BEFORE.search(text[max(0, start - 2) : start])) and (
        text.startswith("同期", end) or text[end - 1] in "年" or text.startswith("的", end)
    )


# Townships, villages, farms and sites: the places aid reports name below a
# county are the aided localities, whether or not the region table lists them.
_LOCAL_SUFFIXES = (
    "乡", "镇", "村", "社区", "街道", "农场", "牧场", "总场", "团", "团场", "连", "景区", "师市",
    "度假区", "旅游区",
)  # fmt: skip


@cache
def _donor_side_re() -> re.Pattern[str]:
    return re.compile(trie_pattern({*PROVINCES, *DONOR_CITIES}))


@lru_cache(maxsize=4096)
def is_donor_side(text: str) -> bool:
    """True when ``text`` begins with a province or a donor city outside Xinjiang."""
    match = _donor_side_re().match(text)
    return bool(match) and not text.startswith("新疆")


@lru_cache(maxsize=4096)
def is_local_place(text: str) -> bool:
    """A place in the aided region: a Xinjiang region, or a township, village,
    farm or site not written under a donor's name (巴仁镇, 三坪农场, 尼雅村)."""
    if is_xinjiang_place(text):
        return True
    if text.startswith("红星") and text[3:4] == "场":
        return True  # 红星二场, a farm of the 13th division
    if text.startswith("各") and text[1:] in _EACH_OF:
        return True  # 各县区要…: the aided region's own counties
    if _ends_on_xinjiang_name(text):
        return True  # 专家常驻岳普湖县: a name written a little long on the left
    return text.endswith(_LOCAL_SUFFIXES) and not is_donor_side(text)


def _ends_on_xinjiang_name(text: str) -> bool:
    names = region_names()
    return any(names.get(text[-length:]) for length in range(3, min(len(text), 12) + 1))
