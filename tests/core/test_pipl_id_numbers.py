"""PIPL (issue 17, point 4) in the kernel: a resident ID number is checked by GB 11643, stored encrypted (never
as typed), matched by a keyed hash, shown masked, and readable after a key rotation; production refuses to run
without its own keys."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from core import pii

VALID = "11010519491231002X"  # the standard's own example
FUJIAN = "350102199003071234"[:17] + pii.check_digit("35010219900307123")


@pytest.fixture(autouse=True)
def _fresh_keys(settings):
    pii.reset_keys()
    yield
    pii.reset_keys()


@pytest.mark.parametrize("number", [VALID, FUJIAN, VALID.lower(), f" {FUJIAN[:6]} {FUJIAN[6:]} "])
def test_a_valid_number_passes_gb_11643(number):
    assert pii.id_number_error(number) is None


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("", "请填写身份证号码。"),
        ("35010219900307123", "身份证号码应为18位：前17位为数字，最后一位为数字或X。"),
        ("3501021990030712X4", "身份证号码应为18位：前17位为数字，最后一位为数字或X。"),
        ("990102199003071234", "身份证号码的前两位不是有效的省级行政区划代码。"),
        ("350102199002301234", "身份证号码中的出生日期（第7至14位）不是有效日期。"),
        ("350102189912311234", "身份证号码中的出生日期（第7至14位）不在合理范围内。"),
        ("350102209912311234", "身份证号码中的出生日期（第7至14位）不在合理范围内。"),
    ],
)
def test_a_malformed_number_is_refused_with_its_reason_in_chinese(number, message):
    assert pii.id_number_error(number) == message


def test_one_mistyped_digit_fails_the_check_digit():
    mistyped = FUJIAN[:15] + str((int(FUJIAN[15]) + 1) % 10) + FUJIAN[16:]  # the sequence number
    assert pii.id_number_error(mistyped) == "身份证号码的校验码（第18位）不正确，请核对是否有输错的数字。"


def test_full_width_digits_and_a_lower_case_x_are_read_as_typed_meant():
    assert pii.normalise("１１０１０５１９４９１２３１００２ｘ") == VALID


def test_the_number_is_masked_to_its_first_and_last_four():
    assert pii.mask(FUJIAN) == f"3501**********{FUJIAN[-4:]}"
    assert pii.mask("1234") == "****"


def test_a_sealed_number_is_not_the_number_and_opens_to_it():
    sealed = pii.seal(FUJIAN)
    assert FUJIAN not in sealed and FUJIAN[-4:] not in sealed
    assert pii.unseal(sealed) == FUJIAN
    assert pii.seal(FUJIAN) != sealed  # a fresh nonce each time: equal numbers are not equal ciphertexts


def test_the_fingerprint_matches_equal_numbers_and_depends_on_the_key(settings):
    assert pii.fingerprint(VALID) == pii.fingerprint(VALID.lower())
    assert pii.fingerprint(VALID) != pii.fingerprint(FUJIAN)
    before = pii.fingerprint(VALID)
    settings.PII_HASH_KEY = "another-key"
    pii.reset_keys()
    assert pii.fingerprint(VALID) != before


def test_a_rotated_key_still_opens_old_rows_and_reseal_moves_them_to_the_new_key(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.PII_KEYS, settings.PII_HASH_KEY = [old], "h"
    pii.reset_keys()
    sealed = pii.seal(FUJIAN)

    settings.PII_KEYS = [new, old]
    pii.reset_keys()
    assert pii.unseal(sealed) == FUJIAN
    moved = pii.reseal(sealed)

    settings.PII_KEYS = [new]
    pii.reset_keys()
    assert pii.unseal(moved) == FUJIAN
    with pytest.raises(pii.UnreadableSecret):
        pii.unseal(sealed)


def test_production_without_keys_refuses_to_seal(settings):
    settings.DEBUG, settings.PII_KEYS, settings.PII_HASH_KEY = False, [], ""
    pii.reset_keys()
    with pytest.raises(ImproperlyConfigured, match="PII_KEYS and PII_HASH_KEY must be set"):
        pii.seal(VALID)
