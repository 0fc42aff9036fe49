"""The unified social credit code (统一社会信用代码) of GB 32100-2015: 18 characters, the last a check character."""

from django.core.exceptions import ValidationError

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
FUJIAN_DIVISION_PREFIX = "35"


def check_character(first17: str) -> str:
    """The check character for the first 17 characters (GB 32100-2015, 5.2)."""
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(code: str) -> str:
    return (code or "").strip().upper()


def is_valid(code: str) -> bool:
    code = normalise(code)
    if len(code) != 18 or any(ch not in ALPHABET for ch in code):
        return False
    if not code[2:8].isdigit():  # the registering authority's administrative division code
        return False
    return check_character(code[:17]) == code[17]


def validate_credit_code(value: str) -> None:
    code = normalise(value)
    if len(code) != 18:
        raise ValidationError("统一社会信用代码应为18位。", code="length")
    bad = sorted({ch for ch in code if ch not in ALPHABET})
    if bad:
        raise ValidationError(
            "统一社会信用代码含有不允许的字符：%(chars)s（不使用I、O、S、V、Z）。",
            params={"chars": "、".join(bad)},
            code="charset",
        )
    if not code[2:8].isdigit():
        raise ValidationError("统一社会信用代码第3至8位应为登记管理机关行政区划码（数字）。", code="division")
    if check_character(code[:17]) != code[17]:
        raise ValidationError("统一社会信用代码校验位不正确，请核对后重新填写。", code="check")


def registered_in_fujian(code: str) -> bool:
    return normalise(code)[2:4] == FUJIAN_DIVISION_PREFIX
