"""The portal's writes: a resident's report (through the case services), follows (confirmed by a
link, undone in one click) and the notices that tell followers what changed. Case changes are read
from the append-only event table, so the case services need not know the portal exists."""

import re
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jiedao.cases import services as case_services
from jiedao.cases.errors import InvalidInput
from jiedao.cases.models import OPEN_STATES, Case, CaseEvent, CaseSource, CaseState
from jiedao.catalogue.models import CatalogueItem
from jiedao.links import absolute_url
from jiedao.territory.models import Unit

from .models import Follow, FollowCursor, FollowKind, FollowNotice
from .public import public_step

CLIENT_KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,48}$")
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 -]{4,18}[0-9]$")
# A confirmation asked for again within this time is not sent again (one mail per address per quarter hour).
CONFIRMATION_RESEND_AFTER = timedelta(minutes=15)
# Events younger than this are left for the next sweep: a transaction that took an earlier id may
# not have committed yet, and the cursor only moves forward.
SETTLE_SECONDS = 5
SEND_ATTEMPTS = 5
# Followers of an area or a category hear of new problems and of closings; a case's followers of every public
# step but these (a duplicate's followers already hear of the merge; a rating is the rater's own news).
AREA_ACTIONS = frozenset({"report", "accept", "close"})  # "report" only when published at once (see _followers_of)
NOT_NEWS = frozenset({"merged_in", "rate"})


def public_url(path: str) -> str:
    return absolute_url(path)


def portal_client_key(raw: str, *, purpose: str) -> str | None:
    """A key from a form, namespaced so it can never match another channel's (Open311, the field app)."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if not CLIENT_KEY_PATTERN.match(raw):
        raise InvalidInput(_("表单已失效，请刷新页面后重试"), field="client_key")
    return f"portal:{purpose}:{raw}"


def normalised_phone(phone: str) -> str:
    """Digits (and a leading +) of an optional phone number; refuses what cannot be a number."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    if not PHONE_PATTERN.match(phone):
        raise InvalidInput(_("手机号格式不正确"), field="phone")
    return re.sub(r"[ -]", "", phone)


# ---------------------------------------------------------------- reporting

def resident_report(*, item: CatalogueItem | None, longitude, latitude, crs: str = "wgs84", description: str = "",
                    address: str = "", photos=(), name: str = "", phone: str = "",
                    client_key: str | None = None) -> tuple[Case, bool]:
    """A resident's report: source 群众举报, nobody signed in; (case, created) as case_report_once."""
    if item is None or not item.is_active:
        raise InvalidInput(_("请选择问题类型"), field="item")
    name = (name or "").strip()
    if len(name) > 60:
        raise InvalidInput(_("称呼不能超过 60 字"), field="name")
    return case_services.case_report_once(
        by=None, source=CaseSource.RESIDENT, item=item, longitude=longitude, latitude=latitude, crs=crs or "wgs84",
        description=description, address=address, photos=photos, reporter_name=name,
        reporter_phone=normalised_phone(phone), client_key=client_key,
    )


def open_case_for_addition(code: str) -> Case:
    """The open, published case a resident chose to add their report to (a suggested duplicate), by its public code."""
    from .selectors import published_cases

    case = published_cases().filter(public_code=(code or "").strip().upper(), state__in=OPEN_STATES).first()
    if case is None:
        raise InvalidInput(_("该问题已办结或不存在，请直接提交新的反映"), field="add_to")
    return case


# ---------------------------------------------------------------- follows

def _follow_target(kind: str, target) -> dict:
    if kind == FollowKind.CASE and isinstance(target, Case):
        return {"case": target}
    if kind == FollowKind.AREA and isinstance(target, Unit):
        return {"unit": target}
    if kind == FollowKind.CATEGORY and isinstance(target, CatalogueItem):
        return {"item": target}
    raise InvalidInput(_("请选择要关注的内容"), field="kind")


def follow_start(*, kind: str, target, email: str = "", user=None, now: datetime) -> Follow:
    """Follow a case, an area or a category. Staff who are signed in follow at once with their
    account's address; anyone else gets an email with a link to confirm first."""
    where = _follow_target(kind, target)
    if user is not None and user.is_authenticated:
        email = user.email
        if not email:
            raise InvalidInput(_("您的账号没有登记邮箱，请联系管理员"), field="email")
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(_("请填写正确的邮箱地址"), field="email") from None
    staff = user if user is not None and user.is_authenticated else None
    existing = Follow.objects.filter(email=email, unsubscribed_at__isnull=True, **where).first()
    if existing is not None:
        if existing.confirmed_at is None and staff is not None:
            Follow.objects.filter(pk=existing.pk).update(confirmed_at=now, user=staff)
            existing.confirmed_at = now
        elif existing.confirmed_at is None and (
                existing.confirmation_sent_at is None or now - existing.confirmation_sent_at > CONFIRMATION_RESEND_AFTER):
            Follow.objects.filter(pk=existing.pk).update(confirmation_sent_at=None)
            _send_confirmation_on_commit(existing.pk)
        return existing
    try:
        with transaction.atomic():
            follow = Follow.objects.create(kind=kind, email=email, user=staff, token=secrets.token_urlsafe(32),
                                           created_at=now, confirmed_at=now if staff else None, **where)
    except IntegrityError:  # the same request twice at once: the other one made it
        return Follow.objects.get(email=email, unsubscribed_at__isnull=True, **where)
    if staff is None:
        _send_confirmation_on_commit(follow.pk)
    return follow


def _send_confirmation_on_commit(follow_id: int) -> None:
    from .tasks import follow_confirmation_task

    transaction.on_commit(lambda: follow_confirmation_task(follow_id))


def follow_confirm(*, token: str, now: datetime) -> Follow | None:
    follow = Follow.objects.filter(token=token, unsubscribed_at__isnull=True).first()
    if follow is None:
        return None
    Follow.objects.filter(pk=follow.pk, confirmed_at__isnull=True).update(confirmed_at=now)
    follow.refresh_from_db()
    return follow


def follow_unsubscribe(*, token: str, now: datetime) -> Follow | None:
    follow = Follow.objects.filter(token=token).first()
    if follow is None:
        return None
    Follow.objects.filter(pk=follow.pk, unsubscribed_at__isnull=True).update(unsubscribed_at=now)
    follow.refresh_from_db()
    return follow


def _mail(*, to: str, subject: str, body: str, unsubscribe_url: str) -> None:
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to],
                           headers={"List-Unsubscribe": f"<{unsubscribe_url}>",
                                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
    message.send(fail_silently=False)


def follow_confirmation_send(*, follow_id: int, now: datetime) -> bool:
    """Send the confirm link once (claimed by a conditional update); True when sent."""
    claimed = Follow.objects.filter(pk=follow_id, confirmation_sent_at__isnull=True, confirmed_at__isnull=True,
                                    unsubscribed_at__isnull=True).update(confirmation_sent_at=now)
    if claimed != 1:
        return False
    follow = Follow.objects.select_related("case__item", "unit", "item").get(pk=follow_id)
    confirm = public_url(reverse("portal:follow-confirm", args=[follow.token]))
    unsubscribe = public_url(reverse("portal:follow-unsubscribe", args=[follow.token]))
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("【%(site)s】请确认关注：%(target)s") % {"site": settings.JIEDAO_SITE_NAME,
                                                          "target": follow.target_label}
        body = _("您好！\n\n有人用这个邮箱申请关注“%(target)s”的办理进展。如果是您本人，请点击下面的链接确认：\n"
                 "%(confirm)s\n\n如果不是您本人，请忽略本邮件，我们不会再发送。\n退订：%(unsubscribe)s\n") % {
            "target": follow.target_label, "confirm": confirm, "unsubscribe": unsubscribe}
    try:
        _mail(to=follow.email, subject=subject, body=body, unsubscribe_url=unsubscribe)
    except Exception:
        Follow.objects.filter(pk=follow_id).update(confirmation_sent_at=None)  # the next request may try again
        raise
    return True


def follows_move_on_merge(*, duplicate_id: int, target_id: int, now: datetime) -> int:
    """A merged duplicate's followers follow the case it was merged into (an address already
    following that case keeps the one follow). Returns how many moved."""
    moved = 0
    already = set(Follow.objects.filter(case_id=target_id, unsubscribed_at__isnull=True)
                  .values_list("email", flat=True))
    for follow in Follow.objects.filter(case_id=duplicate_id, unsubscribed_at__isnull=True):
        if follow.email in already:
            Follow.objects.filter(pk=follow.pk).update(unsubscribed_at=now)
            continue
        Follow.objects.filter(pk=follow.pk).update(case_id=target_id)
        already.add(follow.email)
        moved += 1
    return moved


# ---------------------------------------------------------------- notices

def _followers_of(event: CaseEvent):
    case = event.case
    condition = Q(kind=FollowKind.CASE, case_id=case.pk)
    # A report intake has not accepted is not published: only those following that case (the
    # holder of its code) hear of it; the area and category hear from acceptance on.
    if event.action in AREA_ACTIONS and event.to_state not in {CaseState.REPORTED, CaseState.VERIFYING}:
        codes = [code for code in case.territory_path.strip("/").split("/") if code]
        condition |= Q(kind=FollowKind.AREA, unit__code__in=codes) | Q(kind=FollowKind.CATEGORY, item_id=case.item_id)
    # Only what happened since the follower confirmed: following is not a way to read the past by email.
    return Follow.objects.filter(condition, confirmed_at__lte=event.at, unsubscribed_at__isnull=True)


def follow_notices_collect(*, now: datetime, batch: int = 2000, batches: int = 10) -> int:
    """Read the case events written since the last sweep and note, for each follower, the steps
    the public may know of. Idempotent: a notice exists once per follower and event. (The cursor
    starts at the events that existed when the portal was installed: see migration 0002.)"""
    notices = 0
    settled = now - timedelta(seconds=SETTLE_SECONDS)
    for _round in range(batches):
        cursor, _created = FollowCursor.objects.get_or_create(pk=1)
        start = last = cursor.last_event_id
        events = list(CaseEvent.objects.filter(pk__gt=start).select_related("case", "case__item")
                      .order_by("pk")[:batch])
        for event in events:
            if event.at > settled:
                break
            if event.action not in NOT_NEWS and public_step(event) is not None:
                rows = [FollowNotice(follow=follow, event=event, created_at=now) for follow in _followers_of(event)]
                FollowNotice.objects.bulk_create(rows, ignore_conflicts=True)
                notices += len(rows)
            if event.action == "merge" and event.case.merged_into_id:
                follows_move_on_merge(duplicate_id=event.case_id, target_id=event.case.merged_into_id, now=now)
            last = event.pk
        if last == start or FollowCursor.objects.filter(pk=1, last_event_id=start).update(last_event_id=last) != 1:
            break
        if len(events) < batch:
            break
    return notices


def follow_notices_send(*, now: datetime) -> int:
    """One message per follower with every step not yet sent; returns how many messages went out."""
    sent = 0
    follow_ids = (FollowNotice.objects.filter(sent_at__isnull=True, attempts__lt=SEND_ATTEMPTS)
                  .values_list("follow_id", flat=True).distinct())
    for follow_id in list(follow_ids):
        ids = list(FollowNotice.objects.filter(follow_id=follow_id, sent_at__isnull=True,
                                               attempts__lt=SEND_ATTEMPTS).values_list("pk", flat=True))
        if not FollowNotice.objects.filter(pk__in=ids, sent_at__isnull=True).update(sent_at=now,
                                                                                      attempts=F("attempts") + 1):
            continue
        notices = list(FollowNotice.objects.filter(pk__in=ids, sent_at=now)
                       .select_related("follow", "event", "event__case", "event__case__item")
                       .order_by("event__at", "event_id"))
        if not notices:
            continue
        follow = notices[0].follow
        if not follow.is_active:
            continue  # unsubscribed since: marked sent, never sent
        try:
            _send_notices(follow, [notice.event for notice in notices])
        except Exception:
            FollowNotice.objects.filter(pk__in=[n.pk for n in notices]).update(sent_at=None)
            continue
        sent += 1
    return sent


def _send_notices(follow: Follow, events: list[CaseEvent]) -> None:
    unsubscribe = public_url(reverse("portal:follow-unsubscribe", args=[follow.token]))
    with translation.override(settings.LANGUAGE_CODE):
        lines = []
        for event in events:
            case = event.case
            lines.append(_("%(when)s  %(number)s %(item)s：%(step)s\n    %(url)s") % {
                "when": timezone.localtime(event.at).strftime("%m-%d %H:%M"), "number": case.number,
                "item": case.item.name, "step": public_step(event),
                "url": public_url(reverse("portal:case", args=[case.public_code]))})
        if len(events) == 1:
            case = events[0].case
            subject = _("【%(site)s】%(number)s %(item)s：%(step)s") % {
                "site": settings.JIEDAO_SITE_NAME, "number": case.number, "item": case.item.name,
                "step": public_step(events[0])}
        else:
            subject = _("【%(site)s】您关注的问题有 %(n)d 条新进展") % {"site": settings.JIEDAO_SITE_NAME,
                                                                   "n": len(events)}
        body = _("您关注的“%(target)s”有新进展：\n\n%(lines)s\n\n不想再收到？一键退订：%(unsubscribe)s\n") % {
            "target": follow.target_label, "lines": "\n".join(lines), "unsubscribe": unsubscribe}
    _mail(to=follow.email, subject=subject, body=body, unsubscribe_url=unsubscribe)
