"""What the case services refuse, with a message a person understands. Views and the API turn
these into a message on the page or a 4xx answer; nothing has been written when one is raised."""

from django.utils.translation import gettext_lazy as _


class CaseError(Exception):
    status = 400
    default_message = _("操作无法完成")

    def __init__(self, message=None, *, field: str | None = None):
        self.message = message or self.default_message
        self.field = field
        super().__init__(str(self.message))


class InvalidInput(CaseError):
    default_message = _("输入有误")


class NotAllowed(CaseError):
    status = 403
    default_message = _("您无权执行此操作")


class WrongState(CaseError):
    status = 409
    default_message = _("案件当前状态不允许此操作")


class StaleCase(CaseError):
    status = 409
    default_message = _("案件已被他人处理，请刷新后重试")
