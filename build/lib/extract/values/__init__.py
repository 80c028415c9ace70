"""Values: printed cell text → numbers, percentages, and operator/number/unit measures."""

from extract.values.numbers import EMPTY_MARKS, ParsedNumber, parse_number
from extract.values.measures import Measure, parse_measure
from extract.values.text import compact, normalize

__all__ = ["EMPTY_MARKS", "Measure", "ParsedNumber", "compact", "normalize", "parse_measure", "parse_number"]
