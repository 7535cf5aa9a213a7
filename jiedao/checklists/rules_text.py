"""Reading a scoring rule out of the words of an office's 评分标准 (pure: no database).

A plain office sheet has only 序号/项目/内容/分值/评分标准; the mechanics are in the words:
"每处扣1分，扣完为止", "每发现一处扣0.5分，最多扣3分", "发现露天焚烧的，该项不得分",
"实行一票否决", "每个自然村随机走访5户". `standard_interpret` reads the common phrasings into the
fields of an item and names the phrases it relied on, so the import can tell the editor which
items were read from words and should be checked. It never guesses beyond these phrasings: a text
it cannot read gives None and the import asks for the columns instead.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .scoring import ADD, DEDUCT, VETO, VETO_ITEM, VETO_SECTION, VETO_TOTAL

_CHINESE_DIGITS = {"一": "1", "二": "2", "两": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7",
                   "八": "8", "九": "9", "十": "10", "半": "0.5"}
_NUMBER = r"(\d+(?:\.\d+)?|[一二两三四五六七八九十半])"
# What an occurrence is counted in: 每处、每户、每桶…
UNITS = "处户个次项桶座家起条块辆点间宗人名只周盏"
_CLAUSE_END = "，,。；;：:\n"

_PER = {kind: [
    # 每处扣1分, 每发现一处扣0.5分, 每户扣2分, 每低10%扣1分
    re.compile(rf"每[^{_CLAUSE_END}扣加]{{0,16}}?{verb}(?:除)?\s*{_NUMBER}\s*分"),
    # 发现一处扣1分
    re.compile(rf"(?:发现|有)?[一1]\s*[{UNITS}][^{_CLAUSE_END}扣加]{{0,8}}?{verb}\s*{_NUMBER}\s*分"),
    # 扣1分/处
    re.compile(rf"{verb}\s*{_NUMBER}\s*分\s*[/／]\s*[{UNITS}]"),
] for kind, verb in ((DEDUCT, "扣"), (ADD, "加"))}

_CAP = {kind: [
    re.compile(rf"(?:累计)?(?:最多|最高|至多){verb}\s*{_NUMBER}\s*分"),
    re.compile(rf"{verb}分?(?:累计)?(?:不超过|不得超过|上限为?|以)\s*{_NUMBER}\s*分(?:为限|为止)?"),
    re.compile(rf"{verb}满\s*{_NUMBER}\s*分为止"),
    re.compile(rf"(?:封顶|上限)\s*{_NUMBER}\s*分"),
] for kind, verb in ((DEDUCT, "扣"), (ADD, "加"))}

_UNTIL_EMPTY = re.compile(r"扣完为止|扣满为止|扣完本项分值为止|本项分值扣完为止|扣至[0零]分(?:为止)?")
_ANY_DEDUCTION = re.compile(rf"扣\s*{_NUMBER}\s*分")

_VETO = [  # the narrower scope is tried last, so 本部分不得分 is not read as 不得分 of the item
    (VETO_TOTAL, re.compile(r"(?:实行|实施)?一票否决|总分(?:为|记|计|按)?\s*[0零]\s*分?|总分不得分")),
    (VETO_SECTION, re.compile(r"(?:本|该|此|整个)(?:部分|大项|类)(?:不得分|(?:得|记|计)\s*[0零]\s*分)")),
    (VETO_ITEM, re.compile(r"(?:(?:本|该|此)(?:小项|项|条))?(?:不得分|(?:得|记|计)\s*[0零]\s*分)")),
]

_SAMPLING = [
    # 每个自然村随机走访5户, 随机抽查10桶, 每个小区随机调查20户
    re.compile(rf"(?:每[^{_CLAUSE_END}]{{0,10}}?)?(?:随机)?(?:走访|抽查|抽取|抽检|检查|调查|查看|入户)\s*(\d+)\s*([{UNITS}])"),
    # 每村环绕一圈
    re.compile(rf"每[^{_CLAUSE_END}]{{0,8}}?(?:环绕|绕行|巡查|走)一圈"),
]


def _amount(text: str) -> Decimal:
    return Decimal(_CHINESE_DIGITS.get(text, text))


@dataclass
class Interpretation:
    method: str = DEDUCT
    per_occurrence: Decimal = Decimal(0)
    cap: Decimal | None = None
    veto_scope: str = ""
    veto_condition: str = ""
    # The phrases the reading relied on, as found in the text, for the editor to check.
    phrases: list[str] = field(default_factory=list)
    # Several different deductions without 每 ("未建立扣5分；未公示扣3分"): the first was taken.
    other_amounts: list[Decimal] = field(default_factory=list)

    @property
    def until_empty(self) -> bool:
        return self.method == DEDUCT and self.cap is None


@dataclass
class Sampling:
    rule: str
    size: int | None = None
    unit: str = ""


def _first(patterns, text: str):
    found = [match for pattern in patterns if (match := pattern.search(text))]
    return min(found, key=lambda match: match.start()) if found else None


def _masked(text: str, matches) -> str:
    """The text with the matched spans blanked out, so a phrase is not read twice."""
    characters = list(text)
    for match in matches:
        if match is not None:
            characters[match.start():match.end()] = " " * (match.end() - match.start())
    return "".join(characters)


def _veto_condition(text: str, match: re.Match) -> str:
    """The words before the veto phrase in its sentence: "发现露天焚烧垃圾、秸秆、树叶的，该项不得分"
    → "发现露天焚烧垃圾、秸秆、树叶"."""
    start = max(text.rfind(mark, 0, match.start()) for mark in "。；;\n") + 1
    before = text[start:match.start()]
    parts = [part.strip() for part in re.split(r"[，,]", before)]
    # Keep the sub-clauses just before the phrase that are not themselves a deduction rule.
    kept: list[str] = []
    for part in reversed(parts):
        if not part:
            continue
        if _ANY_DEDUCTION.search(part) or _UNTIL_EMPTY.search(part):
            break
        kept.insert(0, part)
    condition = "，".join(kept)
    condition = re.sub(r"(?:的|者|则|即|将|实行|实施|，|,|\s)+$", "", condition)
    return condition[:200]


def standard_interpret(text: str) -> Interpretation | None:
    """The scoring mechanics the words of a 评分标准 state, or None when they state none we know."""
    text = (text or "").strip()
    if not text:
        return None
    veto_scope, veto_match = "", None
    for scope, pattern in _VETO:
        if match := pattern.search(text):
            veto_scope, veto_match = scope, match
            break

    for method in (ADD, DEDUCT):
        per = _first(_PER[method], text)
        if per is None:
            continue
        reading = Interpretation(method=method, per_occurrence=_amount(per.group(1)), phrases=[per.group(0)])
        cap = _first(_CAP[method], _masked(text, [per]))
        if cap is not None:
            reading.cap = _amount(cap.group(1))
            reading.phrases.append(text[cap.start():cap.end()])
        elif method == DEDUCT and (until := _UNTIL_EMPTY.search(text)):
            reading.phrases.append(until.group(0))
        if method == DEDUCT and veto_match is not None:
            reading.veto_scope, reading.veto_condition = veto_scope, _veto_condition(text, veto_match)
            reading.phrases.append(veto_match.group(0))
        return reading

    caps = [match for pattern in _CAP[DEDUCT] for match in pattern.finditer(text)]
    amounts = list(_ANY_DEDUCTION.finditer(_masked(text, caps)))
    if amounts:
        values = [_amount(match.group(1)) for match in amounts]
        reading = Interpretation(method=DEDUCT, per_occurrence=values[0], phrases=[amounts[0].group(0)],
                                 other_amounts=sorted(set(values[1:]) - {values[0]}))
        if caps:
            reading.cap = _amount(caps[0].group(1))
            reading.phrases.append(caps[0].group(0))
        if veto_match is not None:
            reading.veto_scope, reading.veto_condition = veto_scope, _veto_condition(text, veto_match)
            reading.phrases.append(veto_match.group(0))
        return reading

    if veto_match is not None:
        return Interpretation(method=VETO, veto_scope=veto_scope, veto_condition=_veto_condition(text, veto_match),
                              phrases=[veto_match.group(0)])
    return None


def sampling_interpret(*texts: str) -> Sampling | None:
    """A sampling rule stated in words ("每个自然村随机走访5户"), from the first text that has one."""
    for text in texts:
        text = (text or "").strip()
        match = _first(_SAMPLING, text)
        if match is None:
            continue
        start = max(text.rfind(mark, 0, match.start()) for mark in _CLAUSE_END) + 1
        rule = (text[start:match.start()] + match.group(0)).strip()[:200]
        if match.re is _SAMPLING[0]:
            return Sampling(rule=rule, size=int(match.group(1)), unit=match.group(2))
        return Sampling(rule=rule)
    return None
