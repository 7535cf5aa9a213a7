"""Every change made in the admin goes to the security log as well as to Django's admin history
(which an administrator could delete): additions, changes (inlines included, as the change
message lists them), deletions (one by one or in bulk) and the other bulk actions, each with the
address it came from. Jiedao's admin site mixes this into every registered admin (admin_site.py)."""

import json

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from .models import EventKind
from .services import object_target, security_event_record

# Changes to these models are changes of who may do what, or of how someone signs in: logged
# under their own kinds (one kind for any change, or one per kind of change).
KIND_BY_MODEL: dict[str, EventKind | dict[EventKind, EventKind]] = {
    "territory.duty": EventKind.DUTY_CHANGED,
    "auth.group": EventKind.PERMISSION_CHANGED,
    # An administrator removes the authenticator of someone who lost their phone.
    "otp_totp.totpdevice": {EventKind.ADMIN_ADDED: EventKind.SECOND_FACTOR_ADDED,
                            EventKind.ADMIN_CHANGED: EventKind.SECOND_FACTOR_ADDED,
                            EventKind.ADMIN_DELETED: EventKind.SECOND_FACTOR_REMOVED},
}
ACTION_LIMIT = 200  # objects named in one bulk action's record


def _plain(message) -> list | str:
    """The admin's change message (a list of dicts with lazy strings, or a string) as plain JSON."""
    if isinstance(message, str):
        return message
    return json.loads(json.dumps(message, default=str))


def _kind_for(label: str, default: EventKind) -> EventKind:
    kind = KIND_BY_MODEL.get(label, default)
    return kind.get(default, default) if isinstance(kind, dict) else kind


class AuditedAdmin:
    # Bulk actions whose service writes its own, more precise, record (e.g. a token's revocation).
    actions_logged_by_service: frozenset[str] = frozenset()

    def _record(self, request, obj, kind: EventKind, detail: dict) -> None:
        label = f"{obj._meta.app_label}.{obj._meta.model_name}"
        security_event_record(kind=_kind_for(label, kind), request=request, target=object_target(obj),
                              target_label=str(obj), detail={"admin": kind.value, **detail})

    def audit_addition(self, request, obj, message) -> EventKind | None:
        """The kind an addition is logged as; an admin whose service logs it returns None."""
        return EventKind.ADMIN_ADDED

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        kind = self.audit_addition(request, obj, message)
        if kind is not None:
            self._record(request, obj, kind, {"changes": _plain(message)})
        return entry

    def audit_change(self, request, obj, message) -> EventKind | None:
        """The kind a change is logged as; an admin that logs a change its own way returns None."""
        return EventKind.ADMIN_CHANGED

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        kind = self.audit_change(request, obj, message)
        if kind is not None:
            self._record(request, obj, kind, {"changes": _plain(message)})
        return entry

    def log_deletions(self, request, queryset):
        entries = super().log_deletions(request, queryset)
        for obj in queryset:
            self._record(request, obj, EventKind.ADMIN_DELETED, {})
        return entries

    def response_action(self, request, queryset):
        """A bulk action other than delete (delete is logged object by object above)."""
        action = request.POST.get("action", "")
        selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
        select_across = request.POST.get("select_across") == "1"
        actions = self.get_actions(request)
        response = super().response_action(request, queryset)
        if (action in actions and action != "delete_selected" and action not in self.actions_logged_by_service
                and (selected or select_across)):
            model = self.model._meta
            security_event_record(
                kind=_kind_for(f"{model.app_label}.{model.model_name}", EventKind.ADMIN_CHANGED), request=request, target=f"{model.app_label}.{model.model_name}",
                target_label=str(actions[action][2]),
                detail={"admin": "action", "action": action, "all": select_across,
                        "objects": selected[:ACTION_LIMIT], "count": len(selected)})
        return response
