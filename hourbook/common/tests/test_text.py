"""What counts as empty text (issue 8, item 11): spaces and characters that render as nothing."""

import pytest
from django import forms

from hourbook.common.text import CleanCharField, clean_text, is_blank


@pytest.mark.parametrize(
    "value",
    [
        "",
        None,
        "   ",
        "\u3000",  # full-width space
        "\u200b",  # zero-width space
        "\u200b\u200c\u200d",
        "\u2060\ufeff",  # word joiner, byte-order mark
        " \u200b\u3000\u00a0\u180e\t\n",
        "\u3164\u115f\uffa0",  # Hangul fillers
        "\u202e\u2066\u2069\u200e",  # bidi controls and marks
        "\u00ad\u034f",  # soft hyphen, combining grapheme joiner
    ],
)
def test_invisible_text_is_blank(value):
    assert clean_text(value) == ""
    assert is_blank(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("\u200b学术会议\u200b", "学术会议"),
        ("\ufeff 理由 \u3000", "理由"),
        ("学术\u200b会议", "学术\u200b会议"),  # inside the text: kept as typed
        ("  A-1  ", "A-1"),
        (12, "12"),
    ],
)
def test_clean_text_strips_only_the_ends(value, expected):
    assert clean_text(value) == expected
    assert not is_blank(value)


def test_clean_char_field_counts_invisible_as_empty():
    class Form(forms.Form):
        name = CleanCharField(max_length=5)
        note = CleanCharField(required=False, max_length=5)

    form = Form({"name": "\u200b\u200b\u200b", "note": "\u200b"})
    assert not form.is_valid()
    assert list(form.errors) == ["name"]
    form = Form({"name": "\u200b学术会议\u200b", "note": "\u200b"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"name": "学术会议", "note": ""}
