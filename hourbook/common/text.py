"""Free text as people type or paste it: one rule for what counts as empty, for forms, uploads and services.

A reason or a name made only of zero-width spaces (or a byte-order mark, a word joiner, a Hangul filler…)
shows as blank, so it must be judged empty. `clean_text` strips, at both ends, whitespace (full-width space
included) and characters that render as nothing; characters inside the text are kept as typed.
"""

import unicodedata

from django import forms

# Characters that render as nothing but are not whitespace to str.strip(): zero-width space, non-joiner and
# joiner, word joiner and the invisible operators, BOM / zero-width no-break space, Mongolian vowel
# separator, soft hyphen, combining grapheme joiner, Hangul fillers, braille blank, bidi marks and controls.
INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u180e\u00ad\u034f"
    "\u115f\u1160\u3164\uffa0\u2800\u200e\u200f\u061c"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def _blank_char(char: str) -> bool:
    return char.isspace() or char in INVISIBLE or unicodedata.category(char) in ("Cc", "Cf")


def clean_text(value) -> str:
    """`value` as text without surrounding whitespace and invisible characters ("" for None)."""
    if value is None:
        return ""
    text = str(value)
    start, end = 0, len(text)
    while start < end and _blank_char(text[start]):
        start += 1
    while end > start and _blank_char(text[end - 1]):
        end -= 1
    return text[start:end]


def is_blank(value) -> bool:
    """Whether `value` holds nothing a person could see."""
    return not clean_text(value)


class CleanCharField(forms.CharField):
    """A form's text field that strips invisible characters as well as spaces, so they count as empty."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return clean_text(value) or self.empty_value
