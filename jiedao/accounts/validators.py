"""Password rules (GB/T 22239-2019 8.1.4.1 a: 口令具有复杂度要求). Django runs every validator in
AUTH_PASSWORD_VALIDATORS wherever a password is set through its forms or `validate_password`:
the change page, the admin's add and reset forms, `createsuperuser`, the people import."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CHARACTER_CLASSES = (
    ("upper", str.isupper),
    ("lower", str.islower),
    ("digit", str.isdigit),
    ("symbol", lambda character: not character.isalnum() and not character.isspace()),
)


def character_classes(password: str) -> set[str]:
    """Which of upper case, lower case, digits and symbols the password uses."""
    return {name for name, test in CHARACTER_CLASSES if any(test(character) for character in password)}


class CharacterClassesValidator:
    """At least `min_classes` of the four classes: upper case, lower case, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        if len(character_classes(password)) < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少 %(count)d 类。") % {"count": self.min_classes},
                code="password_too_simple")

    def get_help_text(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、符号中的至少 %(count)d 类。") % {"count": self.min_classes}


class PolicyMinimumLengthValidator:
    """The minimum length the office set in the sign-in policy (never below 8)."""

    def _length(self) -> int:
        from .models import SignInPolicy

        return SignInPolicy.current().password_min_length

    def validate(self, password: str, user=None) -> None:
        length = self._length()
        if len(password) < length:
            raise ValidationError(
                ngettext("密码太短，至少需要 %(length)d 个字符。", "密码太短，至少需要 %(length)d 个字符。", length)
                % {"length": length}, code="password_too_short")

    def get_help_text(self) -> str:
        length = self._length()
        return ngettext("密码至少 %(length)d 个字符。", "密码至少 %(length)d 个字符。", length) % {"length": length}


class UsernameNotContainedValidator:
    """The password must not contain the account's name (口令不得包含用户名), whatever the case.
    Django's similarity validator catches near copies; this one also catches "admin@2026"."""

    MIN_USERNAME_LENGTH = 3

    def validate(self, password: str, user=None) -> None:
        username = (getattr(user, "username", "") or "").casefold()
        if len(username) >= self.MIN_USERNAME_LENGTH and username in password.casefold():
            raise ValidationError(_("密码不能包含账号名。"), code="password_contains_username")

    def get_help_text(self) -> str:
        return _("密码不能包含账号名。")
