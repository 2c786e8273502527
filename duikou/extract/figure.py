"""The figure record produced by the extractor, shaped like a gold annotation."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(slots=True)
class Figure:
    """One quantity mention with the attributes a careful reader would record.

    ``start``/``end`` are Python ``str`` offsets into the text as given, so
    ``text == report[start:end]`` always holds.
    """

    doc: str
    start: int
    end: int
    text: str
    value: float
    unit: str
    qualifier: str = ""
    change: str = ""
    indicator: str = ""
    subject: str = ""
    place: str = ""
    period: str = ""

    def to_dict(self) -> dict[str, object]:
        """Return the figure as a plain dict in the gold JSON field order.

        Whole values are given as ``int`` so ``1.2万`` serialises as ``12000``.
        """
        data = asdict(self)
        value = self.value
        if float(value).is_integer():
            data["value"] = int(value)
        return data
