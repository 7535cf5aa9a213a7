"""Reading a typed address (一标三实 标准地址): pure, no database.

"桃源路88号", "桃源路 88 号", "桃源路８８号3栋", "桃源路八十八号", "桃源路88-1号", "桃源路88号之一" all come
apart into the road, the house number, an optional sub-number and what follows (a building or a
room). Anything that is not a road and a number keeps its words as `rest`, for a name search.
"""

import re
import unicodedata
from dataclasses import dataclass

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_CHINESE_NUMBER = "[零〇一二两三四五六七八九十百千]+"
_NUMBER = rf"(?:\d+|{_CHINESE_NUMBER})"
# Where a road name ends: the generic words of Chinese street names (路, 街, 巷, 弄, 大道, 组 of a village …).
ROAD_ENDINGS = ("大道", "大街", "路", "街", "巷", "弄", "道", "里", "胡同", "组", "村", "坊")
_ROAD = "(?P<road>.+?(?:" + "|".join(ROAD_ENDINGS) + "))"
_HOUSE = re.compile(
    rf"^{_ROAD}(?P<number>{_NUMBER})"
    rf"(?:(?:[-—－之附](?P<sub>{_NUMBER}))?号(?:(?:之|附)(?P<sub_after>{_NUMBER})号?)?)?"
    r"(?P<rest>.*)$"
)
_ROAD_ONLY = re.compile(rf"^{_ROAD}$")
_SPACES = re.compile(r"\s+")


def chinese_number(text: str) -> int | None:
    """A simple Chinese numeral as an integer: 八十八 → 88, 一百零二 → 102, 十二 → 12, 三 → 3;
    digit by digit too (一零二 → 102). None for anything else."""
    if not text or any(ch not in _DIGITS and ch not in _UNITS for ch in text):
        return None
    if not any(ch in _UNITS for ch in text):
        return int("".join(str(_DIGITS[ch]) for ch in text))
    total, digit = 0, None
    for ch in text:
        if ch in _DIGITS:
            if digit is not None and _DIGITS[ch] != 0:
                return None  # two digits in a row inside a numeral with units: not simple
            digit = _DIGITS[ch] if _DIGITS[ch] != 0 else None
        else:
            total += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
    return total + (digit or 0)


# No street runs to a hundred thousand: a longer number is not a house number (and would overflow
# the database's integer).
LARGEST_HOUSE_NUMBER = 99_999


def number_of(text: str) -> int | None:
    value = int(text) if text.isdigit() and len(text) <= 6 else chinese_number(text) if not text.isdigit() else None
    return value if value is not None and value <= LARGEST_HOUSE_NUMBER else None


def address_text_normalised(text: str) -> str:
    """Full-width digits and letters made half-width (NFKC), spaces removed, 號 as 号."""
    text = unicodedata.normalize("NFKC", text or "")
    return _SPACES.sub("", text).replace("號", "号").replace("−", "-")


@dataclass(frozen=True)
class ParsedAddress:
    text: str  # the normalised text
    road: str = ""
    number: int | None = None
    sub_number: str = ""
    rest: str = ""  # a building, a unit or a room after the number: "3栋", "东侧"
    has_number_sign: bool = False  # "88号" rather than "88" being typed

    @property
    def is_house_number(self) -> bool:
        return bool(self.road) and self.number is not None


def address_parse(text: str) -> ParsedAddress:
    """The parts of a typed address; `road` alone when only a road is typed."""
    normalised = address_text_normalised(text)
    if not normalised:
        return ParsedAddress(text="")
    match = _HOUSE.match(normalised)
    if match:
        number = number_of(match.group("number"))
        sub_text = match.group("sub") or match.group("sub_after") or ""
        sub_value = number_of(sub_text) if sub_text else None
        if number is not None:
            return ParsedAddress(
                text=normalised, road=match.group("road"), number=number,
                sub_number=str(sub_value) if sub_value is not None else "",
                rest=match.group("rest"), has_number_sign="号" in normalised[len(match.group("road")):],
            )
    if _ROAD_ONLY.match(normalised):
        return ParsedAddress(text=normalised, road=normalised)
    return ParsedAddress(text=normalised, rest=normalised)


def house_number_label(*, road: str, number: int, sub_number: str = "") -> str:
    """The standard way of writing it: 桃源路88号, 桃源路88-1号."""
    return f"{road}{number}{'-' + sub_number if sub_number else ''}号"
