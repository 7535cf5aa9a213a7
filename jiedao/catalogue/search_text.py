"""Pinyin search words for a category name: pure, no database."""

import re

from pypinyin import Style, lazy_pinyin

_NOT_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")


def search_text_of(name: str) -> str:
    """Full pinyin then initials, lower case, punctuation dropped: 暴露垃圾 → "baolulaji bllj"."""
    full = "".join(lazy_pinyin(name, style=Style.NORMAL, errors="ignore"))
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore"))
    return f"{_NOT_ALPHANUMERIC.sub('', full.lower())} {_NOT_ALPHANUMERIC.sub('', initials.lower())}"


def search_query_normalised(query: str) -> str:
    """What a typed pinyin query is compared against: lower case, no spaces or apostrophes."""
    return _NOT_ALPHANUMERIC.sub("", query.lower())
