"""Derived-indicator formulas: arithmetic over indicator codes, parsed safely with ``ast``.

Only numbers, indicator codes, + - * / and parentheses are allowed; nothing is
executed. A missing operand or a division by zero gives ``None`` (shown as "—").
"""

import ast
import re
from decimal import Decimal, DivisionByZero, InvalidOperation

from django.core.exceptions import ValidationError

_OPERATORS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}


def _parse(formula: str) -> ast.expr:
    try:
        tree = ast.parse(formula.strip(), mode="eval")
    except SyntaxError:
        raise ValidationError({"formula": f"公式“{formula}”有语法错误"}) from None
    for node in ast.walk(tree):
        allowed = (
            ast.Expression,
            ast.BinOp,
            ast.UnaryOp,
            ast.USub,
            ast.UAdd,
            ast.Name,
            ast.Load,
            ast.Constant,
            *_OPERATORS,
        )
        if not isinstance(node, allowed):
            raise ValidationError({"formula": f"公式“{formula}”只能包含指标编码、数字和 + - * /"})
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            raise ValidationError({"formula": f"公式“{formula}”只能包含指标编码、数字和 + - * /"})
    return tree.body


def formula_refs(formula: str) -> set[str]:
    """The indicator codes a formula refers to."""
    return {n.id for n in ast.walk(_parse(formula)) if isinstance(n, ast.Name)}


def formula_words(formula: str, names: dict[str, str]) -> str:
    """A formula as people read it: each indicator code replaced by its name (in 【】),
    × and ÷ for * and /. Codes missing from ``names`` stay as written."""
    refs = formula_refs(formula)
    pieces = re.split(r"([A-Za-z_][A-Za-z0-9_]*)", formula.strip())
    shown = [f"【{names[p]}】" if p in refs and p in names else p for p in pieces]
    return "".join(shown).replace("*", "×").replace("/", "÷")


def formula_eval(formula: str, values: dict[str, Decimal | None]) -> Decimal | None:
    """Evaluate with exact decimals; None when an operand is missing or a divisor is zero."""

    def walk(node: ast.expr) -> Decimal | None:
        if isinstance(node, ast.Constant):
            return Decimal(str(node.value))
        if isinstance(node, ast.Name):
            return values.get(node.id)
        if isinstance(node, ast.UnaryOp):
            operand = walk(node.operand)
            return (
                None
                if operand is None
                else (-operand if isinstance(node.op, ast.USub) else operand)
            )
        left, right = walk(node.left), walk(node.right)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Div) and right == 0:
            return None
        try:
            return _OPERATORS[type(node.op)](left, right)
        except (DivisionByZero, InvalidOperation):
            return None

    return walk(_parse(formula))


def formula_check_cycles(code: str, formula: str, formulas: dict[str, str]) -> None:
    """Refuse a formula that refers to itself, directly or through other derived indicators."""
    pending, seen = list(formula_refs(formula)), set()
    while pending:
        ref = pending.pop()
        if ref == code:
            raise ValidationError({"formula": f"公式不能直接或间接引用指标自身（{code}）"})
        if ref in seen:
            continue
        seen.add(ref)
        if ref in formulas:
            pending.extend(formula_refs(formulas[ref]))
