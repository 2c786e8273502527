"""Errors raised by services, carrying Chinese messages keyed by field."""

import re

from django.core.exceptions import ValidationError


class ConflictError(ValidationError):
    """Raised when a record changed since the editor loaded it (optimistic concurrency)."""

    def __init__(self, *, entity: str, expected: int, current: int, changes: dict | None = None):
        self.expected = expected
        self.current = current
        self.changes = changes or {}
        super().__init__(
            f"{entity}已被他人修改（您编辑的是第{expected}版，当前是第{current}版），"
            "请刷新后查看对方的修改再保存",
            code="conflict",
        )


def refuse(field: str, message: str, code: str = "invalid") -> ValidationError:
    """A ValidationError for one field, so forms, imports and the API can say where."""
    return ValidationError({field: ValidationError(message, code=code)})


# C0 control characters other than tab, line feed and carriage return: never part of what
# a person types, and PostgreSQL refuses NUL in text outright.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def has_control_characters(text: str) -> bool:
    return bool(CONTROL_CHARACTERS.search(text))


def check_no_control_characters(field: str, text: str, label: str) -> None:
    """Refuse ``text`` holding control characters, naming ``label`` (the field as the
    user sees it)."""
    if has_control_characters(text):
        raise refuse(field, f"{label}含有不可见的控制字符，请删除后重试")
