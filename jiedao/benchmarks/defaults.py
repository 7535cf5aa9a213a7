"""Sample titles and criteria seeded by `manage.py seed_benchmarks`: examples to show the shape, each
marked as sample content. The real criteria of a title are the office's to enter (the admin).

Each criterion: (group, name, description, measure key or "" for evidence, comparator, required
value, weight, responsible department's code). A placeholder, in the same shape, names a measure
prefix instead of a key: it is created once another app provides a measure with that prefix (inspection averages,
campaign completion), the next time the seed runs. They are data (Chinese, like the catalogue), not
interface text."""

from decimal import Decimal

D = Decimal
# A placeholder reads the measure it names, or else the first measure of its kind in this unit (by key).
PLACEHOLDER_UNITS = {"inspection:": "分", "campaign:": "%"}

TITLES = [
    {
        "name": "美丽宜居示范街道", "level": "省级",
        "description": ("以“无垃圾死角、无污水横流、无杂物乱堆；道路平整、路灯明亮、排水畅通；四季有绿、错落有致”为标准，"
                         "创建美丽宜居示范街道。"),
        "criteria": [
            ("环境卫生", "按期结案率", "群众反映和巡查发现的问题按期办结",
             "indicator:on_time_closure_rate", ">=", D(90), D(20), "D02"),
            ("群众满意", "群众满意率", "已结案件回访满意（4 分及以上）的比例",
             "indicator:satisfaction_rate", ">=", D(90), D(20), "D01"),
            ("处置质量", "返工率", "核查不通过返工的案件占应结案件的比例",
             "indicator:rework_rate", "<=", D(5), D(15), "D03"),
            ("处置质量", "超期未处置案件", "统计期末仍超期未处置的案件数",
             "count:overdue_pending", "<=", D(10), D(10), "D01"),
            ("长效管理", "长效保洁机制", "制度文件：保洁责任区划分、作业标准、考核办法（正式印发稿）",
             "", "", None, D(15), "D02"),
            ("长效管理", "背街小巷整治", "整治前后对比照片及整治台账",
             "", "", None, D(10), "D01"),
            ("综合评价", "综合指标值", "区域综合评价方案的加权分值",
             "evaluation:composite", ">=", D(85), D(10), ""),
        ],
        "placeholders": [
            ("市容环境", "市容环境考评", "市容环境检查的平均得分", "inspection:street-appearance", ">=", D(85), None, "D01"),
            ("专项行动", "专项行动完成率", "三清三拆三整治专项行动目标完成情况", "campaign:", ">=", D(100), None, "D01"),
        ],
    },
    {
        "name": "省级文明街道", "level": "省级",
        "description": "对标省级文明单位（街道）测评体系中与城市管理、为民服务相关的指标。",
        "criteria": [
            ("为民服务", "群众满意率", "已结案件回访满意的比例",
             "indicator:satisfaction_rate", ">=", D(95), None, "D01"),
            ("为民服务", "结案率", "应结案件中已结案的比例",
             "indicator:closure_rate", ">=", D(95), None, "D01"),
            ("城市管理", "按期处置率", "派遣的案件按期处置的比例",
             "indicator:on_time_handling_rate", ">=", D(90), None, "D03"),
            ("城市管理", "一次完成率", "结案案件中无返工的比例",
             "indicator:first_time_rate", ">=", D(90), None, "D03"),
            ("文明创建", "新时代文明实践站建设", "实践站建设台账、活动记录及照片",
             "", "", None, None, "D04"),
            ("文明创建", "志愿服务常态化", "志愿服务活动记录（每月不少于 2 次）",
             "", "", None, None, "D10"),
        ],
        "placeholders": [
            ("城市管理", "市容环境考评", "市容环境检查的平均得分", "inspection:street-appearance", ">=", D(90), None, "D01"),
        ],
    },
]
