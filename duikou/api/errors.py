"""Chinese messages for what the request schemas refuse (pydantic's error types), so a 422
says what is wrong and where in the words of the rest of the API."""

# Patterns the schemas use, said in words.
PATTERNS = {
    r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$": "不能含有控制字符",
    r"^[a-z_]*$": "应为小写英文代码（如 building）",
}
# Error types whose message needs nothing from the error's context.
PLAIN = {
    "missing": "必填",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "finite_number": "应为有限的数字",
    "string_type": "应为文字",
    "string_unicode": "应为文字",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "date_parsing": "应为日期，如 2025-03-12",
    "date_type": "应为日期，如 2025-03-12",
    "date_from_datetime_parsing": "应为日期，如 2025-03-12",
    "date_from_datetime_inexact": "应为日期，不带时间",
    "datetime_parsing": "应为日期时间，如 2025-03-12T08:00:00+08:00",
    "datetime_type": "应为日期时间，如 2025-03-12T08:00:00+08:00",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "json_invalid": "不是有效的 JSON",
    "json_type": "不是有效的 JSON",
    "extra_forbidden": "不是本接口的字段",
}


def validation_message(error: dict) -> str:
    """One pydantic error in Chinese (ninja leaves the input out of its errors: the field's
    name says where)."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    return PLAIN.get(kind) or _with_context(kind, ctx) or error.get("msg", "")


def _with_context(kind: str, ctx: dict) -> str:
    if kind == "greater_than_equal":
        return f"不能小于{ctx.get('ge')}"
    if kind == "greater_than":
        return f"应大于{ctx.get('gt')}"
    if kind == "less_than_equal":
        return f"不能大于{ctx.get('le')}"
    if kind == "less_than":
        return f"应小于{ctx.get('lt')}"
    if kind == "string_too_long":
        return f"不能超过{ctx.get('max_length')}个字"
    if kind == "string_too_short":
        return f"至少{ctx.get('min_length')}个字"
    if kind == "too_long":
        return f"最多{ctx.get('max_length')}项"
    if kind == "too_short":
        return f"至少{ctx.get('min_length')}项"
    if kind == "decimal_max_places":
        return f"最多{ctx.get('decimal_places')}位小数"
    if kind == "decimal_max_digits":
        return f"最多{ctx.get('max_digits')}位数字"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        return PATTERNS.get(pattern, f"格式不符（应符合 {pattern}）")
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", "")).replace("' or '", "、").replace("', '", "、")
        return f"应为以下之一：{expected.strip(chr(39))}"
    if kind == "value_error":
        return str(ctx.get("error", "")) or ""
    return ""
