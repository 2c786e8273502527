"""Errors raised by services, carrying Chinese messages keyed by field."""

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
