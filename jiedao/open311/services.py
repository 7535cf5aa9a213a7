"""Writes of the Open311 endpoint: issuing and checking client keys, and turning a client's POST
into a case (through `case_report_once`) or a resident's update (through `case_resident_update`).
No rule of the case loop is written here: the case services decide, this module translates."""

import hashlib
import math
import re
import secrets
from dataclasses import dataclass, field, replace
from datetime import timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jiedao import clock
from jiedao.addresses.selectors import address_geocode
from jiedao.audit.models import EventKind
from jiedao.audit.services import object_target, security_event_record
from jiedao.cases.errors import InvalidInput
from jiedao.cases.idempotency import key_reuse_check
from jiedao.cases.models import Case, CaseEvent, CaseSource
from jiedao.cases.services import case_report_once, case_resident_update
from jiedao.catalogue.models import CatalogueItem
from jiedao.territory.coordinates import SUPPORTED_CRS

from . import statuses
from .errors import BadParameter, NotFound, TooManyRequests
from .lookups import remembered
from .models import (
    AttributeDatatype,
    Open311Client,
    Open311Policy,
    Open311Report,
    Open311Update,
    ServiceAttribute,
)
from .params import parse_when
from .selectors import published_cases, service_item

KEY_PREFIX = "o311_"
# Recording every use would turn each call into a write; once a minute is enough to see activity.
LAST_USED_RESOLUTION = timedelta(minutes=1)
MAX_MEDIA = 5
MAX_TEXT = 4000  # GeoReport v2: a description is limited to 4,000 characters
MAX_STRING = 300


# ---------------------------------------------------------------- client keys

def open311_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_client_key() -> tuple[str, dict]:
    """A fresh key and the fields a client stores for it (its hash and a recognisable prefix)."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    return key, {"key_hash": open311_key_hash(key), "prefix": key[:10]}


def open311_key_event_record(*, kind: EventKind, client: Open311Client, request=None, by=None,
                             detail: dict | None = None) -> None:
    """A key issued or revoked, in the security log: the client and the key's prefix, never the key."""
    security_event_record(kind=kind, request=request, actor=by, target=object_target(client), target_label=client.name,
                          detail={"client": client.name, "prefix": client.prefix, **(detail or {})})


def open311_client_issue(*, name: str, contact: str = "", rate_limit_per_minute: int | None = None,
                         by=None, request=None) -> tuple[Open311Client, str]:
    """A new client and its key. The plain key is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("请填写接入方名称"), field="name")
    key, stored = new_client_key()
    client = Open311Client.objects.create(name=name[:100], contact=(contact or "").strip()[:200],
                                          rate_limit_per_minute=rate_limit_per_minute, **stored)
    open311_key_event_record(kind=EventKind.OPEN311_KEY_ISSUED, client=client, request=request, by=by)
    return client, key


def open311_client_set_new_key(*, client: Open311Client, by=None, request=None) -> str:
    """Replace a client's key (the old one stops working at once); the new key is returned once."""
    key, stored = new_client_key()
    replaced = client.prefix
    Open311Client.objects.filter(pk=client.pk).update(**stored)
    client.key_hash, client.prefix = stored["key_hash"], stored["prefix"]
    open311_key_event_record(kind=EventKind.OPEN311_KEY_ISSUED, client=client, request=request, by=by,
                             detail={"replaces": replaced})
    return key


def open311_client_authenticate(*, key: str | None) -> Open311Client | None:
    """The active client the key belongs to, or None. Notes the use at most once a minute."""
    key = (key or "").strip()
    if not key.startswith(KEY_PREFIX):
        return None
    key_hash = open311_key_hash(key)
    client = remembered(("client", key_hash),
                        lambda: Open311Client.objects.filter(key_hash=key_hash, is_active=True).first())
    if client is None:
        return None
    now = clock.now()
    if client.last_used_at is None or now - client.last_used_at >= LAST_USED_RESOLUTION:
        Open311Client.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
    return client


def open311_rate_check(*, client: Open311Client) -> None:
    """Count one submission; refuse it when the client is over its per-minute limit (if it has one)."""
    if not client.rate_limit_per_minute:
        return
    minute = int(clock.now().timestamp() // 60)
    bucket = f"open311:rate:{client.pk}:{minute}"
    cache.add(bucket, 0, timeout=120)
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, timeout=120)
        count = 1
    if count > client.rate_limit_per_minute:
        raise TooManyRequests(_("提交过于频繁：每分钟最多 %(n)d 次，请稍后再试") % {"n": client.rate_limit_per_minute})


def namespaced_key(*, client: Open311Client, key: str, kind: str) -> str:
    """A client's idempotency key in our namespace (case and event keys are unique across every
    sender): `o311r:<client>:<key>`, or a digest of the key when it would not fit in 64 characters."""
    prefix = f"o311{kind}:{client.pk}:"
    if len(prefix) + len(key) <= 64 and key.isascii() and key.isprintable():
        return prefix + key
    return prefix + hashlib.sha256(key.encode()).hexdigest()[: 64 - len(prefix)]


# ---------------------------------------------------------------- attributes

def attributes_validate(*, item: CatalogueItem, submitted: dict[str, list[str]]) -> list[tuple[ServiceAttribute, object]]:
    """Check `attribute[CODE]` values against the category's definition; return (attribute, value)
    pairs in definition order. Codes the definition does not know are ignored (clients such as
    FixMyStreet send a few of their own)."""
    checked = []
    attributes = remembered(("attributes", item.pk), lambda: list(
        ServiceAttribute.objects.filter(item=item, is_active=True, variable=True).order_by("order")))
    for attribute in attributes:
        values = [value.strip() for value in submitted.get(attribute.code, []) if value.strip()]
        if not values:
            if attribute.required:
                raise BadParameter(_("缺少必填的附加信息“%(description)s”（attribute[%(code)s]）")
                                   % {"description": attribute.description, "code": attribute.code})
            continue
        checked.append((attribute, _attribute_value(attribute, values)))
    return checked


def _attribute_value(attribute: ServiceAttribute, values: list[str]):
    def bad(message):
        return BadParameter(_("附加信息“%(description)s”（attribute[%(code)s]）：%(message)s")
                            % {"description": attribute.description, "code": attribute.code, "message": message})

    if attribute.datatype == AttributeDatatype.MULTI_VALUE_LIST:
        unknown = [value for value in values if value not in attribute.option_keys()]
        if unknown:
            raise bad(_("不是可选的值：%(values)s") % {"values": ", ".join(unknown)})
        return list(dict.fromkeys(values))
    if len(values) > 1:
        raise bad(_("只能有一个值"))
    value = values[0]
    if attribute.datatype == AttributeDatatype.SINGLE_VALUE_LIST:
        if value not in attribute.option_keys():
            raise bad(_("不是可选的值：%(values)s") % {"values": value})
        return value
    if attribute.datatype == AttributeDatatype.NUMBER:
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise bad(_("须为数字"))
        return number
    if attribute.datatype == AttributeDatatype.DATETIME:
        when = parse_when(value, field=f"attribute[{attribute.code}]")
        return when.isoformat()
    limit = MAX_TEXT if attribute.datatype == AttributeDatatype.TEXT else MAX_STRING
    if len(value) > limit:
        raise bad(_("不能超过 %(n)d 字") % {"n": limit})
    if attribute.datatype == AttributeDatatype.STRING and ("\n" in value or "\r" in value):
        raise bad(_("不能换行"))
    return value


def attributes_text(checked: list[tuple[ServiceAttribute, object]]) -> str:
    """The facts in words for the case description, so that staff see them on every page."""
    lines = []
    for attribute, value in checked:
        names = {str(option["key"]): option["name"] for option in attribute.values or []}
        if isinstance(value, list):
            shown = "、".join(names.get(v, v) for v in value)
        elif isinstance(value, float):
            shown = f"{value:g}"
        else:
            shown = names.get(value, value)
        lines.append(f"【{attribute.description}】{shown}")
    return "\n".join(lines)


# ---------------------------------------------------------------- reports

_CJK = re.compile(r"[\u3400-\u9fff]")
_PHONE = re.compile(r"^[0-9+\-() ]{3,20}$")


def reporter_name(*, first_name: str, last_name: str) -> str:
    """Chinese names are written family name first, without a space (张 + 三 → 张三)."""
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    if _CJK.search(first_name + last_name):
        return f"{last_name}{first_name}"
    return " ".join(part for part in (first_name, last_name) if part)


@dataclass
class ReportSubmission:
    service_code: str
    latitude: str | None = None
    longitude: str | None = None
    crs: str = "wgs84"
    address_string: str = ""
    address_id: str = ""
    description: str = ""
    attributes: dict[str, list[str]] = field(default_factory=dict)
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    email: str = ""
    device_id: str = ""
    account_id: str = ""
    media_url: str = ""
    media: list = field(default_factory=list)
    client_key: str | None = None
    fingerprint: str = ""  # of the request body; kept with the key (cases/idempotency.py)


def _check_lengths(values: dict[str, tuple[str, int]]) -> None:
    for name, (value, limit) in values.items():
        if len(value) > limit:
            raise BadParameter(_("%(field)s 不能超过 %(n)d 个字符") % {"field": name, "n": limit})


def _check_phone_and_email(*, phone: str, email: str) -> None:
    if phone and not _PHONE.match(phone):
        raise BadParameter(_("phone 不是有效的电话号码"))
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise BadParameter(_("email 不是有效的电子邮箱")) from error


def open311_report(*, client: Open311Client, submission: ReportSubmission) -> tuple[Case, bool]:
    """A report from an Open311 client: the client acts (no signed-in reporter), the resident's
    name and phone go where a phoned-in report keeps them. A retry with the same client key and
    the same body returns the case the first attempt made, with created False (even if the
    category or its attributes changed in between); the same key with another body is refused."""
    key = namespaced_key(client=client, key=submission.client_key, kind="r") if submission.client_key else None
    earlier = Case.objects.filter(client_key=key).first() if key else None
    if earlier is not None:
        _report_replay_check(earlier, submission=submission)
        return earlier, False
    item = service_item_or_404(submission.service_code)
    if submission.crs not in SUPPORTED_CRS:
        raise BadParameter(_("crs 须为 wgs84、gcj02 或 bd09"))
    if (submission.latitude is None) != (submission.longitude is None):
        raise BadParameter(_("lat 与 long 须同时提供"))
    located = submission.latitude is not None
    if not located and not (submission.address_string or submission.address_id):
        raise BadParameter(_("缺少位置：请提供 lat 和 long，或 address_string，或 address_id"))
    if not located:
        # An address alone is placed by the standard address register (一标三实): the 门牌 or building
        # it names exactly, or the 门牌 with that address code.
        found = address_geocode(text=submission.address_string, code=submission.address_id)
        if found is not None:
            submission = replace(submission, longitude=repr(found.longitude), latitude=repr(found.latitude),
                                 crs="wgs84", address_string=submission.address_string or found.label)
            located = True
        elif not submission.media:
            raise BadParameter(_("地址“%(address)s”不在标准地址库中：请提供 lat 和 long，或标准地址中的门牌（如 桃源路88号）")
                               % {"address": (submission.address_string or submission.address_id)[:80]})
    _check_lengths({"address_string": (submission.address_string, 256), "address_id": (submission.address_id, 100),
                    "device_id": (submission.device_id, 100), "account_id": (submission.account_id, 100),
                    "media_url": (submission.media_url, 500), "first_name": (submission.first_name, 30),
                    "last_name": (submission.last_name, 30), "description": (submission.description, MAX_TEXT)})
    _check_phone_and_email(phone=submission.phone, email=submission.email)
    checked = attributes_validate(item=item, submitted=submission.attributes)
    facts = attributes_text(checked)
    description = "\n\n".join(part for part in (submission.description.strip(), facts) if part)
    now = clock.now()

    def record(case: Case) -> None:  # in the report's own transaction
        Open311Report.objects.create(
            # the email is the resident's: kept encrypted on the case (reporter_email), not here
            case=case, client=client, email="", account_id=submission.account_id,
            device_id=submission.device_id, address_id=submission.address_id, media_url=submission.media_url,
            attributes={attribute.code: value for attribute, value in checked},
            body_fingerprint=submission.fingerprint, created_at=now,
        )

    case, created = case_report_once(
        by=None, source=CaseSource.OPEN311, item=item, longitude=submission.longitude,
        latitude=submission.latitude, crs=submission.crs, description=description,
        address=submission.address_string, photos=submission.media,
        reporter_name=reporter_name(first_name=submission.first_name, last_name=submission.last_name),
        reporter_phone=submission.phone, reporter_email=submission.email, client_key=key, at=now,
        channel={"open311_client": client.pk, "name": client.name}, also=record,
    )
    if not created:  # a twin request with the same key won the race
        _report_replay_check(case, submission=submission)
    return case, created


def _report_replay_check(case: Case, *, submission: ReportSubmission) -> None:
    stored = Open311Report.objects.filter(case=case).values_list("body_fingerprint", flat=True).first()
    key_reuse_check(key=submission.client_key or "", stored=stored or "", fingerprint=submission.fingerprint)


def service_item_or_404(code: str) -> CatalogueItem:
    code = (code or "").strip()
    if not code:
        raise BadParameter(_("缺少 service_code"))
    item = service_item(code)
    if item is None:
        raise NotFound(_("未知的服务代码（service_code）：%(code)s") % {"code": code})
    return item


# ---------------------------------------------------------------- resident updates

@dataclass
class UpdateSubmission:
    service_request_id: str
    update_id: str
    status: str
    updated_datetime: str
    description: str
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    email: str = ""
    account_id: str = ""
    media: list = field(default_factory=list)
    fingerprint: str = ""  # of the request body; kept with the update_id (cases/idempotency.py)


def open311_update(*, client: Open311Client, submission: UpdateSubmission) -> tuple[CaseEvent, bool]:
    """A resident's update to a published case, posted by a client (mySociety's extension). `OPEN`
    or `REOPEN` says "this is not fixed" (FixMyStreet sends OPEN when the resident ticks it): on a
    fix the office believes done the case goes back for a re-check. A retry with the same
    `update_id` returns the first update, with created False."""
    for name in ("service_request_id", "update_id", "status", "updated_datetime", "description"):
        if not (getattr(submission, name) or "").strip():
            raise BadParameter(_("缺少 %(field)s") % {"field": name})
    status = submission.status.strip().upper()
    if status not in statuses.ACCEPTED_UPDATE_STATUSES:
        raise BadParameter(_("未知的 status：%(status)s") % {"status": submission.status})
    parse_when(submission.updated_datetime, field="updated_datetime")
    _check_lengths({"update_id": (submission.update_id, 100), "description": (submission.description, MAX_TEXT),
                    "account_id": (submission.account_id, 100), "first_name": (submission.first_name, 30),
                    "last_name": (submission.last_name, 30)})
    _check_phone_and_email(phone=submission.phone, email=submission.email)
    case = published_cases(Open311Policy.current()).filter(number=submission.service_request_id.strip()).first()
    if case is None:
        raise NotFound(_("未找到该服务请求：%(id)s") % {"id": submission.service_request_id})
    key = namespaced_key(client=client, key=submission.update_id.strip(), kind="u")
    seen_before = CaseEvent.objects.filter(client_key=key).exists()
    if seen_before:
        stored = Open311Update.objects.filter(event__client_key=key).values_list("body_fingerprint", flat=True).first()
        key_reuse_check(key=submission.update_id.strip(), stored=stored or "", fingerprint=submission.fingerprint)
    now = clock.now()
    with transaction.atomic():
        # The case service decides what "not fixed" does (back to check, or a complaint on record)
        # and answers a replay of the key with the event the first call wrote.
        event = case_resident_update(
            case=case, text=submission.description.strip(), photos=submission.media,
            not_fixed=status in statuses.NOT_FIXED_STATUSES,
            name=reporter_name(first_name=submission.first_name, last_name=submission.last_name),
            contact=submission.phone or submission.email, client_key=key,
            email=submission.email if submission.phone else "",
        )
        Open311Update.objects.get_or_create(
            event=event, defaults={"client": client, "external_id": submission.update_id.strip(),
                                   "account_id": submission.account_id, "email": "",  # encrypted on the event
                                   "body_fingerprint": submission.fingerprint, "created_at": now})
    return event, not seen_before


# ---------------------------------------------------------------- default attributes

def _options(*pairs: tuple[str, str]) -> list[dict]:
    return [{"key": key, "name": name} for key, name in pairs]


# The extra facts a few categories ask for (data the office edits afterwards in the admin).
DEFAULT_ATTRIBUTES: dict[str, list[dict]] = {
    "09006": [  # 占道经营
        {"code": "stall_kind", "datatype": AttributeDatatype.SINGLE_VALUE_LIST, "required": True, "order": 1,
         "description": "经营形式",
         "values": _options(("mobile", "流动摊贩"), ("fixed", "固定摊点"), ("shopfront", "店外经营（出店经营）"))},
        {"code": "occupied_area", "datatype": AttributeDatatype.NUMBER, "required": False, "order": 2,
         "description": "占用面积（平方米，估计）", "datatype_description": "数字，如 6"},
        {"code": "privacy_note", "datatype": AttributeDatatype.STRING, "variable": False, "order": 3,
         "description": "拍照时请拍清占道位置与范围，不要拍摊主面部"},
    ],
    "06001": [  # 私搭乱建（违章建筑）
        {"code": "structure", "datatype": AttributeDatatype.SINGLE_VALUE_LIST, "required": True, "order": 1,
         "description": "建筑形式",
         "values": _options(("steel", "彩钢板房"), ("brick", "砖混结构"), ("shed", "棚架、雨棚"), ("other", "其他"))},
        {"code": "stage", "datatype": AttributeDatatype.SINGLE_VALUE_LIST, "required": True, "order": 2,
         "description": "建设进度", "values": _options(("building", "正在搭建"), ("built", "已建成"))},
        {"code": "area", "datatype": AttributeDatatype.NUMBER, "required": False, "order": 3,
         "description": "估计面积（平方米）", "datatype_description": "数字，如 20"},
    ],
    "06010": [  # 暴露垃圾
        {"code": "amount", "datatype": AttributeDatatype.SINGLE_VALUE_LIST, "required": False, "order": 1,
         "description": "垃圾数量",
         "values": _options(("small", "少量"), ("pile", "成堆"), ("large", "大量（需车辆清运）"))},
    ],
}


def open311_attributes_seed_default() -> int:
    """Create the default attributes that are missing; an existing row (perhaps edited) is never
    touched. Returns how many were created."""
    created = 0
    for code, attributes in DEFAULT_ATTRIBUTES.items():
        item = service_item(code)
        if item is None:
            continue
        for spec in attributes:
            _row, made = ServiceAttribute.objects.get_or_create(
                item=item, code=spec["code"],
                defaults={key: value for key, value in spec.items() if key != "code"})
            created += made
    Open311Policy.current()
    return created
