"""What the Open311 endpoints refuse. Views turn these into the spec's error body
(`errors/error{code, description}`) with the same HTTP status; nothing has been written."""

from django.utils.translation import gettext_lazy as _


class Open311Error(Exception):
    status = 400

    def __init__(self, description, *, status: int | None = None):
        self.description = description
        if status is not None:
            self.status = status
        super().__init__(str(description))


class BadParameter(Open311Error):
    status = 400


class BadApiKey(Open311Error):
    status = 403

    def __init__(self, description=None):
        super().__init__(description or _("缺少 api_key，或 api_key 无效、已停用"))


class NotFound(Open311Error):
    status = 404


class TooLarge(Open311Error):
    status = 413


class UnsupportedMedia(Open311Error):
    status = 415


class TooManyRequests(Open311Error):
    status = 429
