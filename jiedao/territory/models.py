"""The territorial tree (区 → 街道 → 片区 → 社区 → 网格), the functional side, and people's duties."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    DISTRICT = "district", _("区")
    SUBDISTRICT = "subdistrict", _("街道")
    AREA = "area", _("片区")
    COMMUNITY = "community", _("社区（村）")
    GRID = "grid", _("网格")


class LegacyGridClass(models.TextChoices):
    """The fixed 一类/二类 of the first releases, before grid classes became data (territory 0004 maps
    them onto the "一类/二类" scheme). Only the old snapshot column `cases.Case.grid_class` still names
    them; nothing reads it any more."""
    FIRST = "1", _("一类")
    SECOND = "2", _("二类")


class GridClassScheme(models.Model):
    """A set of grid classes an office uses (区域类别: 一类/二类, 核心区/一般区, A/B/C …). Case rules
    (deadlines) and the evaluation's 立案数 steps are written per class; the office uses one scheme."""

    name = models.CharField(_("名称"), max_length=60, unique=True)
    is_in_use = models.BooleanField(_("本街道使用"), default=False,
                                    help_text=_("同一时间只使用一个分类方案；选用后其他方案自动停用"))

    class Meta:
        verbose_name = _("区域类别方案")
        verbose_name_plural = _("区域类别方案")
        ordering = ["-is_in_use", "name"]
        constraints = [
            models.UniqueConstraint(fields=["is_in_use"], condition=models.Q(is_in_use=True),
                                    name="grid_class_scheme_one_in_use"),
        ]

    def __str__(self) -> str:
        return self.name


class GridClass(models.Model):
    """One class of a scheme. `order` 1 is the strictest class (the shortest deadlines, the 立案数
    steps of the busiest areas): a grid without a class is treated as the first class of the scheme
    in use where a case rule has no row for every class."""

    scheme = models.ForeignKey(GridClassScheme, on_delete=models.CASCADE, related_name="classes",
                               verbose_name=_("分类方案"))
    code = models.CharField(_("代码"), max_length=16,
                            help_text=_("导入网格和考评分值表按代码识别类别，如 1、2、A、core"))
    name = models.CharField(_("名称"), max_length=30)
    order = models.PositiveSmallIntegerField(_("顺序"), default=1, help_text=_("1 为最严格的类别"))

    class Meta:
        verbose_name = _("区域类别")
        verbose_name_plural = _("区域类别")
        ordering = ["scheme", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="grid_class_code_per_scheme"),
            models.UniqueConstraint(fields=["scheme", "name"], name="grid_class_name_per_scheme"),
        ]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """One node of the territorial tree, of any depth. `path` is the materialised path of codes
    ("/440305/440305001/…/") so that "everything under this unit" is one indexed prefix match."""

    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("上级单位"))
    level = models.CharField(_("层级"), max_length=16, choices=UnitLevel.choices)
    code = models.CharField(_("编码"), max_length=32, unique=True,
                            help_text=_("网格为 15 位单元网格标识码：6 位区县 + 3 位街道 + 3 位社区 + 3 位顺序码"))
    name = models.CharField(_("名称"), max_length=100)
    path = models.CharField(_("路径"), max_length=255, editable=False, db_index=True)
    boundary = models.JSONField(_("边界（GeoJSON，WGS-84）"), null=True, blank=True)
    grid_class = models.ForeignKey(GridClass, on_delete=models.PROTECT, null=True, blank=True, related_name="units",
                                   verbose_name=_("区域类别"))
    is_active = models.BooleanField(_("启用"), default=True)
    # Part of the grid locator's cheap version stamp (territory/locator.py).
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("属地单位")
        verbose_name_plural = _("属地单位")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.path = (self.parent.path if self.parent else "/") + self.code + "/"
        super().save(*args, **kwargs)

    def ancestor_codes(self) -> list[str]:
        return [part for part in self.path.strip("/").split("/") if part]

    def is_within(self, other: "Unit") -> bool:
        return self.path.startswith(other.path)


class OrganisationKind(models.TextChoices):
    DEPARTMENT = "department", _("职能部门（科室）")
    OWNER = "owner", _("权属单位")
    MAINTAINER = "maintainer", _("养护单位")
    CONTRACTOR = "contractor", _("作业公司")
    TERRITORIAL = "territorial", _("属地办事机构")
    AGENCY = "agency", _("外部机构")


class Organisation(models.Model):
    """The functional side of responsibility: departments, owners, maintainers, contractors."""

    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("上级"))
    kind = models.CharField(_("类型"), max_length=16, choices=OrganisationKind.choices)
    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="organisations",
                             verbose_name=_("所属属地"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("职能单位")
        verbose_name_plural = _("职能单位")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    LEADER = "leader", _("街道领导")
    AREA_LEADER = "area_leader", _("包片领导")
    FIRST_RESPONSIBLE = "first_responsible", _("社区第一责任人")
    GRID_WORKER = "grid_worker", _("网格员")
    INSPECTOR = "inspector", _("监督员")
    INTAKE_CLERK = "intake_clerk", _("受理员")
    SHIFT_LEAD = "shift_lead", _("值班长")
    DISPATCHER = "dispatcher", _("派遣员")
    DEPARTMENT_HANDLER = "department_handler", _("处置人员")
    DEPARTMENT_ADMIN = "department_admin", _("部门管理员")
    AUDITOR = "auditor", _("安全审计员")
    # District or sub-district 督查员 who inspect and score the units in their scope (issue 9).
    SUPERVISOR = "supervisor", _("督查员")
    # 河长制 (standards.md §5; issue 12): a chief's level (乡级, 村级 …) is the rivers register's, the
    # unit here is where the duty applies. 河长办 follows up the chiefs' problems and 交办函.
    RIVER_CHIEF = "river_chief", _("河长")
    RIVER_ASSISTANT = "river_assistant", _("河长助理")
    RIVER_PATROLLER = "river_patroller", _("巡河员")
    CLEANER = "cleaner", _("保洁员")
    RIVER_OFFICE = "river_office", _("河长办")
    # Staff of a cleaning or maintenance contractor (作业公司): scoped to its organisation and contract.
    CONTRACTOR_STAFF = "contractor_staff", _("作业单位人员")


# Roles whose scope is a piece of the territorial tree; the others act for an organisation.
TERRITORIAL_ROLES = frozenset({
    Role.SYSTEM_ADMIN, Role.LEADER, Role.AREA_LEADER, Role.FIRST_RESPONSIBLE, Role.GRID_WORKER,
    Role.INSPECTOR, Role.INTAKE_CLERK, Role.SHIFT_LEAD, Role.DISPATCHER, Role.AUDITOR, Role.SUPERVISOR,
    Role.RIVER_CHIEF, Role.RIVER_ASSISTANT, Role.RIVER_PATROLLER, Role.CLEANER, Role.RIVER_OFFICE,
})
ORGANISATION_ROLES = frozenset({Role.DEPARTMENT_HANDLER, Role.DEPARTMENT_ADMIN, Role.CONTRACTOR_STAFF})
# Roles that reach no case whatever their scope: the security auditor reads the security log only.
CASELESS_ROLES = frozenset({Role.AUDITOR})
FIELD_ROLES = frozenset({Role.GRID_WORKER, Role.INSPECTOR})


class Duty(models.Model):
    """A person's role and where it applies: a unit of the tree (and everything under it) for
    territorial roles, an organisation for department roles."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="duties",
                             verbose_name=_("人员"))
    role = models.CharField(_("角色"), max_length=24, choices=Role.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="duties",
                             verbose_name=_("负责范围"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="duties", verbose_name=_("所属单位"))

    class Meta:
        verbose_name = _("职责")
        verbose_name_plural = _("职责")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit", "organisation"], name="duty_unique"),
            models.CheckConstraint(
                condition=models.Q(unit__isnull=False) | models.Q(organisation__isnull=False),
                name="duty_has_scope",
            ),
        ]

    def __str__(self) -> str:
        scope = self.unit or self.organisation
        return f"{self.user} · {self.get_role_display()} · {scope}"
