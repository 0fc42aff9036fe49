"""Password rules beyond Django's own: a strong password mixes letters and digits."""

from django.core.exceptions import ValidationError


class CharacterClassValidator:
    def validate(self, password, user=None):
        if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
            raise ValidationError("密码须同时包含字母和数字。", code="password_classes")

    def get_help_text(self):
        return "密码须同时包含字母和数字。"


class MinimumLengthValidator:
    """Django's rule, in Chinese: Django 5.2 changed its message and the Chinese catalogue no longer matches."""

    def __init__(self, min_length=10):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                "密码长度太短，至少需要%(min_length)d个字符。",
                code="password_too_short",
                params={"min_length": self.min_length},
            )

    def get_help_text(self):
        return f"密码至少需要{self.min_length}个字符。"
