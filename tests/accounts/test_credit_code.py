"""GB 32100-2015: the unified social credit code's check character."""

import pytest
from django.core.exceptions import ValidationError

from accounts.credit_code import is_valid, validate_credit_code


@pytest.mark.parametrize("code", ["91440300708461136T", "91110108551385082Q", "91350100M000100Y43"])
def test_real_codes_are_accepted(code):
    assert is_valid(code)
    validate_credit_code(code)


@pytest.mark.parametrize(
    "code, message",
    [
        ("91440300708461136A", "校验位不正确"),
        ("9144030070846113", "应为18位"),
        ("91440300708461136I", "不允许的字符"),
        ("91ABCDEF708461136T", "行政区划码"),
    ],
)
def test_bad_codes_are_refused_with_a_chinese_reason(code, message):
    assert not is_valid(code)
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    assert message in " ".join(error.value.messages)
