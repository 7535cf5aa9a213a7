"""The one rule for residents' contact data (个人信息保护): the reporter's name and phone on a case,
and the name and phone or email a resident leaves with an update. Every representation — the case
page, the REST API, the field app, exports, the admin — asks here what the viewer may see.

- The command centre (intake clerk, shift lead, dispatcher), who call residents back, see it masked
  and may reveal it in full, one case at a time; each reveal is in the security log.
- The office's leaders and system administrators see it masked only.
- Everyone else (departments, grid workers, inspectors, secretaries, auditors, the public) sees nothing.
Stored encrypted at rest (`jiedao.privacy.fields.EncryptedTextField`)."""

from dataclasses import dataclass, field
from enum import IntEnum

from django.utils.translation import gettext_lazy as _

from jiedao.audit.models import EventKind
from jiedao.audit.services import object_target, security_event_record
from jiedao.territory.models import Role

from .access import can_view, roles_on_case
from .errors import NotAllowed
from .models import Case, CaseEvent

CONTACT_REVEAL_ROLES = frozenset({Role.INTAKE_CLERK, Role.SHIFT_LEAD, Role.DISPATCHER})
CONTACT_MASKED_ROLES = CONTACT_REVEAL_ROLES | {Role.LEADER, Role.SYSTEM_ADMIN}


class ContactAccess(IntEnum):
    NONE = 0
    MASKED = 1
    REVEAL = 2  # masked, and may ask for it in full


def contact_access(*, user, case: Case) -> ContactAccess:
    if not user or not user.is_authenticated or not can_view(user=user, case=case):
        return ContactAccess.NONE
    roles = roles_on_case(user=user, case=case)
    if roles & CONTACT_REVEAL_ROLES:
        return ContactAccess.REVEAL
    if user.is_superuser or roles & CONTACT_MASKED_ROLES:
        return ContactAccess.MASKED
    return ContactAccess.NONE


def contact_access_anywhere(*, user) -> ContactAccess:
    """For lists and exports of many cases: the most the person may see on any case (masked at most)."""
    from jiedao.territory.access import user_roles

    if not user or not user.is_authenticated:
        return ContactAccess.NONE
    if user.is_superuser or user_roles(user) & CONTACT_MASKED_ROLES:
        return ContactAccess.MASKED
    return ContactAccess.NONE


# ---------------------------------------------------------------- masks (pure)

def mask_phone(value: str) -> str:
    """139****5678: the first three and the last four characters; short numbers keep the last two."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) >= 8:
        return f"{value[:3]}****{value[-4:]}"
    if len(value) <= 2:
        return "**"
    return "*" * (len(value) - 2) + value[-2:]


def mask_email(value: str) -> str:
    """a***@x.com: the first character of the name and the whole domain."""
    local, _at, domain = (value or "").strip().partition("@")
    if not local:
        return ""
    return f"{local[0]}***@{domain}" if domain else f"{local[0]}***"


def mask_name(value: str) -> str:
    """张* / 张** : the first character only."""
    value = (value or "").strip()
    if not value:
        return ""
    return value[0] + "*" * min(max(len(value) - 1, 1), 3)


def mask_contact(value: str) -> str:
    """A phone number or an email, whichever it is."""
    return mask_email(value) if "@" in (value or "") else mask_phone(value)


# ---------------------------------------------------------------- what a viewer is shown

@dataclass(frozen=True)
class ResidentContact:
    """A resident's name and phone or email as one viewer may see them ("" where nothing)."""
    name: str = ""
    phone: str = ""  # a phone number, or an email where that was the only contact left
    is_masked: bool = True
    email: str = ""


@dataclass(frozen=True)
class CaseContacts:
    access: ContactAccess
    reporter: ResidentContact
    # event id → the contact left with that update
    updates: dict[int, ResidentContact] = field(default_factory=dict)

    @property
    def may_reveal(self) -> bool:
        return self.access == ContactAccess.REVEAL and self.reporter.is_masked and self.has_any

    @property
    def has_any(self) -> bool:
        return bool(self.reporter.name or self.reporter.phone or self.reporter.email or self.updates)


def _shown(name: str, phone: str, email: str = "", *, full: bool) -> ResidentContact:
    if full:
        return ResidentContact(name=name, phone=phone, email=email, is_masked=False)
    return ResidentContact(name=mask_name(name), phone=mask_contact(phone), email=mask_email(email), is_masked=True)


def reporter_contact(*, case: Case, access: ContactAccess, full: bool = False) -> ResidentContact:
    """The reporter's contact on one case for a viewer with this access (`full` only with REVEAL)."""
    if access == ContactAccess.NONE:
        return ResidentContact()
    return _shown(case.reporter_name, case.reporter_phone, case.reporter_email,
                  full=full and access == ContactAccess.REVEAL)


def event_contact(*, event: CaseEvent, access: ContactAccess, full: bool = False) -> ResidentContact:
    """The name and contact a resident left with an update, for a viewer with this access."""
    personal = event.personal_data
    if access == ContactAccess.NONE or not personal:
        return ResidentContact()
    return _shown(personal.get("name", ""), personal.get("contact", ""), personal.get("email", ""),
                  full=full and access == ContactAccess.REVEAL)


def case_contacts(*, user, case: Case, events=(), full: bool = False) -> CaseContacts:
    access = contact_access(user=user, case=case)
    updates = {}
    for event in events:
        shown = event_contact(event=event, access=access, full=full)
        if shown.name or shown.phone or shown.email:
            updates[event.pk] = shown
    return CaseContacts(access=access, reporter=reporter_contact(case=case, access=access, full=full),
                        updates=updates)


def case_contact_reveal(*, user, case: Case, request=None) -> CaseContacts:
    """Every resident contact on the case in full, for the command centre; logged each time."""
    if contact_access(user=user, case=case) != ContactAccess.REVEAL:
        raise NotAllowed(_("只有受理、值班长和派遣人员可以查看完整联系方式"))
    events = [event for event in case.events.order_by("at", "id") if event.personal]
    contacts = case_contacts(user=user, case=case, events=events, full=True)
    security_event_record(kind=EventKind.CONTACT_REVEALED, request=request, actor=user,
                          target=object_target(case), target_label=case.number,
                          detail={"case": case.number, "updates": len(contacts.updates)})
    return contacts
