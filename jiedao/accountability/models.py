"""问责: the rules that find 推诿扯皮, 敷衍塞责 and 落实不力 in the case record, and the register of
what they found (问责清单).

`AccountabilityRule` is configuration (seeded by `seed_accountability`, thresholds editable in the
admin). `Finding` is one entry of the register: a subject (a unit, an organisation or a person),
the rule, the period and the evidence cases. Nothing here is deleted: a re-run whose evidence
changed supersedes the previous finding, which stays readable with its decision, if any."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiedao.cases.models import Case
from jiedao.territory.models import Organisation, Unit


class RuleKind(models.TextChoices):
    # seed/README.md: "责任追究制度: 敷衍塞责、推诿扯皮、落实不力 → 严肃问责"
    BUCK_PASSING = "buck_passing", _("推诿扯皮")
    PERFUNCTORY = "perfunctory", _("敷衍塞责")
    NON_DELIVERY = "non_delivery", _("落实不力")


class RuleCode(models.TextChoices):
    RETURNS = "returns", _("案件多次回退")
    REWORK = "rework", _("返工")
    FAILED_CHECK = "failed_check", _("处置反馈核查不通过")
    REPEAT_POINT = "repeat_point", _("重复发生点位")
    OVERDUE = "overdue", _("超期案件")
    ESCALATION_IGNORED = "escalation_ignored", _("督办后仍未处置")
    REINSPECTION_FAILED = "reinspection_failed", _("复查未通过或虚假整改")


class Measure(models.TextChoices):
    # standards.md §4.3: "repeated failure: 通报, 约谈, 问责"
    BULLETIN = "bulletin", _("通报")
    INTERVIEW = "interview", _("约谈")
    ACCOUNTABILITY = "accountability", _("问责")


class Decision(models.TextChoices):
    BULLETIN = "bulletin", _("通报")
    INTERVIEW = "interview", _("约谈")
    ACCOUNTABILITY = "accountability", _("问责")
    DISMISSED = "dismissed", _("不予问责")


class FindingState(models.TextChoices):
    PROPOSED = "proposed", _("待决定")
    DECIDED = "decided", _("已决定")
    SUPERSEDED = "superseded", _("已被取代")


class SubjectKind(models.TextChoices):
    UNIT = "unit", _("属地单位")
    ORGANISATION = "organisation", _("职能单位")
    PERSON = "person", _("个人")


class EvidenceRole(models.TextChoices):
    RETURNED = "returned", _("多次回退的案件")
    REWORKED = "reworked", _("返工的案件")
    FAILED_CHECK = "failed_check", _("核查不通过的案件")
    EARLIER = "earlier", _("此前已结案的案件")
    REPEAT = "repeat", _("同一点位再次发生的案件")
    CLOSED_OVERDUE = "closed_overdue", _("超时结案")
    OPEN_OVERDUE = "open_overdue", _("超期未处置")
    ESCALATION_IGNORED = "escalation_ignored", _("督办后逾期未处置")
    REINSPECTION_FAILED = "reinspection_failed", _("复查未通过的检查")
    FALSE_RECTIFICATION = "false_rectification", _("复查发现虚假整改的检查")


class AccountabilityRule(models.Model):
    code = models.CharField(_("编码"), max_length=32, choices=RuleCode.choices, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("问题类型"), max_length=16, choices=RuleKind.choices)
    parameters = models.JSONField(_("参数"), default=dict, blank=True,
                                  help_text=_("阈值，均为正整数；缺省的参数取系统默认值"))
    measure = models.CharField(_("建议措施"), max_length=16, choices=Measure.choices)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("问责规则")
        verbose_name_plural = _("问责规则")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the reader's language: the seeded name is the code's label, translated; a
        name an administrator wrote is data and shown as written."""
        from django.conf import settings
        from django.utils import translation

        label = RuleCode(self.code).label if self.code in RuleCode.values else None
        if label is None:
            return self.name
        with translation.override(settings.LANGUAGE_CODE):
            seeded = str(label)
        return str(label) if self.name == seeded else self.name

    def effective_parameters(self) -> dict[str, int]:
        """The defaults of the rule, overridden by what the administrator set."""
        from .rules import RULES

        return {**RULES[self.code].defaults, **(self.parameters or {})}

    def clean(self) -> None:
        from .rules import RULES

        definition = RULES.get(self.code)
        if definition is None:
            return
        for name, value in (self.parameters or {}).items():
            if name not in definition.defaults:
                raise ValidationError({"parameters": _("未知参数“%(name)s”") % {"name": name}})
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValidationError({"parameters": _("参数“%(name)s”须为正整数") % {"name": name}})


class Finding(models.Model):
    """One entry of the 问责清单. Exactly one subject; `subject_key` names it for the uniqueness of
    the current finding per (rule, subject, period)."""

    rule = models.ForeignKey(AccountabilityRule, on_delete=models.PROTECT, related_name="findings",
                             verbose_name=_("问责规则"))
    kind = models.CharField(_("问题类型"), max_length=16, choices=RuleKind.choices)
    subject_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="accountability_findings", verbose_name=_("属地单位"))
    subject_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                             related_name="accountability_findings", verbose_name=_("职能单位"))
    subject_person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="accountability_findings", verbose_name=_("个人"))
    subject_key = models.CharField(_("对象标识"), max_length=40, editable=False)
    period_start = models.DateField(_("统计期起"))
    period_end = models.DateField(_("统计期止"))
    summary = models.TextField(_("问题摘要"))
    facts = models.JSONField(_("统计数据"), default=dict, blank=True)
    fingerprint = models.CharField(_("证据指纹"), max_length=64, editable=False)
    cases = models.ManyToManyField(Case, through="FindingEvidence", related_name="accountability_findings",
                                   verbose_name=_("证据案件"))
    proposed_measure = models.CharField(_("建议措施"), max_length=16, choices=Measure.choices)
    state = models.CharField(_("状态"), max_length=16, choices=FindingState.choices, default=FindingState.PROPOSED)
    decision = models.CharField(_("决定"), max_length=16, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(_("决定理由"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("决定人"))
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    superseded_by = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="supersedes", verbose_name=_("取代者"))
    created_at = models.DateTimeField(_("生成时间"))

    class Meta:
        verbose_name = _("问责清单条目")
        verbose_name_plural = _("问责清单")
        ordering = ["-period_end", "rule__kind", "rule__code", "subject_key", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(subject_unit__isnull=False, subject_organisation__isnull=True,
                             subject_person__isnull=True)
                    | models.Q(subject_unit__isnull=True, subject_organisation__isnull=False,
                               subject_person__isnull=True)
                    | models.Q(subject_unit__isnull=True, subject_organisation__isnull=True,
                               subject_person__isnull=False)
                ),
                name="finding_exactly_one_subject",
            ),
            # a refresh's idempotency: one current finding per rule, subject and period
            models.UniqueConstraint(fields=["rule", "subject_key", "period_start", "period_end"],
                                    condition=~models.Q(state="superseded"), name="finding_current_once"),
        ]
        indexes = [
            # the register: current findings of a period
            models.Index(fields=["state", "period_start", "period_end"], name="finding_register"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} · {self.subject} · {self.period_start}–{self.period_end}"

    @property
    def subject(self):
        return self.subject_unit or self.subject_organisation or self.subject_person

    @property
    def display_summary(self) -> str:
        """The summary in the reader's language: the rule's sentence filled again with the subject's
        name and the stored facts (names are data, shown as written); the stored text, written in
        the office's language, when the facts no longer fit the sentence."""
        from .rules import RULES

        definition = RULES.get(self.rule.code) if self.rule_id else None
        if definition is None:
            return self.summary
        subject = self.subject
        name = getattr(subject, "display_name", None) or getattr(subject, "name", None) or str(subject)
        try:
            return str(definition.summary) % {"subject": name, **(self.facts or {})}
        except (KeyError, TypeError, ValueError):
            return self.summary

    @property
    def subject_kind(self) -> str:
        if self.subject_unit_id:
            return SubjectKind.UNIT
        if self.subject_organisation_id:
            return SubjectKind.ORGANISATION
        return SubjectKind.PERSON


class FindingEvidence(models.Model):
    """One piece of evidence: a case, or an inspection (检查) for the re-inspection rule."""

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="evidence",
                                verbose_name=_("问责清单条目"))
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("案件"))
    inspection = models.ForeignKey("inspections.Inspection", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("检查"))
    role = models.CharField(_("证据作用"), max_length=24, choices=EvidenceRole.choices)

    class Meta:
        verbose_name = _("证据")
        verbose_name_plural = _("证据")
        ordering = ["finding", "case__reported_at", "case_id", "inspection_id", "role"]
        constraints = [
            models.UniqueConstraint(fields=["finding", "case", "role"], name="finding_evidence_once"),
            models.UniqueConstraint(fields=["finding", "inspection", "role"], name="finding_evidence_inspection_once"),
            models.CheckConstraint(condition=models.Q(case__isnull=False, inspection__isnull=True)
                                   | models.Q(case__isnull=True, inspection__isnull=False),
                                   name="finding_evidence_one_record"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id or self.inspection_id} · {self.get_role_display()}"
