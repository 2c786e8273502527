"""The IATI standard ruleset (iati_data/rulesets/standard.json) evaluated on IATI XML with lxml.

The ruleset maps an XPath context to rule types, each with cases; SPEC.rst beside the ruleset
defines what every rule type means. This module follows SPEC.rst literally, with XPath 1.0
meanings: ``condition``, ``if`` and ``then`` are true as XPath's boolean() says, so an empty
node-set is false (IATI's JavaScript validator takes any node-set as true, which leaves rules
such as 3.7.1 unable to fail). Where SPEC.rst is silent it follows IATI's own validator, except
that a rule naming a path that matches several nodes is applied to every node it matches (the
validator reads only the first date of ``less``, ``more``, ``date``, ``start`` and ``end``), so
a document it fails is never passed here:

- a date that is blank or not an ISO date is skipped, as if absent; a date without a time zone is
  read as UTC, a date without a time as midnight;
- ``time_limit`` allows 365 whole days between start and end, no more;
- a value that is not a number never lies in a ``range`` and makes a ``strict_sum`` fail;
- ``loop`` substitutes the value of ``foreach`` for ``$1`` only in the keys named by ``subs``
  (so a ``condition`` left out of ``subs`` keeps its literal ``$1``, as in the validator, and
  the loop case of 2.1.2 never applies); a loop's own ``condition`` gates all its cases;
- ``idCondition`` compares with the identifiers of IATI's registered publishers, which are not
  shipped: ``check_activities`` takes them as ``publisher_ids`` and, without them, applies the
  rules to every identifier;
- ``startswith`` with ``ORG-ID-PREFIX`` takes the text up to its second hyphen as the prefix and
  looks it up among the active codes of the OrganisationRegistrationAgency codelist.

An unknown rule type, case key, ``one_or_all`` keyword or ``idCondition`` raises
``RulesetError`` when the ruleset is read; nothing in a ruleset is skipped silently.
"""

import json
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

DATA = Path(__file__).resolve().parent / "iati_data"
STANDARD_RULESET = DATA / "rulesets" / "standard.json"
AGENCIES = DATA / "codelists-nonembedded" / "OrganisationRegistrationAgency.xml"
XML_NS = "http://www.w3.org/XML/1998/namespace"
SEVERITIES = frozenset({"error", "warning"})
ORG_ID_PREFIX = "ORG-ID-PREFIX"
ID_CONDITIONS = frozenset({"NOT_EXISTING_ORG_ID", "NOT_EXISTING_ORG_ID_PREFIX"})
# one_or_all's ``all`` is a keyword, not an XPath: what must be present on every one of which
# nodes when ``one`` is absent.
ONE_OR_ALL = {
    "lang": ("descendant::narrative", "@xml:lang"),
    "sector": ("transaction", "sector"),
    "recipient-country|recipient-region": ("transaction", "recipient-country|recipient-region"),
    "currency": ("descendant::value|descendant::forecast|descendant::loan-status", "@currency"),
}
# The JavaScript validator accepts the camel-case names of SPEC.rst as well.
ALIASES = {
    "noMoreThanOne": "no_more_than_one",
    "atLeastOne": "atleast_one",
    "onlyOneOf": "only_one_of",
    "oneOrAll": "one_or_all",
    "dateOrder": "date_order",
    "dateNow": "date_now",
    "timeLimit": "time_limit",
    "betweenDates": "between_dates",
    "regexMatches": "regex_matches",
    "regexNoMatches": "regex_no_matches",
    "startsWith": "startswith",
    "ifThen": "if_then",
    "strictSum": "strict_sum",
    "noSpaces": "no_spaces",
}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?")
_EDGE_SPACE = re.compile(r"^[\s\ufeff]|[\s\ufeff]$")


class RulesetError(ValueError):
    """The ruleset uses something this evaluator does not define (or is malformed)."""


@dataclass(frozen=True)
class Finding:
    """One failed case of the ruleset at one place of the document."""

    rule_id: str  # the case's ruleInfo id, e.g. "1.1.3"; the rule type when it has none
    rule: str  # the rule type; a loop's finding says "loop/<inner rule type>"
    severity: str  # "error" or "warning", from the case's ruleInfo
    activity: str  # iati-identifier (organisation-identifier in an organisations file)
    path: str  # XPath of the node concerned, e.g. /iati-activities/iati-activity[2]/@xml:lang
    line: int | None  # its line in the document
    message: str  # the ruleset's own message (English, as IATI publishes it)
    detail: str  # 中文：what was found there


@dataclass(frozen=True)
class Case:
    """One case of one rule type, as the ruleset states it."""

    rule: str
    spec: Mapping[str, Any]
    rule_id: str
    severity: str
    message: str
    inner: tuple["Case", ...] = ()  # a loop's cases (from ``do``), before substitution


@dataclass(frozen=True)
class Ruleset:
    contexts: tuple[tuple[str, tuple[Case, ...]], ...]

    def rule_types(self) -> set[str]:
        found = set()
        for _context, cases in self.contexts:
            for case in cases:
                found.add(case.rule)
                found.update(inner.rule for inner in case.inner)
        return found


# Reading a ruleset ------------------------------------------------------------------------------

_STR, _LIST, _NUMBER, _RULES, _OBJECT = "字符串", "字符串列表", "数字", "规则类型的对象", "对象"
_COMMON = {"ruleInfo": _OBJECT, "condition": _STR, "idCondition": _STR}
# Per rule type: its required keys and its optional keys, with what each must hold.
_KEYS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "no_more_than_one": ({"paths": _LIST}, {}),
    "atleast_one": ({"paths": _LIST}, {}),
    "only_one_of": ({"paths": _LIST, "excluded": _LIST}, {}),
    "one_or_all": ({"one": _STR, "all": _STR}, {}),
    "dependent": ({"paths": _LIST}, {}),
    "sum": ({"paths": _LIST, "sum": _NUMBER}, {}),
    "strict_sum": ({"paths": _LIST, "sum": _NUMBER}, {}),
    "date_order": ({"less": _STR, "more": _STR}, {}),
    "date_now": ({"date": _STR}, {}),
    "time_limit": ({"start": _STR, "end": _STR}, {}),
    "between_dates": ({"date": _STR, "start": _STR, "end": _STR}, {}),
    "regex_matches": ({"paths": _LIST, "regex": _STR}, {}),
    "regex_no_matches": ({"paths": _LIST, "regex": _STR}, {}),
    "startswith": ({"paths": _LIST, "prefix": _LIST}, {"separator": _STR}),
    "unique": ({"paths": _LIST}, {}),
    "if_then": ({"if": _STR, "then": _STR}, {"paths": _LIST}),
    "range": ({"paths": _LIST}, {"min": _NUMBER, "max": _NUMBER}),
    "no_spaces": ({"paths": _LIST}, {}),
    "loop": ({"foreach": _STR, "do": _RULES}, {"subs": _LIST}),
}
# Keys holding XPath expressions (compiled when the ruleset is read, so a typo fails early).
_XPATH_KEYS = ("paths", "excluded", "prefix", "condition", "one", "less", "more", "date", "start")
_XPATH_KEYS += ("end", "if", "then", "foreach")
RULE_TYPES = frozenset(_KEYS)


def _holds(value, kind) -> bool:
    if kind is _STR:
        return isinstance(value, str)
    if kind is _LIST:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind is _NUMBER:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, dict)  # _RULES and _OBJECT


def _compile_check(expression: str, where: str) -> None:
    if expression in ("NOW", ORG_ID_PREFIX):
        return
    try:
        # "$1" stands for a loop's value: try the expression with a value in its place.
        etree.XPath(expression.replace("$1", "0"))
    except etree.XPathSyntaxError as error:
        raise RulesetError(f"规则集 {where}：XPath “{expression}” 无法解析（{error}）") from error


def _case_read(rule: str, spec: Any, where: str) -> Case:
    rule = ALIASES.get(rule, rule)
    if rule not in _KEYS:
        raise RulesetError(f"规则集 {where}：未知的规则类型 “{rule}”")
    if not isinstance(spec, dict):
        raise RulesetError(f"规则集 {where}：{rule} 的条目应为对象")
    required, optional = _KEYS[rule]
    allowed = {**_COMMON, **required, **optional}
    for key in required:
        if key not in spec:
            raise RulesetError(f"规则集 {where}：{rule} 缺少 “{key}”")
    for key, value in spec.items():
        if key not in allowed:
            raise RulesetError(f"规则集 {where}：{rule} 不认识的键 “{key}”")
        if not _holds(value, allowed[key]):
            raise RulesetError(f"规则集 {where}：{rule} 的 “{key}” 应为 {allowed[key]}")
    for key in _XPATH_KEYS:
        for expression in [spec[key]] if isinstance(spec.get(key), str) else spec.get(key, []):
            _compile_check(expression, where)
    _semantics_check(rule, spec, where)
    info = spec.get("ruleInfo", {})
    severity = info.get("severity", "error")
    if severity not in SEVERITIES:
        raise RulesetError(f"规则集 {where}：未知的严重程度 “{severity}”")
    inner: tuple[Case, ...] = ()
    if rule == "loop":
        inner = tuple(_loop_cases_read(spec, where))
    return Case(
        rule=rule,
        spec=spec,
        rule_id=str(info.get("id", rule)),
        severity=severity,
        message=str(info.get("message", "")),
        inner=inner,
    )


def _semantics_check(rule: str, spec: Mapping, where: str) -> None:
    if "idCondition" in spec:
        if spec["idCondition"] not in ID_CONDITIONS:
            raise RulesetError(f"规则集 {where}：未知的 idCondition “{spec['idCondition']}”")
        if "paths" not in spec:
            raise RulesetError(f"规则集 {where}：idCondition 需要 paths")
    if rule == "one_or_all" and spec["all"] not in ONE_OR_ALL:
        raise RulesetError(f"规则集 {where}：one_or_all 未知的 all “{spec['all']}”")
    if rule == "startswith" and ORG_ID_PREFIX in spec["prefix"] and len(spec["prefix"]) > 1:
        raise RulesetError(f"规则集 {where}：startswith 的 {ORG_ID_PREFIX} 不能与路径并用")
    if rule in ("regex_matches", "regex_no_matches"):
        try:
            re.compile(spec["regex"])
        except re.error as error:
            raise RulesetError(f"规则集 {where}：正则 “{spec['regex']}” 无法解析") from error


def _loop_cases_read(spec: Mapping, where: str) -> Iterator[Case]:
    for rule, block in spec["do"].items():
        if ALIASES.get(rule, rule) == "loop":
            raise RulesetError(f"规则集 {where}：loop 里不能再有 loop")
        if not isinstance(block, dict) or not isinstance(block.get("cases"), list):
            raise RulesetError(f"规则集 {where}：loop 的 {rule} 应有 cases 列表")
        for number, inner in enumerate(block["cases"], 1):
            case = _case_read(rule, inner, f"{where} do/{rule}#{number}")
            for key in spec.get("subs", []):
                if key not in inner:
                    raise RulesetError(f"规则集 {where}：subs 的 “{key}” 不在 {rule} 的条目里")
            yield case


def ruleset_parse(data: Mapping[str, Any]) -> Ruleset:
    """A ruleset from its JSON object; raises RulesetError on anything it does not define."""
    contexts = []
    for context, rules in data.items():
        _compile_check(context, context)
        if not isinstance(rules, dict):
            raise RulesetError(f"规则集 {context}：应为规则类型到条目的对象")
        cases = []
        for rule, block in rules.items():
            if not isinstance(block, dict) or not isinstance(block.get("cases"), list):
                raise RulesetError(f"规则集 {context}：{rule} 应有 cases 列表")
            for number, spec in enumerate(block["cases"], 1):
                cases.append(_case_read(rule, spec, f"{context} {rule}#{number}"))
        contexts.append((context, tuple(cases)))
    return Ruleset(contexts=tuple(contexts))


def ruleset_load(path: Path = STANDARD_RULESET) -> Ruleset:
    return ruleset_parse(json.loads(path.read_text(encoding="utf-8")))


@cache
def standard_ruleset() -> Ruleset:
    return ruleset_load(STANDARD_RULESET)


@cache
def registration_agencies() -> frozenset[str]:
    """Active codes of the OrganisationRegistrationAgency codelist (org-id.guide's lists)."""
    tree = etree.parse(str(AGENCIES), _PARSER)
    return frozenset(
        item.findtext("code")
        for item in tree.iter("codelist-item")
        if item.get("status", "active") != "withdrawn"
    )


# Evaluating ----------------------------------------------------------------------------------


@dataclass
class _Run:
    tree: etree._ElementTree
    now: datetime
    publisher_ids: frozenset[str]
    prefixes: frozenset[str]
    compiled: dict[str, etree.XPath]

    def xpath(self, expression: str, node) -> Any:
        # Compiled once per run: lxml's XPath objects are not meant to be shared between threads.
        try:
            if expression not in self.compiled:
                self.compiled[expression] = etree.XPath(expression)
            return self.compiled[expression](node)
        except etree.XPathError as error:
            raise RulesetError(f"规则集：XPath “{expression}” 无法求值（{error}）") from error

    def nodes(self, expression: str, node) -> list:
        result = self.xpath(expression, node)
        if not isinstance(result, list):
            raise RulesetError(f"规则集：路径 “{expression}” 应选出节点，而不是一个值")
        return result

    def true(self, expression: str, node) -> bool:
        result = self.xpath(expression, node)
        if isinstance(result, float):
            return result == result and result != 0  # boolean(): NaN and 0 are false
        return bool(result)

    def texts(self, expressions, node) -> list[tuple[Any, str]]:
        return [(match, _text(match)) for path in expressions for match in self.nodes(path, node)]

    def dates(self, expression: str, node) -> list[tuple[Any, datetime, str]]:
        if expression == "NOW":
            return [(None, self.now, "当前时间")]
        found = []
        for match, text in self.texts([expression], node):
            instant = _instant(text)
            if instant is not None:
                found.append((match, instant, text))
        return found


def _text(node) -> str:
    if isinstance(node, etree._Element):
        return str(node.xpath("string()"))
    return str(node)


def _instant(text: str) -> datetime | None:
    text = text.strip()
    day = _DATE.fullmatch(text)
    try:
        if day:
            return datetime.combine(date.fromisoformat(day[1]), time(), _zone(day[2]))
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _zone(text: str | None) -> timezone:
    if not text or text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    return timezone(sign * timedelta(hours=int(text[1:3]), minutes=int(text[4:6])))


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def _element(node) -> etree._Element:
    if isinstance(node, etree._Element):
        return node
    parent = node.getparent()
    return parent.getparent() if getattr(node, "is_tail", False) else parent


def _where(run: _Run, node) -> str:
    if isinstance(node, etree._Element):
        return run.tree.getpath(node)
    base = run.tree.getpath(_element(node))
    if getattr(node, "is_attribute", False):
        name = node.attrname.replace(f"{{{XML_NS}}}", "xml:")
        return f"{base}/@{name}"
    return f"{base}/text()"


def _owner(node) -> str:
    element = _element(node)
    for candidate in (element, *element.iterancestors()):
        if candidate.tag == "iati-activity":
            return (candidate.findtext("iati-identifier") or "").strip()
        if candidate.tag == "iati-organisation":
            return (candidate.findtext("organisation-identifier") or "").strip()
    return ""


def _either(paths) -> str:
    return " 或 ".join(paths)


# Each check yields (node concerned, 中文 detail) for every failure of one case at one element.
Failures = Iterator[tuple[Any, str]]


def _no_more_than_one(spec, element, run: _Run) -> Failures:
    matches = [m for p in spec["paths"] for m in run.nodes(p, element)]
    if len(matches) > 1:
        yield element, f"{_either(spec['paths'])} 最多只能有一项，实际有 {len(matches)} 项"


def _atleast_one(spec, element, run: _Run) -> Failures:
    if not any(run.nodes(p, element) for p in spec["paths"]):
        yield element, f"缺少 {_either(spec['paths'])}：至少应有一项，实际一项也没有"


def _only_one_of(spec, element, run: _Run) -> Failures:
    matches = [m for p in spec["paths"] for m in run.nodes(p, element)]
    for excluded in spec["excluded"]:
        if run.nodes(excluded, element):
            if matches:
                yield element, f"已有 {excluded}，不应再有 {_either(spec['paths'])}"
        elif len(matches) != 1:
            paths = _either(spec["paths"])
            yield element, f"没有 {excluded} 时，{paths} 应恰有一项，实际有 {len(matches)} 项"


def _dependent(spec, element, run: _Run) -> Failures:
    missing = [p for p in spec["paths"] if not run.nodes(p, element)]
    if missing and len(missing) < len(spec["paths"]):
        present = [p for p in spec["paths"] if p not in missing]
        yield element, f"有 {'、'.join(present)} 时也应有 {'、'.join(missing)}"


def _sum(spec, element, run: _Run) -> Failures:
    if any(run.nodes(p, element) for p in spec["paths"]):
        yield from _strict_sum(spec, element, run)


def _strict_sum(spec, element, run: _Run) -> Failures:
    values = run.texts(spec["paths"], element)
    numbers = [_number(text) for _node, text in values]
    expected = Decimal(str(spec["sum"]))
    paths = "、".join(spec["paths"])
    if None in numbers:
        wrong = "、".join(
            repr(text) for (_n, text), v in zip(values, numbers, strict=True) if v is None
        )
        yield element, f"{paths} 之和应为 {_plain(expected)}，但有不是数字的值：{wrong}"
        return
    total = sum(numbers, Decimal(0)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    if total != expected:
        yield element, f"{paths} 之和为 {_plain(total)}，应为 {_plain(expected)}"


def _date_order(spec, element, run: _Run) -> Failures:
    less, more = run.dates(spec["less"], element), run.dates(spec["more"], element)
    if not less or not more:
        return
    _node, earliest, earliest_text = min(more, key=lambda found: found[1])
    for node, instant, text in less:
        if instant > earliest:
            yield (
                node,
                f"{spec['less']} = {text} 晚于 {spec['more']} = {earliest_text}",
            )


def _date_now(spec, element, run: _Run) -> Failures:
    for node, instant, text in run.dates(spec["date"], element):
        if instant > run.now:
            yield node, f"{spec['date']} = {text} 晚于当前时间"


def _time_limit(spec, element, run: _Run) -> Failures:
    starts, ends = run.dates(spec["start"], element), run.dates(spec["end"], element)
    if not starts or not ends:
        return
    _node, first, first_text = min(starts, key=lambda found: found[1])
    for node, instant, text in ends:
        days = (instant - first).days
        if days > 365:
            yield node, f"{first_text} 至 {text} 相隔 {days} 天，超过一年（365 天）"


def _between_dates(spec, element, run: _Run) -> Failures:
    starts, ends = run.dates(spec["start"], element), run.dates(spec["end"], element)
    if not starts or not ends:
        return
    _s, start, start_text = max(starts, key=lambda found: found[1])
    _e, end, end_text = min(ends, key=lambda found: found[1])
    for node, instant, text in run.dates(spec["date"], element):
        if not start <= instant <= end:
            yield node, f"{spec['date']} = {text} 不在 {start_text} 至 {end_text} 之间"


def _regex_matches(spec, element, run: _Run) -> Failures:
    pattern = re.compile(spec["regex"])
    for node, text in run.texts(spec["paths"], element):
        if text and not pattern.search(text):
            yield node, f"{text!r} 不符合规定的格式（{spec['regex']}）"


def _regex_no_matches(spec, element, run: _Run) -> Failures:
    pattern = re.compile(spec["regex"])
    for node, text in run.texts(spec["paths"], element):
        if text and pattern.search(text):
            yield node, f"{text!r} 不应符合格式（{spec['regex']}）"


def _startswith(spec, element, run: _Run) -> Failures:
    texts = run.texts(spec["paths"], element)
    if spec["prefix"] == [ORG_ID_PREFIX]:
        for node, text in texts:
            parts = text.split("-")
            prefix = "-".join(parts[:2]) if len(parts) > 1 else text
            if prefix not in run.prefixes:
                yield node, f"{text!r} 的前缀 {prefix!r} 不是 IATI 认可的登记机构代码"
        return
    separator = spec.get("separator", "")
    starts = [text + separator for _node, text in run.texts(spec["prefix"], element)]
    for node, text in texts:
        if not any(text.startswith(start) for start in starts):
            shown = "、".join(repr(start) for start in starts) or "（无可用前缀）"
            yield node, f"{text!r} 应以 {shown} 之一开头"


def _unique(spec, element, run: _Run) -> Failures:
    seen, repeated = set(), []
    for _node, text in run.texts(spec["paths"], element):
        if text in seen and text not in repeated:
            repeated.append(text)
        seen.add(text)
    if repeated:
        paths = "、".join(spec["paths"])
        yield element, f"{paths} 的值应各不相同，重复的是 {'、'.join(map(repr, repeated))}"


def _if_then(spec, element, run: _Run) -> Failures:
    if run.true(spec["if"], element) and not run.true(spec["then"], element):
        yield element, f"满足 {spec['if']} 时应满足 {spec['then']}，实际不满足"


def _range(spec, element, run: _Run) -> Failures:
    low = Decimal(str(spec["min"])) if "min" in spec else None
    high = Decimal(str(spec["max"])) if "max" in spec else None
    shown = " 至 ".join(
        _plain(bound) if bound is not None else sign for bound, sign in ((low, "-∞"), (high, "+∞"))
    )
    for node, text in run.texts(spec["paths"], element):
        value = _number(text)
        if (
            value is None
            or (low is not None and value < low)
            or (high is not None and value > high)
        ):
            yield node, f"{text!r} 不在 {shown} 之间（含两端）"


def _no_spaces(spec, element, run: _Run) -> Failures:
    for node, text in run.texts(spec["paths"], element):
        if _EDGE_SPACE.search(text):
            yield node, f"{text!r} 首尾有空格或换行"


def _one_or_all(spec, element, run: _Run) -> Failures:
    if run.nodes(spec["one"], element):
        return
    each, needs = ONE_OR_ALL[spec["all"]]
    for node in run.nodes(each, element):
        if not run.nodes(needs, node):
            yield node, f"没有 {spec['one']}，这个 {node.tag} 也没有 {needs}"


CHECKS: dict[str, Callable[[Mapping, Any, _Run], Failures]] = {
    "no_more_than_one": _no_more_than_one,
    "atleast_one": _atleast_one,
    "only_one_of": _only_one_of,
    "one_or_all": _one_or_all,
    "dependent": _dependent,
    "sum": _sum,
    "strict_sum": _strict_sum,
    "date_order": _date_order,
    "date_now": _date_now,
    "time_limit": _time_limit,
    "between_dates": _between_dates,
    "regex_matches": _regex_matches,
    "regex_no_matches": _regex_no_matches,
    "startswith": _startswith,
    "unique": _unique,
    "if_then": _if_then,
    "range": _range,
    "no_spaces": _no_spaces,
}


def _applies(spec: Mapping, element, run: _Run) -> bool:
    if "condition" in spec and not run.true(spec["condition"], element):
        return False
    condition = spec.get("idCondition")
    if condition is None:
        return True
    texts = [text for _node, text in run.texts(spec["paths"], element)]
    if condition == "NOT_EXISTING_ORG_ID":
        return not any(text in run.publisher_ids for text in texts)
    return not any(text.startswith(f"{org}-") for text in texts for org in run.publisher_ids)


def _case_findings(case: Case, spec: Mapping, element, run: _Run, rule: str) -> Iterator[Finding]:
    if not _applies(spec, element, run):
        return
    for node, detail in CHECKS[case.rule](spec, element, run):
        node = element if node is None else node
        yield Finding(
            rule_id=case.rule_id,
            rule=rule,
            severity=case.severity,
            activity=_owner(node),
            path=_where(run, node),
            line=_element(node).sourceline,
            message=case.message,
            detail=detail,
        )


def _substituted(spec: Mapping, keys, value: str) -> dict:
    def put(expression: str) -> str:
        # XPath 1.0 has no escapes: a value with an apostrophe needs double quotes instead.
        if "'" in value and '"' not in value:
            expression = expression.replace("'$1'", f'"{value}"')
        return expression.replace("$1", value)

    spec = dict(spec)
    for key in keys:
        held = spec[key]
        spec[key] = put(held) if isinstance(held, str) else [put(item) for item in held]
    return spec


def _loop_findings(case: Case, element, run: _Run) -> Iterator[Finding]:
    if "condition" in case.spec and not run.true(case.spec["condition"], element):
        return
    values = list(dict.fromkeys(_text(node) for node in run.nodes(case.spec["foreach"], element)))
    for inner in case.inner:
        for value in values:
            spec = _substituted(inner.spec, case.spec.get("subs", []), value)
            yield from _case_findings(inner, spec, element, run, f"loop/{inner.rule}")


def check_activities(
    xml: bytes,
    *,
    ruleset: Ruleset | None = None,
    now: datetime | None = None,
    publisher_ids: Collection[str] = (),
) -> list[Finding]:
    """Every failed case of the ruleset (the standard one unless given) in an IATI document.

    Works on an activities file (and on an organisations file, whose contexts are in the same
    ruleset). ``now`` (aware) is when "NOW" and date_now are measured; ``publisher_ids`` are
    IATI's registered organisation identifiers, which idCondition compares with. Findings are
    in the order of the ruleset's contexts, then of the document.
    """
    if now is not None and now.tzinfo is None:
        raise ValueError("now 需要带时区的时间")
    root = etree.fromstring(xml, _PARSER)
    run = _Run(
        tree=root.getroottree(),
        now=now or datetime.now(UTC),
        publisher_ids=frozenset(publisher_ids),
        prefixes=registration_agencies(),
        compiled={},
    )
    ruleset = ruleset or standard_ruleset()
    findings: list[Finding] = []
    for context, cases in ruleset.contexts:
        for element in run.nodes(context, run.tree):
            for case in cases:
                if case.rule == "loop":
                    findings.extend(_loop_findings(case, element, run))
                else:
                    findings.extend(_case_findings(case, case.spec, element, run, case.rule))
    return findings
