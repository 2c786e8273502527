import pytest
from django.core.exceptions import ValidationError

from duikou.people.identity import (
    id_number_check_digit,
    id_number_clean,
    id_number_mask,
    phone_clean,
)

# The worked example of GB 11643-1999 (an illustration, not a person).
SAMPLE_ID = "11010519491231002X"


def test_the_check_digit_follows_gb_11643():
    assert id_number_check_digit("11010519491231002") == "X"
    assert id_number_check_digit("44052418800101001") == "4"


def test_a_valid_id_number_is_normalised():
    assert id_number_clean(" 11010519491231002x ") == SAMPLE_ID
    assert id_number_clean("") == ""


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("11010519491231002", "身份证号格式不正确：应为18位，前17位为数字，末位为数字或X"),
        ("1101051949123100XX", "身份证号格式不正确：应为18位，前17位为数字，末位为数字或X"),
        ("110105194913310021", "身份证号中的出生日期“19491331”无效"),
        ("110105194912310021", "身份证号校验位不正确，请核对后重新填写"),
    ],
)
def test_a_malformed_id_number_is_refused_naming_the_field(value, message):
    with pytest.raises(ValidationError) as error:
        id_number_clean(value)
    assert error.value.message_dict == {"id_number": [message]}


def test_id_numbers_are_shown_masked():
    assert id_number_mask("652301199001011234") == "6523**********1234"
    assert id_number_mask(SAMPLE_ID) == "1101**********002X"
    assert id_number_mask("") == ""


@pytest.mark.parametrize("value", ["13912345678", "0994-2343036", "09942343036", "010-12345678"])
def test_mobiles_and_landlines_with_an_area_code_are_accepted(value):
    assert phone_clean(value) == value


@pytest.mark.parametrize("value", ["12912345678", "1391234567", "2343036", "0994-23430", "电话"])
def test_a_malformed_phone_number_is_refused(value):
    with pytest.raises(ValidationError) as error:
        phone_clean(value)
    assert list(error.value.message_dict) == ["phone"]
    assert error.value.message_dict["phone"][0].startswith(f"联系电话“{value}”格式不正确")
