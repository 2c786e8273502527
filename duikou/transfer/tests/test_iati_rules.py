"""The IATI standard ruleset evaluator (transfer/iati_rules.py) on small handwritten documents.

Each rule type has a document that passes and one that fails; the failing activity is the second
of two, so the finding must name it and not its neighbour.
"""

import json
from datetime import UTC, datetime

import pytest

from duikou.transfer.iati_rules import (
    ALIASES,
    CHECKS,
    RULE_TYPES,
    STANDARD_RULESET,
    RulesetError,
    check_activities,
    ruleset_parse,
    standard_ruleset,
)

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
NEIGHBOUR = "CN-USCI-12345-A1"
ACTIVITY = "CN-USCI-12345-B2"
PARTS = {
    "attrs": 'xml:lang="zh" default-currency="CNY" last-updated-datetime="2025-01-01T00:00:00Z"',
    "reporting": '<reporting-org ref="CN-USCI-12345" type="10"><narrative>指挥部</narrative>'
    "</reporting-org>",
    "texts": "<title><narrative>标题</narrative></title>"
    "<description><narrative>说明</narrative></description>",
    "participants": '<participating-org ref="CN-USCI-12345" role="1"/>',
    "dates": '<activity-date type="1" iso-date="2024-01-01"/>'
    '<activity-date type="2" iso-date="2024-02-01"/>'
    '<activity-date type="3" iso-date="2024-12-31"/>',
    "geo": '<recipient-country code="CN"/>',
    "sectors": '<sector vocabulary="1" code="11110"/>',
    "budgets": '<budget><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/>'
    '<value value-date="2024-01-01">100</value></budget>',
    "transactions": '<transaction><transaction-type code="3"/>'
    '<transaction-date iso-date="2024-03-01"/><value value-date="2024-03-01">10</value>'
    "</transaction>",
}


def activity(identifier: str = ACTIVITY, **parts: str) -> str:
    parts = {**PARTS, **parts}
    body = "".join(value for key, value in parts.items() if key != "attrs")
    return (
        f"<iati-activity {parts['attrs']}><iati-identifier>{identifier}</iati-identifier>"
        f"{body}</iati-activity>"
    )


def document(*activities: str) -> bytes:
    return f'<iati-activities version="2.03">{"".join(activities)}</iati-activities>'.encode()


def organisation(value_date: str) -> bytes:
    return (
        '<iati-organisations version="2.03"><iati-organisation xml:lang="zh" '
        'default-currency="CNY" last-updated-datetime="2025-01-01T00:00:00Z">'
        "<organisation-identifier>CN-USCI-12345</organisation-identifier>"
        '<reporting-org ref="CN-USCI-12345" type="10"><narrative>指挥部</narrative>'
        "</reporting-org>"
        '<recipient-country-budget><recipient-country code="CN"/>'
        '<period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/>'
        '<value value-date="2024-01-01">100</value>'
        f'<budget-line ref="1"><value value-date="{value_date}">50</value>'
        "<narrative>线</narrative></budget-line>"
        "</recipient-country-budget></iati-organisation></iati-organisations>"
    ).encode()


def findings(xml: bytes, rule_id: str, **options):
    return [f for f in check_activities(xml, now=NOW, **options) if f.rule_id == rule_id]


def one_case(rule: str, **case) -> object:
    info = {"id": "T.1", "severity": "warning", "message": "test case"}
    return ruleset_parse(
        {"/iati-activities/iati-activity": {rule: {"cases": [{**case, "ruleInfo": info}]}}}
    )


# rule type, rule id, its severity, the failing activity's parts, the passing activity's parts.
STANDARD_CASES = [
    (
        "atleast_one",
        "6.11.1",
        "error",
        {"dates": '<activity-date type="3" iso-date="2024-12-31"/>'},
        {"dates": '<activity-date type="2" iso-date="2024-02-01"/>'},
    ),
    (
        "date_order",
        "11.1.2",
        "error",
        {
            "dates": '<activity-date type="1" iso-date="2025-01-01"/>'
            '<activity-date type="3" iso-date="2024-12-31"/>'
        },
        {  # equal dates are in order
            "dates": '<activity-date type="1" iso-date="2024-06-01"/>'
            '<activity-date type="3" iso-date="2024-06-01"/>'
        },
    ),
    (
        "if_then",
        "6.6.2",
        "error",
        {
            "transactions": '<transaction><transaction-date iso-date="2024-03-01"/>'
            '<sector vocabulary="1" code="11110"/></transaction>'
        },
        {},
    ),
    (
        "regex_matches",
        "1.3.13",
        "warning",
        {"identifier": "CN-USCI-12345-B2/x"},
        {"identifier": "CN-USCI-12345-B2.x"},
    ),
    (
        "no_spaces",
        "1.3.1",
        "warning",
        {"identifier": f" {ACTIVITY}\n"},
        {},
    ),
    (
        "time_limit",
        "7.5.3",
        "error",
        {  # 2024 is a leap year: 366 days
            "budgets": '<budget><period-start iso-date="2024-01-01"/>'
            '<period-end iso-date="2025-01-01"/></budget>'
        },
        {
            "budgets": '<budget><period-start iso-date="2024-01-02"/>'
            '<period-end iso-date="2025-01-01"/></budget>'
        },
    ),
    (
        "no_more_than_one",
        "107.2.2",
        "warning",
        {"transactions": '<transaction><aid-type code="A01"/><aid-type code="B01"/></transaction>'},
        {"transactions": '<transaction><aid-type code="A01"/></transaction>'},
    ),
    (
        "startswith",
        "1.1.21",
        "warning",
        {"identifier": "CN-USCI-99999-B2"},
        {  # a previous reporting organisation identifier may prefix it too
            "identifier": "CN-USCI-99999-B2",
            "participants": '<other-identifier type="B1" ref="CN-USCI-99999"/>',
        },
    ),
    (
        "startswith",
        "1.14.8",
        "warning",
        {"reporting": '<reporting-org ref="ZZ-NOPE-1"/>', "identifier": "ZZ-NOPE-1-B2"},
        {"reporting": '<reporting-org ref="XI-IATI-1001"/>', "identifier": "XI-IATI-1001-B2"},
    ),
    (
        "one_or_all",
        "7.8.1",
        "error",
        {"attrs": 'xml:lang="zh"'},
        {  # no default currency, but every value says its own
            "attrs": 'xml:lang="zh"',
            "budgets": '<budget><value currency="CNY">1</value></budget>',
            "transactions": '<transaction><value currency="CNY">1</value></transaction>',
        },
    ),
    (
        "one_or_all",
        "4.1.1",
        "error",
        {"attrs": 'default-currency="CNY"'},
        {  # no default language, but every narrative says its own
            "attrs": 'default-currency="CNY"',
            "reporting": '<reporting-org ref="CN-USCI-12345"><narrative xml:lang="zh">部'
            "</narrative></reporting-org>",
            "texts": '<title><narrative xml:lang="zh">标题</narrative></title>'
            '<description><narrative xml:lang="en">About</narrative></description>',
        },
    ),
    (
        "date_now",
        "11.1.1",
        "error",
        {"attrs": 'xml:lang="zh" default-currency="CNY" last-updated-datetime="2025-06-02"'},
        {  # 19:00 in Beijing is 11:00 UTC, before NOW
            "attrs": 'xml:lang="zh" default-currency="CNY" '
            'last-updated-datetime="2025-06-01T19:00:00+08:00"'
        },
    ),
    (
        "loop",
        "2.1.1",
        "error",
        {
            "sectors": '<sector vocabulary="1" code="11110"/>'
            '<sector vocabulary="2" code="111" percentage="60"/><sector vocabulary="2" code="112"/>'
        },
        {
            "sectors": '<sector vocabulary="1" code="11110"/>'
            '<sector vocabulary="2" code="111" percentage="60"/>'
            '<sector vocabulary="2" code="112" percentage="40"/>'
        },
    ),
    (
        "loop",
        "3.4.2",
        "error",
        {
            "geo": '<recipient-region vocabulary="1" code="798" percentage="50"/>'
            '<recipient-country code="CN" percentage="30"/>'
        },
        {
            "geo": '<recipient-region vocabulary="1" code="798" percentage="70"/>'
            '<recipient-country code="CN" percentage="30"/>'
        },
    ),
    (
        "unique",
        "1.1.3",
        "error",
        {"identifier": "CN-USCI-12345"},
        {},
    ),
    (
        "strict_sum",
        "3.1.2",
        "error",
        {"geo": '<recipient-country code="CN" percentage="60"/><recipient-country code="KZ"/>'},
        {
            "geo": '<recipient-country code="CN" percentage="60.5"/>'
            '<recipient-country code="KZ" percentage="39.5"/>'
        },
    ),
    (
        "range",
        "12.3.1",
        "error",
        {"sectors": '<sector vocabulary="1" code="11110" percentage="100.01"/>'},
        {"sectors": '<sector vocabulary="1" code="11110" percentage="100"/>'},
    ),
]


def _built(parts: dict) -> bytes:
    parts = dict(parts)
    identifier = parts.pop("identifier", ACTIVITY)
    return document(activity(NEIGHBOUR), activity(identifier, **parts))


@pytest.mark.parametrize(
    ("rule", "rule_id", "severity", "failing", "passing"),
    STANDARD_CASES,
    ids=[f"{case[0]}-{case[1]}" for case in STANDARD_CASES],
)
def test_each_standard_rule_type_fails_the_activity_that_breaks_it(
    rule, rule_id, severity, failing, passing
):
    expected_activity = failing.get("identifier", ACTIVITY).strip()
    found = findings(_built(failing), rule_id)
    assert found, rule_id
    for finding in found:
        assert finding.rule.split("/")[0] == rule
        assert finding.severity == severity
        assert finding.activity == expected_activity
        assert finding.path.startswith("/iati-activities/iati-activity[2]")
        assert finding.message  # the ruleset's own words are kept
        assert finding.detail
    assert findings(_built(passing), rule_id) == []


def test_a_clean_activity_has_no_findings_at_all():
    assert check_activities(document(activity(NEIGHBOUR), activity()), now=NOW) == []


def test_between_dates_checks_the_budget_line_of_an_organisations_file():
    (finding,) = findings(organisation("2025-02-01"), "11.3.1")
    assert (finding.rule, finding.severity, finding.activity) == (
        "between_dates",
        "error",
        "CN-USCI-12345",
    )
    assert finding.path.endswith("/budget-line/value/@value-date")
    assert "2025-02-01" in finding.detail
    assert findings(organisation("2024-12-31"), "11.3.1") == []


def test_a_finding_names_the_node_concerned_and_its_line():
    xml = document(
        activity(NEIGHBOUR),
        activity(participants='\n<participating-org role="1" ref=" CN-USCI-12345"/>'),
    )
    (finding,) = findings(xml, "1.8.1")
    assert finding.path == "/iati-activities/iati-activity[2]/participating-org/@ref"
    assert finding.line == 2
    assert "' CN-USCI-12345'" in finding.detail


def test_every_future_transaction_date_is_found_not_only_the_first():
    transactions = (
        '<transaction><transaction-date iso-date="2024-03-01"/></transaction>'
        '<transaction><transaction-date iso-date="2025-06-02"/></transaction>'
    )
    (finding,) = findings(document(activity(transactions=transactions)), "11.2.1")
    assert finding.rule == "date_order"
    assert finding.path == (
        "/iati-activities/iati-activity/transaction[2]/transaction-date/@iso-date"
    )
    assert "当前时间" in finding.detail


def test_if_then_reads_a_node_set_as_true_only_when_it_is_not_empty():
    # 3.7.1: no recipient at activity level, so some transaction must declare one.
    without = document(activity(geo="", transactions="<transaction/>"))
    (finding,) = findings(without, "3.7.1")
    assert finding.severity == "error"
    with_one = '<transaction><recipient-country code="CN"/></transaction>'
    assert findings(document(activity(geo="", transactions=with_one)), "3.7.1") == []


def test_a_loop_substitutes_only_the_keys_named_in_subs():
    # 2.1.2's loop names only "paths" in subs, so its condition keeps a literal '$1' and never
    # holds: the sum of a non-DAC vocabulary is left to 2.1.1, as in IATI's validator.
    sectors = (
        '<sector vocabulary="1" code="11110"/>'
        '<sector vocabulary="2" code="111" percentage="60"/>'
        '<sector vocabulary="2" code="112" percentage="30"/>'
    )
    assert findings(document(activity(sectors=sectors)), "2.1.2") == []
    # The DAC vocabulary's own strict_sum does hold its condition.
    dac = (
        '<sector vocabulary="1" code="11110" percentage="60"/>'
        '<sector vocabulary="1" code="11120" percentage="30"/>'
    )
    (finding,) = findings(document(activity(sectors=dac)), "2.1.2")
    assert finding.rule == "strict_sum"
    assert "90" in finding.detail


def test_id_condition_skips_identifiers_of_registered_publishers():
    xml = document(activity("CN-USCI-12345-B?2"))
    assert [f.severity for f in findings(xml, "1.3.13")] == ["warning"]
    assert findings(xml, "1.3.13", publisher_ids={"CN-USCI-12345"}) == []
    reporting = '<reporting-org ref="ZZ-NOPE-1"/>'
    xml = document(activity("ZZ-NOPE-1-B2", reporting=reporting))
    assert findings(xml, "1.14.8")
    assert findings(xml, "1.14.8", publisher_ids={"ZZ-NOPE-1"}) == []


def test_a_condition_limits_the_rule_to_the_elements_it_holds_for():
    # 6.13.1: only a policy marker of vocabulary 99 needs a narrative.
    markers = (
        '<policy-marker vocabulary="1" code="1" significance="1"/>'
        '<policy-marker vocabulary="99" code="X"/>'
    )
    (finding,) = findings(document(activity(participants=markers)), "6.13.1")
    assert finding.path == "/iati-activities/iati-activity/policy-marker[2]"


# Rule types of SPEC.rst that the shipped standard ruleset does not use --------------------


def _ids(identifier: str, **parts: str) -> bytes:
    return document(activity(NEIGHBOUR), activity(identifier, **parts))


def _check(ruleset, xml: bytes):
    return check_activities(xml, ruleset=ruleset, now=NOW)


def test_sum_passes_when_nothing_is_there_and_fails_a_wrong_total():
    ruleset = one_case("sum", paths=["sector/@percentage"], sum=100)
    assert _check(ruleset, _ids(ACTIVITY)) == []
    full = '<sector code="1" percentage="40"/><sector code="2" percentage="60.0"/>'
    assert _check(ruleset, _ids(ACTIVITY, sectors=full)) == []
    (finding,) = _check(ruleset, _ids(ACTIVITY, sectors='<sector code="1" percentage="40"/>'))
    assert (finding.rule, finding.severity, finding.activity) == ("sum", "warning", ACTIVITY)
    assert "40" in finding.detail


def test_a_strict_sum_with_a_value_that_is_not_a_number_fails():
    ruleset = one_case("strict_sum", paths=["sector/@percentage"], sum=100)
    (finding,) = _check(ruleset, document(activity(sectors='<sector percentage="百"/>')))
    assert "百" in finding.detail
    (finding,) = _check(ruleset, document(activity(sectors="")))  # strict: nothing sums to 0
    assert finding.activity == ACTIVITY


def test_regex_no_matches_fails_a_text_that_matches():
    ruleset = one_case("regex_no_matches", paths=["iati-identifier"], regex="\\s")
    assert _check(ruleset, _ids(ACTIVITY)) == []
    (finding,) = _check(ruleset, _ids("CN-USCI-12345 B2"))
    assert (finding.rule, finding.severity, finding.activity) == (
        "regex_no_matches",
        "warning",
        "CN-USCI-12345 B2",
    )


def test_only_one_of_wants_exactly_one_unless_the_excluded_is_there():
    ruleset = one_case("only_one_of", excluded=["transaction/sector"], paths=["sector"])
    assert _check(ruleset, _ids(ACTIVITY)) == []
    moved = {"sectors": "", "transactions": '<transaction><sector code="1"/></transaction>'}
    assert _check(ruleset, _ids(ACTIVITY, **moved)) == []
    both = '<transaction><sector code="1"/></transaction>'
    (finding,) = _check(ruleset, _ids(ACTIVITY, transactions=both))
    assert (finding.rule, finding.activity) == ("only_one_of", ACTIVITY)
    (finding,) = _check(ruleset, _ids(ACTIVITY, sectors=""))
    assert "0 项" in finding.detail


def test_dependent_wants_all_of_the_paths_once_one_is_there():
    ruleset = one_case("dependent", paths=["capital-spend", "capital-spend/@percentage"])
    assert _check(ruleset, _ids(ACTIVITY)) == []
    spend = '<capital-spend percentage="10"/>'
    assert _check(ruleset, _ids(ACTIVITY, participants=spend)) == []
    (finding,) = _check(ruleset, _ids(ACTIVITY, participants="<capital-spend/>"))
    assert (finding.rule, finding.severity, finding.activity) == (
        "dependent",
        "warning",
        ACTIVITY,
    )


def test_camel_case_rule_names_mean_the_same_rules():
    ruleset = one_case("atLeastOne", paths=["capital-spend"])
    (finding,) = _check(ruleset, document(activity()))
    assert finding.rule == "atleast_one"
    assert set(ALIASES.values()) <= RULE_TYPES


# The ruleset itself ----------------------------------------------------------------------


def _shipped_rule_types() -> tuple[set[str], int]:
    data = json.loads(STANDARD_RULESET.read_text(encoding="utf-8"))
    types, count = set(), 0
    for rules in data.values():
        for rule, block in rules.items():
            types.add(rule)
            for case in block["cases"]:
                count += 1
                for inner, inner_block in case.get("do", {}).items():
                    types.add(inner)
                    count += len(inner_block["cases"])
    return types, count


def test_every_rule_type_in_the_shipped_ruleset_is_implemented():
    types, count = _shipped_rule_types()
    assert types <= RULE_TYPES, types - RULE_TYPES
    assert set(CHECKS) | {"loop"} == RULE_TYPES
    ruleset = standard_ruleset()
    assert ruleset.rule_types() == types
    read = sum(len(cases) + sum(len(c.inner) for c in cases) for _ctx, cases in ruleset.contexts)
    assert read == count  # no case was dropped
    tested = {case[0] for case in STANDARD_CASES} | {"between_dates"}
    assert types <= tested


def test_every_shipped_case_keeps_its_id_severity_and_message():
    for _context, cases in standard_ruleset().contexts:
        for case in cases:
            for each in case.inner or (case,):
                assert each.severity in {"error", "warning"}
                assert each.rule_id[0].isdigit(), each.rule_id
                assert each.message


@pytest.mark.parametrize(
    "rules",
    [
        {"must_sparkle": {"cases": [{"paths": ["x"]}]}},
        {"loop": {"cases": [{"foreach": "x", "do": {"must_sparkle": {"cases": [{}]}}}]}},
        {"atleast_one": {"cases": [{"paths": ["x"], "eval": "true()"}]}},
        {"atleast_one": {"cases": [{}]}},
        {"one_or_all": {"cases": [{"one": "@x", "all": "everything"}]}},
        {"regex_matches": {"cases": [{"paths": ["x"], "regex": "(", "idCondition": "X"}]}},
        {"no_spaces": {"cases": [{"paths": ["x["]}]}},
        {"no_spaces": {"cases": [{"paths": ["x"], "ruleInfo": {"severity": "fatal"}}]}},
        {"loop": {"cases": [{"foreach": "x", "do": {"if_then": {"cases": [{}]}}}]}},
    ],
)
def test_anything_the_evaluator_does_not_define_is_refused(rules):
    with pytest.raises(RulesetError):
        ruleset_parse({"/iati-activities/iati-activity": rules})


def test_now_must_carry_a_time_zone():
    with pytest.raises(ValueError, match="时区"):
        check_activities(document(activity()), now=datetime(2025, 1, 1))


def test_a_loop_value_with_an_apostrophe_is_still_compared():
    sectors = (
        '<sector vocabulary="1" code="11110"/>'
        '<sector vocabulary="9\'9" code="1" percentage="50"/>'
        '<sector vocabulary="9\'9" code="2"/>'
    )
    (finding,) = findings(document(activity(sectors=sectors)), "2.1.1")
    assert finding.rule == "loop/if_then"
    assert "9'9" in finding.detail


def test_a_loop_runs_its_cases_for_each_value_when_its_condition_holds():
    def loop(condition: str):
        inner = {"paths": ["sector[@vocabulary = '$1']/@percentage"], "sum": 100}
        inner["ruleInfo"] = {"id": "T.2", "severity": "warning", "message": "m"}
        case = {"foreach": "sector/@vocabulary", "subs": ["paths"], "condition": condition}
        case["do"] = {"strict_sum": {"cases": [inner]}}
        return ruleset_parse({"/iati-activities/iati-activity": {"loop": {"cases": [case]}}})

    sectors = (
        '<sector vocabulary="1" code="1" percentage="100"/>'
        '<sector vocabulary="2" code="1" percentage="50"/>'
    )
    xml = document(activity(sectors=sectors))
    (finding,) = _check(loop("true()"), xml)
    assert (finding.rule, finding.severity) == ("loop/strict_sum", "warning")
    assert "@vocabulary = '2'" in finding.detail
    assert _check(loop("false()"), xml) == []
