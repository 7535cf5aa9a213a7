from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    CaseEscalation,
    Channel,
    Delivery,
    EscalationStep,
    Notification,
    NotificationChannel,
    NotifyTarget,
)


class EscalationStepForm(forms.ModelForm):
    targets = forms.MultipleChoiceField(label=_("通知对象"), choices=NotifyTarget.choices,
                                        widget=forms.CheckboxSelectMultiple, required=False)
    channels = forms.MultipleChoiceField(label=_("通知渠道"), choices=Channel.choices,
                                         widget=forms.CheckboxSelectMultiple, required=False)

    class Meta:
        model = EscalationStep
        fields = ["code", "order", "threshold", "targets", "channels", "is_active"]


@admin.register(EscalationStep)
class EscalationStepAdmin(admin.ModelAdmin):
    form = EscalationStepForm
    list_display = ["code", "order", "threshold", "targets", "channels", "is_active"]
    list_editable = ["threshold", "is_active"]


@admin.register(NotificationChannel)
class NotificationChannelAdmin(admin.ModelAdmin):
    list_display = ["__str__", "email_enabled", "wecom_webhook_url", "dingtalk_webhook_url"]
    autocomplete_fields = []
    raw_id_fields = ["unit", "organisation"]


@admin.register(CaseEscalation)
class CaseEscalationAdmin(admin.ModelAdmin):
    list_display = ["case", "step", "reached_at", "ratio"]
    list_filter = ["step"]
    raw_id_fields = ["case"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["pk", "channel", "address", "state", "attempts", "next_attempt_at", "sent_at", "last_error"]
    list_filter = ["state", "channel"]
    raw_id_fields = ["notification", "escalation", "config"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "title", "created_at", "read_at"]
    raw_id_fields = ["recipient", "case", "escalation"]
