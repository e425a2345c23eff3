import pytest
from django.utils import translation

from socsec.web.fields import YuanField, yuan_to_cents


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("12000", 1_200_000),
        ("12,000", 1_200_000),
        ("12000.50", 1_200_050),
        ("12,000.5", 1_200_050),
        ("1,234,567.89", 123_456_789),
        ("１２，０００", 1_200_000),
        ("¥ 12 000", 1_200_000),
        ("300元", 30_000),
        ("0.01", 1),
    ],
)
def test_amounts_are_read_the_way_people_type_them(typed, cents):
    assert yuan_to_cents(typed) == cents


@pytest.mark.parametrize("typed", ["12,00", "1,2000", "12.345", "-5", "1e3", "abc", "12,000,", ",12", "nan", ""])
def test_what_is_not_an_amount_is_refused(typed):
    with pytest.raises(ValueError):
        yuan_to_cents(typed)


def test_the_field_gives_cents_and_its_errors_in_the_readers_language():
    field = YuanField(min_cents=100, max_cents=1_000_000)
    assert field.clean("9,999.99") == 999_999
    with translation.override("zh-hans"):
        with pytest.raises(Exception) as low:
            field.clean("0.5")
        with pytest.raises(Exception) as bad:
            field.clean("12,00")
        assert low.value.messages == ["金额不能低于 1.00 元。"]
        assert bad.value.messages == ["请输入以元为单位的金额，例如 12000 或 12,000.50。"]
    with translation.override("en"):
        with pytest.raises(Exception) as high:
            field.clean("10,000.01")
        assert high.value.messages == ["The amount must be at most 10,000.00 yuan."]
    assert YuanField(required=False).clean("") is None
