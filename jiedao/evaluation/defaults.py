"""The defaults seeded by `seed_evaluation`, from standards.md §3.3 (implementation values of
missaouib/urban-management-platform, marked [S]; "These thresholds are implementation values.
Make them configuration."). Administrators edit the seeded rows; the seed never overwrites them."""

from .models import ObjectType

STANDARD = "standards.md §3.3 (CJ/T 292 / GB/T 30428.4 as implemented in missaouib/urban-management-platform)"

# The region weight of 按期结案率: the source comment reads ×10 %, which sums to 70 %; ×40 % closes
# the sum and is used here. Marked [M] in standards.md §3.3 and §10 until checked against
# GB/T 30428.4 itself.
REGION_WEIGHT_NOTE = (
    "按期结案率分值权重采用 40%：来源注释写作 10%，合计仅 70%，疑为笔误；待与 GB/T 30428.4 原文核对"
    "（standards.md §3.3、§10）。"
)


# Why the department's 立案数分值 has two bases (issue 11 point 5).
DEPARTMENT_VOLUME_NOTE = (
    "立案数分值按该部门统计期内立案的案件数分档（越少越好），即 standards.md §3.3 的标准口径。"
    "也可改为按应处置数（统计期内派遣给该部门的案件数）分档：它只算真正交到部门手里的案件，"
    "上月立案、本月才派遣的案件算在本月，回退改派的案件算在接手的部门；"
    "需要与上级平台数字对账时请用标准口径。"
)
# The 受理数分值 table (§3.3: ≥2001→100, ≥1201→90, ≥501→75, ≥301→60, ≥101→40, else 0).
INTAKE_VOLUME_STEPS = [(2001, 100), (1201, 90), (501, 75), (301, 60), (101, 40)]


def _steps(op: str, pairs, otherwise=0) -> dict:
    return {"steps": [{"op": op, "value": value, "score": score} for value, score in pairs], "otherwise": otherwise}


SCHEMES = {
    # 监督员: 有效上报率分值 ×40% + 漏报率分值 ×20% + 按时核实率分值 ×20% + 按时核查率分值 ×20%
    ObjectType.FIELD_WORKER: {
        "weights": {"valid_report_rate": 40, "missed_report_rate": 20, "on_time_verify_rate": 20,
                    "on_time_check_rate": 20},
        "stepped_tables": {},
        "note": "",
    },
    # 专业部门: 立案数分值 ×10% + 结案率分值 ×30% + 按期处置率分值 ×30% + 返工率分值 ×30%;
    # 立案数分值 (fewer problems is better): ≤50→100, ≤100→90, ≤200→75, ≤500→60, ≤1000→40, else 0.
    ObjectType.DEPARTMENT: {
        "weights": {"filed_volume": 10, "closure_rate": 30, "on_time_handling_rate": 30, "rework_rate": 30},
        "stepped_tables": {
            "filed_volume": _steps("<=", [(50, 100), (100, 90), (200, 75), (500, 60), (1000, 40)]),
        },
        "volume_basis": "filed",
        "note": DEPARTMENT_VOLUME_NOTE,
    },
    # 区域: 监督举报率分值 ×10% + 立案数分值 ×20% + 结案率分值 ×30% + 按期结案率分值 ×40%;
    # 立案数分值 per 单元网格, 一类区域: 0→100, <3→90, <5→75, <7→60, <9→40, else 0;
    # 二类区域 thresholds shifted by one. Keyed by the grid class's code (territory.GridClass.code of
    # the scheme in use: "1"/"2" are 一类/二类 of the default scheme; an office on A/B/C adds "A", "B", "C").
    ObjectType.REGION: {
        "weights": {"public_report_rate": 10, "filed_volume": 20, "closure_rate": 30, "on_time_closure_rate": 40},
        "stepped_tables": {
            "filed_volume": {
                "1": {"steps": [{"op": "<=", "value": 0, "score": 100}]
                      + [{"op": "<", "value": v, "score": s} for v, s in [(3, 90), (5, 75), (7, 60), (9, 40)]],
                      "otherwise": 0},
                "2": {"steps": [{"op": "<=", "value": 1, "score": 100}]
                      + [{"op": "<", "value": v, "score": s} for v, s in [(4, 90), (6, 75), (8, 60), (10, 40)]],
                      "otherwise": 0},
            },
        },
        "note": REGION_WEIGHT_NOTE,
    },
}

# §3.3 the command centre's posts.
SCHEMES.update({
    # 受理员: 受理数分值 ×25% + 核实按时派发率分值 ×40% + 核查按时派发率分值 ×35%
    ObjectType.INTAKE_CLERK: {
        "weights": {"intake_volume": 25, "verify_dispatch_on_time_rate": 40, "check_dispatch_on_time_rate": 35},
        "stepped_tables": {"intake_volume": _steps(">=", INTAKE_VOLUME_STEPS)},
        "note": "受理数为该受理员统计期内受理、派发核实或不予受理的案件数；核查派发只计人工指派的（处置上报时系统自动指派的不计）。",
    },
    # 值班长: 按时立案率分值 ×25% + 准确立案率分值 ×40% + 按时结案率分值 ×35%
    ObjectType.SHIFT_LEAD: {
        "weights": {"on_time_filing_rate": 25, "accurate_filing_rate": 40, "on_time_closing_rate": 35},
        "stepped_tables": {},
        "note": "",
    },
    # 派遣员: 派遣数分值 ×20% + 按时派遣率分值 ×40% + 准确派遣率分值 ×40%. No 派遣数 table was found
    # published; the 受理数 table's steps are a sample to adjust.
    ObjectType.DISPATCHER: {
        "weights": {"dispatch_volume": 20, "on_time_dispatch_rate": 40, "accurate_dispatch_rate": 40},
        "stepped_tables": {"dispatch_volume": _steps(">=", INTAKE_VOLUME_STEPS)},
        "note": "派遣数分值的分档未见公开标准，暂按受理数分值的分档（示例值），请按本中心的派遣量调整。",
    },
})

# 评价等级: A ≥90, B ≥75, C ≥60, D ≥40, E <40 (PositionService.getRatingLevel) [S]
GRADES = [("A", 90), ("B", 75), ("C", 60), ("D", 40), ("E", 0)]
