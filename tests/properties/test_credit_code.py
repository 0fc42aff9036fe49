"""GB 32100-2015 (统一社会信用代码): the 18th character is a check character over the first 17, so a code made
with check_character is valid and any single wrong character — or two neighbours swapped — is caught."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from accounts.credit_code import ALPHABET, check_character, is_valid, validate_credit_code

from .conftest import PURE

DIGITS = "0123456789"
# Positions 3-8 (the registering authority's administrative division) are digits; the rest any of the 31.
bodies = st.builds(
    lambda head, division, tail: head + division + tail,
    st.text(ALPHABET, min_size=2, max_size=2),
    st.text(DIGITS, min_size=6, max_size=6),
    st.text(ALPHABET, min_size=9, max_size=9),
)


def coded(body: str) -> str:
    return body + check_character(body)


@PURE
@given(bodies)
def test_a_body_with_its_check_character_is_a_valid_code(body):
    code = coded(body)
    assert len(code) == 18 and code[17] in ALPHABET
    assert is_valid(code) and is_valid(code.lower())
    validate_credit_code(code)  # the form's validator agrees


@PURE
@given(bodies, st.integers(0, 17), st.sampled_from(ALPHABET))
def test_changing_any_one_character_to_another_makes_the_code_invalid(body, position, replacement):
    code = coded(body)
    assume(code[position] != replacement)
    changed = code[:position] + replacement + code[position + 1 :]
    assert not is_valid(changed)
    with pytest.raises(ValidationError):
        validate_credit_code(changed)


@PURE
@given(bodies, st.integers(0, 15))
def test_swapping_two_different_neighbours_of_the_body_makes_the_code_invalid(body, position):
    code = coded(body)
    assume(code[position] != code[position + 1])
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    assert not is_valid(swapped)


@PURE
@given(bodies, st.sampled_from("IOSVZ"), st.integers(0, 17))
def test_a_letter_outside_the_alphabet_anywhere_makes_the_code_invalid(body, letter, position):
    code = coded(body)
    assert not is_valid(code[:position] + letter + code[position + 1 :])
