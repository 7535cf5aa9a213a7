"""The plan editor's form. Field checks that need the registers (an empty target set, a chief's
subject outside their unit …) are the service's (`services.duty_plan_problems`), so the page,
the admin and a command refuse the same way."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from jiedao.checklists.models import Checklist
from jiedao.territory.models import Duty, Organisation, Role, Unit, UnitLevel

from .models import DutyKind, DutyPlan, FrequencyUnit
from .registry import subject_kinds

# Items offered per register in the editor's list (a larger register is chosen by a filter).
ITEMS_OFFERED = 300


def _subject_choices(current_key: str = "") -> tuple[list, list]:
    kinds = [(kind.key, str(kind.label)) for kind in subject_kinds()]
    if current_key and current_key not in {key for key, _label in kinds}:
        kinds.append((current_key, f"{current_key}（{_('未登记')}）"))
    items = []
    for kind in subject_kinds():
        items.append((str(kind.label), [(f"{kind.key}:{obj.pk}", str(obj))
                                        for obj in kind.queryset().order_by("pk")[:ITEMS_OFFERED]]))
    return kinds, items


class PlanForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=120)
    kind = forms.ChoiceField(label=_("类型"), choices=DutyKind.choices)
    assignee_role = forms.ChoiceField(label=_("责任角色"), choices=[("", "—"), *Role.choices], required=False)
    assignee_level = forms.ChoiceField(label=_("角色所在层级"), choices=[("", "—"), *UnitLevel.choices],
                                       required=False)
    assignee_unit = forms.ModelChoiceField(label=_("角色所在单位"), required=False,
                                           queryset=Unit.objects.exclude(level=UnitLevel.GRID).order_by("path"))
    assignee_person = forms.ModelChoiceField(label=_("责任人"), required=False, queryset=get_user_model().objects.none())
    assignee_organisation = forms.ModelChoiceField(label=_("作业单位"), required=False,
                                                   queryset=Organisation.objects.filter(is_active=True))
    checklist = forms.ModelChoiceField(label=_("检查表"), required=False, queryset=Checklist.objects.all())
    subject_kind = forms.ChoiceField(label=_("对象类型"))
    targets = forms.MultipleChoiceField(label=_("具体对象"), required=False,
                                        help_text=_("选择具体对象；不选则按下面的筛选条件选取"))
    target_filter = forms.CharField(label=_("对象筛选"), required=False, max_length=400,
                                    widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text=_("每行一个条件，如 grade=1；空为该类全部对象"))
    per_subject = forms.BooleanField(label=_("每个对象分别计"), required=False, initial=True)
    frequency_unit = forms.ChoiceField(label=_("周期"), choices=FrequencyUnit.choices)
    times_per_period = forms.IntegerField(label=_("每期次数"), max_value=366)
    working_days_only = forms.BooleanField(label=_("仅工作日"), required=False)
    season_start_month = forms.IntegerField(label=_("时段开始月"), required=False)
    season_end_month = forms.IntegerField(label=_("时段结束月"), required=False,
                                          help_text=_("如 3–12 月；开始月大于结束月表示跨年，如 11–3 月"))
    starts_on = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    min_duration_minutes = forms.IntegerField(label=_("最短时长（分钟）"), initial=0, min_value=0, max_value=10_000)
    min_distance_m = forms.IntegerField(label=_("最短距离（米）"), initial=0, min_value=0, max_value=1_000_000)
    min_coverage = forms.DecimalField(label=_("最低覆盖率"), required=False, min_value=0, max_value=1,
                                      decimal_places=3, help_text=_("0–1，如 0.3 表示每次至少覆盖 30%"))
    min_photos = forms.IntegerField(label=_("最少照片数"), initial=0, min_value=0, max_value=50)
    basis = forms.CharField(label=_("依据"), required=False, max_length=255)
    is_sample = forms.BooleanField(label=_("示例值"), required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, current_key: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        kinds, items = _subject_choices(current_key)
        self.fields["subject_kind"].choices = kinds
        self.fields["targets"].choices = items
        self.fields["assignee_person"].queryset = get_user_model().objects.filter(
            pk__in=Duty.objects.values("user_id"), is_active=True).order_by("username")

    def items_and_filters(self) -> tuple[list[int], dict, dict[str, str]]:
        """The chosen items of the chosen register, the filter as a dict, and any problem."""
        problems: dict[str, str] = {}
        key = self.cleaned_data["subject_kind"]
        items = []
        for value in self.cleaned_data.get("targets") or []:
            item_key, _sep, pk = value.rpartition(":")
            if item_key != key:
                problems["targets"] = _("所选对象须属于所选的对象类型")
                continue
            items.append(int(pk))
        filters = {}
        for line in (self.cleaned_data.get("target_filter") or "").splitlines():
            if not line.strip():
                continue
            name, sep, value = line.partition("=")
            if not sep or not name.strip():
                problems["target_filter"] = _("筛选条件的写法为 名称=取值，每行一个")
                continue
            filters[name.strip()] = value.strip()
        return items, filters, problems

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("targets", None)
        data.pop("target_filter", None)
        return data

    @staticmethod
    def initial_of(plan: DutyPlan) -> dict:
        initial = {name: getattr(plan, name) for name in (
            "name", "kind", "assignee_role", "assignee_level", "assignee_unit", "assignee_person",
            "assignee_organisation", "checklist", "subject_kind", "per_subject", "frequency_unit",
            "times_per_period", "working_days_only", "season_start_month", "season_end_month", "starts_on",
            "ends_on", "min_duration_minutes", "min_distance_m", "min_coverage", "min_photos", "basis", "is_sample",
            "is_active")}
        initial["targets"] = [f"{plan.subject_kind}:{object_id}" for object_id in
                              plan.targets.values_list("object_id", flat=True)]
        initial["target_filter"] = "\n".join(f"{name}={value}" for name, value in (plan.target_filter or {}).items())
        return initial
