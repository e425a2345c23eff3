"""The one rule for names: NFC, and no control, format, surrogate or line-separator characters."""

from __future__ import annotations

import pytest

from socsec.core.text import TextRefused, clean_text, storage_refusal, text_refusal


def test_a_name_is_normalised_to_nfc():
    assert clean_text("Zoe\u0301") == "Zo\u00e9"
    assert clean_text("\u5f20\u4e09") == "张三"


def test_private_use_and_rare_characters_are_accepted():
    assert text_refusal("\ue000\U00020000") is None  # a private-use character; CJK extension B


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("a\u202eb", "holds a formatting character (such as a bidirectional override), U+202E, at character 2"),
        ("\u2066x", "holds a formatting character (such as a bidirectional override), U+2066, at character 1"),
        ("x\ufeff", "holds a formatting character (such as a bidirectional override), U+FEFF, at character 2"),
        ("a\x1bb", "holds a control character, U+001B, at character 2"),
        ("a\x85", "holds a control character, U+0085, at character 2"),
        ("a\udfff", "holds a lone surrogate (half of a character), U+DFFF, at character 2"),
        ("a\u2029", "holds a paragraph separator, U+2029, at character 2"),
    ],
)
def test_refused(text, reason):
    assert text_refusal(text) == f"{reason}; it is not accepted."
    with pytest.raises(TextRefused):
        clean_text(text)


def test_what_cannot_be_stored_at_all():
    assert storage_refusal("a\u202eb\x07") is None  # only NUL and surrogates: other text is the field's own rule
    assert storage_refusal("a\x00") == "holds a control character, U+0000, at character 2; it is not accepted."
