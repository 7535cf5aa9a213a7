"""Titles, criteria and peer figures are the office's data, edited here (system administrators and
leaders, by Django's model permissions). Evidence is read-only here: it is submitted and reviewed on
the evidence pages, through the services."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from jiedao.evaluation.measures import measures_available
from jiedao.readonly_admin import ReadOnlyAdmin, ReadOnlyInline

from .formats import unit_name
from .models import Criterion, EvidenceFile, EvidenceSubmission, PeerFigure, PeerUnit, TargetTitle


def _measure_choices():
    return [("", "—"), *[(measure.key, f"{measure.label} ({unit_name(measure.unit)}) · {measure.key}")
                         for measure in measures_available()]]


class CriterionForm(forms.ModelForm):
    """The measure is picked from the measures that exist (evaluation/measures.py); a key that no
    longer exists stays selectable so that the form says what is wrong instead of dropping it."""

    measure_key = forms.ChoiceField(label=_("系统指标"), required=False)

    class Meta:
        model = Criterion
        fields = ("title", "order", "group", "name", "description", "method", "measure_key", "comparator",
                  "required_value", "unit", "weight", "department", "is_sample")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = _measure_choices()
        current = self.instance.measure_key if self.instance else ""
        if current and current not in dict(choices):
            choices.append((current, current))
        self.fields["measure_key"].choices = choices


class CriterionInline(admin.StackedInline):
    model = Criterion
    form = CriterionForm
    extra = 0
    fields = (("order", "group", "name"), "description", ("method", "measure_key"),
              ("comparator", "required_value", "unit"), ("weight", "department", "is_sample"))


@admin.register(TargetTitle)
class TargetTitleAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "unit", "is_active", "is_sample")
    inlines = [CriterionInline]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    form = CriterionForm
    list_display = ("name", "title", "group", "method", "measure_key", "comparator", "required_value", "unit",
                    "weight", "department", "is_sample")
    list_filter = ("title", "method", "is_sample")
    search_fields = ("name", "group")


class PeerFigureInline(admin.TabularInline):
    model = PeerFigure
    extra = 1


@admin.register(PeerUnit)
class PeerUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "is_sample")
    inlines = [PeerFigureInline]


class EvidenceFileInline(ReadOnlyInline):
    model = EvidenceFile
    fields = ("original_name", "kind", "content_type", "size_bytes")
    readonly_fields = fields


@admin.register(EvidenceSubmission)
class EvidenceSubmissionAdmin(ReadOnlyAdmin):
    list_display = ("criterion", "submitted_by", "submitted_at", "decision", "decided_by", "decided_at")
    list_filter = ("decision", "criterion__title")
    inlines = [EvidenceFileInline]
