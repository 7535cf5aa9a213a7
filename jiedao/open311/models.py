"""Open311 GeoReport v2: the clients allowed to post, the extra facts a category asks for, what an
outside client sent with a report or an update, and the few settings of the endpoint."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiedao.cases.models import Case, CaseEvent, CaseSource
from jiedao.catalogue.models import CatalogueItem
from jiedao.one_row import OneRowPolicy


class Open311Client(models.Model):
    """An outside system (the 12345 platform, a city app) that may post reports and updates. Its key
    is shown once when issued; only the SHA-256 is kept."""

    name = models.CharField(_("名称"), max_length=100, help_text=_("对接系统名称，如“区 12345 平台”"))
    contact = models.CharField(_("联系人"), max_length=200, blank=True, help_text=_("对方负责人及联系方式（仅内部可见）"))
    key_hash = models.CharField(_("密钥摘要"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("密钥前缀"), max_length=10, editable=False,
                              help_text=_("密钥的前几个字符，用于辨认，不能用于调用"))
    is_active = models.BooleanField(_("启用"), default=True, help_text=_("停用后该密钥的提交一律拒绝"))
    rate_limit_per_minute = models.PositiveIntegerField(
        _("每分钟提交上限"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("每分钟最多提交多少次（上报与补充合计）；留空不限"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Open311 接入方")
        verbose_name_plural = _("Open311 接入方")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class AttributeDatatype(models.TextChoices):
    # GeoReport v2, service definition: the six datatypes
    STRING = "string", _("单行文字")
    NUMBER = "number", _("数字")
    DATETIME = "datetime", _("日期时间")
    TEXT = "text", _("多行文字")
    SINGLE_VALUE_LIST = "singlevaluelist", _("单选")
    MULTI_VALUE_LIST = "multivaluelist", _("多选")


LIST_DATATYPES = frozenset({AttributeDatatype.SINGLE_VALUE_LIST, AttributeDatatype.MULTI_VALUE_LIST})


class ServiceAttribute(models.Model):
    """One extra fact a category asks for (an Open311 service definition attribute), e.g. the kind of
    stall for 占道经营. Administrators edit these; `values` lists the options of the list types as
    `[{"key": "...", "name": "..."}]`."""

    item = models.ForeignKey(CatalogueItem, on_delete=models.CASCADE, related_name="open311_attributes",
                             verbose_name=_("问题分类"))
    code = models.CharField(_("代码"), max_length=40, validators=[RegexValidator(
        r"^[A-Za-z0-9_-]+$", _("代码只能包含字母、数字、下划线和连字符"))],
        help_text=_("提交时写作 attribute[代码]"))
    variable = models.BooleanField(_("需要填写"), default=True, help_text=_("不勾选则只是给上报人看的说明文字"))
    datatype = models.CharField(_("类型"), max_length=16, choices=AttributeDatatype.choices,
                                default=AttributeDatatype.STRING)
    required = models.BooleanField(_("必填"), default=False)
    description = models.CharField(_("说明"), max_length=300, help_text=_("问题或说明文字，也用作写入案件描述时的标题"))
    datatype_description = models.CharField(_("填写提示"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), validators=[MinValueValidator(1)])
    values = models.JSONField(_("选项"), default=list, blank=True,
                              help_text=_('单选、多选的选项，如 [{"key": "mobile", "name": "流动摊贩"}]'))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("Open311 附加信息项")
        verbose_name_plural = _("Open311 附加信息项")
        ordering = ["item", "order"]
        constraints = [
            models.UniqueConstraint(fields=["item", "code"], name="open311_attribute_code"),
            models.UniqueConstraint(fields=["item", "order"], name="open311_attribute_order"),
        ]

    def __str__(self) -> str:
        return f"{self.item.name} · {self.code}"

    def option_keys(self) -> list[str]:
        return [str(option["key"]) for option in self.values or []]

    def clean(self) -> None:
        values = self.values or []
        if not isinstance(values, list) or not all(
                isinstance(option, dict) and set(option) == {"key", "name"}
                and all(isinstance(option[field], str) and option[field].strip() for field in ("key", "name"))
                for option in values):
            raise ValidationError({"values": _('选项须为 [{"key": "...", "name": "..."}] 形式的列表，键和名称不能为空')})
        if len(set(self.option_keys())) != len(values):
            raise ValidationError({"values": _("选项的键不能重复")})
        if self.datatype in LIST_DATATYPES and self.variable and not values:
            raise ValidationError({"values": _("单选、多选须至少有一个选项")})
        if self.datatype not in LIST_DATATYPES and values:
            raise ValidationError({"values": _("只有单选、多选可以设置选项")})
        if self.required and not self.variable:
            raise ValidationError({"required": _("说明文字不能设为必填")})


class Open311Report(models.Model):
    """What an Open311 client sent with a new report beyond what the case holds. Never published."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="open311_report",
                                verbose_name=_("案件"))
    client = models.ForeignKey(Open311Client, on_delete=models.PROTECT, related_name="reports",
                               verbose_name=_("接入方"))
    attributes = models.JSONField(_("附加信息"), default=dict, blank=True)
    email = models.CharField(_("电子邮箱"), max_length=254, blank=True)
    account_id = models.CharField(_("账号"), max_length=100, blank=True)
    device_id = models.CharField(_("设备号"), max_length=100, blank=True)
    address_id = models.CharField(_("地址编号"), max_length=100, blank=True)
    media_url = models.CharField(_("媒体链接"), max_length=500, blank=True,
                                 help_text=_("对方提供的链接，本系统不会去下载"))
    # SHA-256 of the normalised body (cases/idempotency.py): a retry with the key must send the same.
    body_fingerprint = models.CharField(_("提交内容摘要"), max_length=64, blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("Open311 上报记录")
        verbose_name_plural = _("Open311 上报记录")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.client} → {self.case_id}"


class Open311Update(models.Model):
    """Which client posted a resident's update (a case event), under which id of its own."""

    event = models.OneToOneField(CaseEvent, on_delete=models.PROTECT, related_name="open311_update",
                                 verbose_name=_("办理记录"))
    client = models.ForeignKey(Open311Client, on_delete=models.PROTECT, related_name="updates",
                               verbose_name=_("接入方"))
    external_id = models.CharField(_("对方编号"), max_length=100)
    account_id = models.CharField(_("账号"), max_length=100, blank=True)
    email = models.CharField(_("电子邮箱"), max_length=254, blank=True)
    body_fingerprint = models.CharField(_("提交内容摘要"), max_length=64, blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("Open311 群众补充记录")
        verbose_name_plural = _("Open311 群众补充记录")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.client} → {self.external_id}"


# Sources whose cases are published by default: what residents and field workers found on the street.
# A leader's assignment (领导交办) and an inspection finding (督查检查发现) are internal supervision.
DEFAULT_PUBLIC_SOURCES = [CaseSource.RESIDENT, CaseSource.HOTLINE, CaseSource.OPEN311, CaseSource.PATROL,
                          CaseSource.VIDEO, CaseSource.SELF_CHECK]


def _default_public_sources() -> list[str]:
    return [str(source) for source in DEFAULT_PUBLIC_SOURCES]


class Open311Policy(OneRowPolicy):
    """The endpoint's settings an administrator can change; one row (pk=1)."""

    jurisdiction_id = models.CharField(
        _("辖区标识"), max_length=100, blank=True,
        help_text=_("如 qingxi.example.gov.cn；填写后，请求中不同的 jurisdiction_id 返回 404；留空则不检查"))
    contact = models.CharField(_("联系方式"), max_length=300, blank=True,
                               help_text=_("服务发现（discovery）中公布的联系方式"))
    key_service = models.CharField(_("密钥申请方式"), max_length=300, blank=True,
                                   help_text=_("服务发现中公布的 API 密钥申请方式"))
    is_test = models.BooleanField(_("测试环境"), default=False, help_text=_("服务发现中标为 test 而非 production"))
    public_sources = models.JSONField(
        _("公开的案件来源"), default=_default_public_sources, blank=True,
        help_text=_("这些来源的案件（受理后）通过 Open311 公开"))
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("Open311 参数")
        verbose_name_plural = _("Open311 参数")


    def clean(self) -> None:
        sources = self.public_sources or []
        if not isinstance(sources, list) or not set(sources) <= set(CaseSource.values):
            raise ValidationError({"public_sources": _("含有未知的案件来源")})
