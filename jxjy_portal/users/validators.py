"""Password rules beyond Django's own: a strong password mixes letters and digits."""

from django.core.exceptions import ValidationError


class CharacterClassValidator:
    def validate(self, password, user=None):
        if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
            raise ValidationError("密码须同时包含字母和数字。", code="password_classes")

    def get_help_text(self):
        return "密码须同时包含字母和数字。"
