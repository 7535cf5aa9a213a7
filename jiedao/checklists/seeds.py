"""The sample checklists an office starts from (issue 9, point 1), each published as version 1 and
marked as sample content the office edits. `checklists_seed` creates only what does not exist (by
code), so an office's own versions are never touched; other parts of Jiedao rely on these codes.

Where the numbers come from is said in each checklist's description: the source's where
standards.md §6–§8 gives them, ours (示例) elsewhere — chosen so each sheet adds up to 100.
A failed item that is a street problem names its GB/T 47678.5 category by code; a catalogue
without that code leaves the item without a category (the sheet still imports and scores)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from .models import Checklist, ScoringMethod, VetoScope
from .selectors import categories_by_code
from .services import ItemDraft, SectionDraft, checklist_create, version_fill, version_publish

SAMPLE_NOTE = "示例内容：系统预置，分值和条目请按本街道实际修改后发布新版本。"


@dataclass
class _Item:
    number: str
    name: str
    content: str
    max_score: str
    standard: str
    per: str = "0"
    cap: str | None = None
    method: str = ScoringMethod.DEDUCT
    veto: str = ""
    veto_condition: str = ""
    sampling: str = ""
    sample_size: int | None = None
    sample_unit: str = ""
    category: str = ""  # GB/T 47678.5 (or local extension) code
    needs_location: bool = True


@dataclass
class _Section:
    number: str
    name: str
    max_score: str
    items: list[_Item] = field(default_factory=list)


@dataclass
class _Checklist:
    code: str
    name: str
    applies_to: str
    source: str
    description: str
    sections: list[_Section]


RURAL_LIVING = _Checklist(
    code="rural-living", name="农村人居环境整治考评细则（示例）", applies_to="行政村（自然村）",
    source="standards.md §7：农村人居环境整治工作评分细则、市农村环境卫生综合整治百分制考评表、龙田镇考评办法",
    description=(
        SAMPLE_NOTE + "分值出处：厕所革命 10、村庄清洁 30 的各项分值和扣分、长效管护中制度建设 9 与保洁队伍 8 取自"
        "所引评分细则；原细则“积分制/红黑榜 5 分”为择重扣分（未建立扣 5、未按时评比扣 4、未公示扣 3），"
        "本示例拆为 2+2+1 三项；垃圾治理 20、“四边”清洁 10、卫生评比 3、村容村貌 10 为本平台示例分值。"),
    sections=[
        _Section("一", "厕所革命", "10", [
            _Item("1", "卫生厕所", "每个自然村随机走访5户，查看卫生厕所能否正常使用", "10",
                  "每户卫生厕所不能正常使用扣2分，扣完为止", per="2",
                  sampling="每个自然村随机走访5户", sample_size=5, sample_unit="户", needs_location=False),
        ]),
        _Section("二", "村庄清洁", "30", [
            _Item("1", "积分制或红黑榜", "建立村庄清洁积分制或红黑榜制度", "2", "未建立扣2分", per="2",
                  needs_location=False),
            _Item("2", "按时评比", "积分制或红黑榜按时评比", "2", "未按时评比扣2分", per="2", needs_location=False),
            _Item("3", "结果公示", "评比结果在村公示栏公示", "1", "未在公示栏公示扣1分", per="1"),
            _Item("4", "村内垃圾", "村内无暴露垃圾、病死畜禽、农药包装废弃物、废旧农膜", "5",
                  "每发现一处扣1分，扣完为止；发现露天焚烧垃圾、秸秆、树叶的，该项不得分", per="1",
                  veto=VetoScope.ITEM, veto_condition="发现露天焚烧垃圾、秸秆、树叶", category="06010"),
            _Item("5", "五堆清理", "院外无柴堆、粪堆、土堆、垃圾堆、杂物堆", "10", "每处扣1分，扣完为止", per="1",
                  category="06036"),
            _Item("6", "硬化巷道", "已硬化巷道无泥土、污水、杂物", "5", "每处扣1分，扣完为止", per="1",
                  category="06012"),
            _Item("7", "未硬化巷道", "未硬化巷道无坑洼", "5", "每处扣1分，扣完为止", per="1", category="06013"),
        ]),
        _Section("三", "垃圾治理", "20", [
            _Item("1", "分类收集设施", "配备可回收物、其他垃圾两分类收集容器，容器完好、干净、有盖", "5",
                  "缺少两分类容器或容器破损、脏污、无盖，每处扣1分", per="1", category="03005"),
            _Item("2", "垃圾池（收集点）", "垃圾池不破损、不满溢，周边无积存垃圾", "10",
                  "每处满溢或积存扣1分，扣完为止", per="1", category="06042"),
            _Item("3", "再生资源回收点", "设置再生资源回收点并正常使用", "5", "未设置扣5分", per="5"),
        ]),
        _Section("四", "“四边”清洁", "10", [
            _Item("1", "水边、屋边、路边、田边", "四边无垃圾、无杂物", "10", "每处不洁扣0.5分，扣完为止", per="0.5",
                  sampling="每村环绕一圈", category="06010"),
        ]),
        _Section("五", "长效管护", "20", [
            _Item("1", "制度建设", "建立长效保洁机制、村规民约、门前三包责任制", "9", "每缺一项扣3分", per="3",
                  needs_location=False),
            _Item("2", "保洁队伍", "保洁员按服务人口500:1配备，保洁工具、车辆齐全", "8",
                  "每缺1名保洁员或缺少工具车辆每处扣2分，扣完为止", per="2", needs_location=False),
            _Item("3", "卫生评比公示", "每月开展农户、村民小组卫生评比，设公示牌", "3", "未开展或未公示扣3分",
                  per="3"),
        ]),
        _Section("六", "村容村貌", "10", [
            _Item("1", "广告招牌", "招牌设置规范，无乱贴乱画、违规墙体广告", "5", "每处扣1分，扣完为止", per="1",
                  category="07001"),
            _Item("2", "乱搭乱建", "无私搭乱建、残垣断壁", "5", "每处扣1分，扣完为止", per="1", category="06001"),
        ]),
    ],
)

WASTE_SORTING_ESTATE = _Checklist(
    code="waste-sorting-estate", name="生活垃圾分类住宅小区检查考评细则（示例）", applies_to="住宅小区",
    source="standards.md §6：住宅小区垃圾分类现场检查表（百分制）；GB/T 19095-2019 生活垃圾分类标志",
    description=(
        SAMPLE_NOTE + "分值出处：宣传公示 10、设施配置 20、中低价值可回收物投放点 10、集置点 20、分类质量 15"
        "及参与率、满意率“90% 以上不扣分，每低 10% 扣 1 分”取自所引检查表；各部分内的拆分、垃圾收运 15、"
        "制度建设 10 为本平台示例分值。"),
    sections=[
        _Section("一", "宣传公示", "10", [
            _Item("1", "宣传栏", "小区设置垃圾分类宣传栏，内容完整、无破损", "5", "每处缺失、破损扣1分，扣完为止",
                  per="1", category="03008"),
            _Item("2", "专管员信息公示", "公示垃圾分类专管员（督导员）姓名、电话", "5", "未公示扣5分", per="5"),
        ]),
        _Section("二", "设施配置", "20", [
            _Item("1", "四类容器", "可回收物、有害垃圾、厨余垃圾、其他垃圾四类收集容器齐全并集中设置", "8",
                  "每缺一类或未集中设置每处扣2分，扣完为止", per="2", category="90011"),
            _Item("2", "标识颜色", "容器标识、颜色符合 GB/T 19095-2019", "4", "每处不符合扣1分，扣完为止", per="1",
                  category="03005"),
            _Item("3", "容器状况", "容器干净、完好、有盖，无满溢", "8", "每处脏污、破损、无盖或满溢扣1分，扣完为止",
                  per="1", category="06042"),
        ]),
        _Section("三", "中低价值可回收物投放点", "10", [
            _Item("1", "投放点设置", "设置玻璃、废塑料、废旧织物等中低价值可回收物投放点并正常使用", "10",
                  "每处未设置或不能正常使用扣5分", per="5", category="90011"),
        ]),
        _Section("四", "集置点", "20", [
            _Item("1", "装修垃圾集置点", "设置装修垃圾集置点，规范管理，无混堆、外溢", "7",
                  "每处混堆、外溢扣1分，扣完为止；未设置集置点的，该项不得分", per="1", veto=VetoScope.ITEM,
                  veto_condition="未设置装修垃圾集置点", category="06036"),
            _Item("2", "大件垃圾集置点", "设置大件垃圾集置点，规范管理，无乱堆乱放", "7",
                  "每处乱堆乱放扣1分，扣完为止；未设置集置点的，该项不得分", per="1", veto=VetoScope.ITEM,
                  veto_condition="未设置大件垃圾集置点", category="06035"),
            _Item("3", "园林垃圾集置点", "设置园林垃圾集置点，绿化弃料及时清运", "6",
                  "每处未及时清运扣1分，扣完为止；未设置集置点的，该项不得分", per="1", veto=VetoScope.ITEM,
                  veto_condition="未设置园林垃圾集置点", category="06018"),
        ]),
        _Section("五", "分类质量", "15", [
            _Item("1", "分类准确率", "随机抽查投放点收集容器，查看桶内混投情况", "5", "每发现一桶混投扣1分，扣完为止",
                  per="1", sampling="每个小区随机抽查10桶", sample_size=10, sample_unit="桶", category="06041"),
            _Item("2", "参与率", "随机入户调查居民分类参与情况", "5", "参与率90%以上不扣分，每低10%扣1分", per="1",
                  sampling="每个小区随机调查20户", sample_size=20, sample_unit="户", needs_location=False),
            _Item("3", "满意率", "随机入户调查居民对分类工作的满意度", "5", "满意率90%以上不扣分，每低10%扣1分",
                  per="1", sampling="每个小区随机调查20户", sample_size=20, sample_unit="户", needs_location=False),
        ]),
        _Section("六", "垃圾收运", "15", [
            _Item("1", "收运及时", "按规定时间收运，无延时", "5", "每处延时收运扣1分，扣完为止", per="1"),
            _Item("2", "分类运输", "分类收运，无混装混运", "5", "每发现一次混装混运扣2分，扣完为止", per="2",
                  category="90010"),
            _Item("3", "作业规范", "收运作业无垃圾落地、撒漏、扰民", "5", "每处扣1分，扣完为止", per="1",
                  category="06014"),
        ]),
        _Section("七", "制度建设", "10", [
            _Item("1", "现场督导", "楼道长、督导员每周现场督导", "4", "每缺一周扣1分，扣完为止", per="1",
                  needs_location=False),
            _Item("2", "入户宣传", "开展入户宣传", "3", "未开展扣3分", per="3", needs_location=False),
            _Item("3", "月度考评", "每月考评并公示结果", "3", "未考评或未公示扣3分", per="3", needs_location=False),
        ]),
    ],
)

DUST_SIX = _Checklist(
    code="dust-six", name="建筑工地扬尘防治“六个百分百”检查表（示例）", applies_to="建筑工地",
    source="standards.md §8：建筑扬尘“六个百分百”（宁县执法通报）、围挡高度要求；GB/T 47678.5 施工管理类",
    description=(
        SAMPLE_NOTE + "六项“百分百”、“8个100%”的两项补充和围挡高度（主干道不低于 2.5 米、次干道不低于 2 米）"
        "取自所引资料；各项分值（六项各 15 分、补充两项各 5 分）和每处扣分为本平台示例。"),
    sections=[
        _Section("一", "六个百分百", "90", [
            _Item("1", "工地周边围挡", "工地周边100%围挡；主干道围挡高度不低于2.5米，次干道不低于2米", "15",
                  "围挡每缺一处或高度不足每处扣3分，扣完为止", per="3", category="08007"),
            _Item("2", "物料堆放覆盖", "物料堆放100%覆盖", "15", "每处未覆盖扣3分，扣完为止", per="3",
                  category="08004"),
            _Item("3", "出入车辆冲洗", "出入车辆100%冲洗，车轮不带泥上路", "15", "每辆未冲洗驶出扣3分，扣完为止",
                  per="3", category="08012"),
            _Item("4", "施工现场地面硬化", "施工现场主要道路和加工区地面100%硬化", "15", "每处未硬化扣3分，扣完为止",
                  per="3", category="08008"),
            _Item("5", "拆迁工地湿法作业", "拆迁工地100%湿法作业", "15", "每发现一处未湿法作业扣3分，扣完为止",
                  per="3", category="08004"),
            _Item("6", "渣土车辆密闭运输", "渣土车辆100%密闭运输", "15", "每辆未密闭扣3分，扣完为止", per="3",
                  category="08011"),
        ]),
        _Section("二", "覆盖与监测", "10", [
            _Item("1", "暂不开发场地覆盖或绿化", "暂不开发的场地100%覆盖或绿化", "5", "每处裸露扣1分，扣完为止",
                  per="1", category="08004"),
            _Item("2", "扬尘在线监测", "安装扬尘在线监测设备并正常运行", "5", "未安装或未正常运行扣5分", per="5",
                  needs_location=False),
        ]),
    ],
)

STREET_APPEARANCE = _Checklist(
    code="street-appearance", name="街面市容环境考评细则（示例）", applies_to="社区（背街小巷、主次干道）",
    source="六月人居环境整治攻坚部署会讲话：“无垃圾死角、无污水横流、无杂物乱堆；道路平整、路灯明亮、排水畅通；"
           "四季有绿、错落有致”",
    description=(
        SAMPLE_NOTE + "条目取自讲话提出的标准要求，每一条对应一个问题分类，扣分即可立案；"
        "全部分值和每处扣分为本平台示例（讲话未给出分值）。"),
    sections=[
        _Section("一", "环境卫生", "40", [
            _Item("1", "无垃圾死角", "道路、背街小巷、绿地无暴露垃圾和积存垃圾", "15", "每处扣1分，扣完为止", per="1",
                  category="06010"),
            _Item("2", "无污水横流", "无乱倒乱排污水、废水", "10", "每处扣2分，扣完为止", per="2", category="06030"),
            _Item("3", "无杂物乱堆", "无乱堆物堆料、乱堆杂物", "15", "每处扣1分，扣完为止", per="1", category="06036"),
            _Item("4", "露天焚烧", "无焚烧垃圾、树叶", "0", "发现焚烧垃圾、树叶的，本部分不得分",
                  method=ScoringMethod.VETO, veto=VetoScope.SECTION, veto_condition="发现焚烧垃圾、树叶",
                  category="06020"),
        ]),
        _Section("二", "基础设施", "35", [
            _Item("1", "道路平整", "路面无破损、坑洼、沉陷", "15", "每处扣1分，扣完为止", per="1", category="06013"),
            _Item("2", "路灯明亮", "路灯完好、夜间亮灯", "10", "每盏不亮或损坏扣1分，扣完为止", per="1",
                  category="01037"),
            _Item("3", "排水畅通", "雨水井、雨水箅子畅通，路面无积水", "10", "每处积水或堵塞扣2分，扣完为止", per="2",
                  category="90014"),
        ]),
        _Section("三", "绿化美化", "25", [
            _Item("1", "四季有绿", "绿地无黄土裸露、缺株死株", "10", "每处扣1分，扣完为止", per="1", category="04013"),
            _Item("2", "错落有致", "绿地整洁，修剪有序，无绿化弃料", "10", "每处脏乱扣1分，扣完为止", per="1",
                  category="06017"),
            _Item("3", "美观大方", "无乱贴乱画、违规户外广告", "5", "每处扣1分，扣完为止", per="1", category="07001"),
        ]),
    ],
)

SAMPLES = (RURAL_LIVING, WASTE_SORTING_ESTATE, DUST_SIX, STREET_APPEARANCE)


def _drafts(spec: _Checklist, categories) -> list[SectionDraft]:
    return [
        SectionDraft(name=section.name, number=section.number, max_score=Decimal(section.max_score), items=[
            ItemDraft(name=item.name, number=item.number, content=item.content, standard=item.standard,
                      method=item.method, max_score=Decimal(item.max_score), per_occurrence=Decimal(item.per),
                      cap=Decimal(item.cap) if item.cap is not None else None, veto_scope=item.veto,
                      veto_condition=item.veto_condition, sampling_rule=item.sampling, sample_size=item.sample_size,
                      sample_unit=item.sample_unit, needs_location=item.needs_location,
                      category=categories.get(item.category) if item.category else None)
            for item in section.items
        ])
        for section in spec.sections
    ]


def checklists_seed() -> int:
    """Create the sample checklists that do not exist yet, each published as version 1; returns how
    many were created. An existing code is left exactly as the office keeps it."""
    categories = categories_by_code()
    created = 0
    for spec in SAMPLES:
        with transaction.atomic():
            if Checklist.objects.filter(code=spec.code).exists():
                continue
            draft = checklist_create(code=spec.code, name=spec.name, applies_to=spec.applies_to,
                                     description=spec.description, source=spec.source, is_sample=True)
            version_fill(version=draft, sections=_drafts(spec, categories))
            version_publish(version=draft, note="示例内容（系统预置），请按本街道实际修改")
        created += 1
    return created
