"""A real image captcha (验证码): random characters drawn with noise by Pillow.

The answer is kept in the session (database-backed), so any app server can check it. Only test settings
may bypass it (settings.CAPTCHA_BYPASS).
"""

import io
import random
import secrets

from django.conf import settings
from PIL import Image, ImageDraw, ImageFilter, ImageFont

SESSION_KEY = "captcha_answer"
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
LENGTH = 4
_FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
]


def _font(size: int):
    for path in _FONT_CANDIDATES:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def new_challenge(session) -> str:
    answer = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    session[SESSION_KEY] = answer
    return answer


def render_png(answer: str) -> bytes:
    rng = random.Random(secrets.randbits(64))
    width, height = 120, 44
    image = Image.new("RGB", (width, height), (245, 247, 250))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        draw.line(
            [
                (rng.randint(0, width), rng.randint(0, height)),
                (rng.randint(0, width), rng.randint(0, height)),
            ],
            fill=(rng.randint(120, 200), rng.randint(120, 200), rng.randint(120, 200)),
            width=1,
        )
    font = _font(28)
    for index, char in enumerate(answer):
        glyph = Image.new("RGBA", (34, 40), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text(
            (4, 2), char, font=font, fill=(rng.randint(10, 90), rng.randint(30, 90), rng.randint(90, 160))
        )
        glyph = glyph.rotate(rng.randint(-25, 25), resample=Image.Resampling.BICUBIC, expand=False)
        image.paste(glyph, (6 + index * 28, rng.randint(0, 6)), glyph)
    for _ in range(120):
        draw.point((rng.randint(0, width - 1), rng.randint(0, height - 1)), fill=(rng.randint(0, 255),) * 3)
    image = image.filter(ImageFilter.SMOOTH)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def check(session, given: str) -> bool:
    """One try per challenge: the answer is removed whether right or wrong."""
    expected = session.pop(SESSION_KEY, None)
    if settings.CAPTCHA_BYPASS:
        return True
    if not expected or not given:
        return False
    return secrets.compare_digest(expected.upper(), given.strip().upper())
