"""The login's image captcha (验证码), on django-simple-captcha.

Each login page gets a new challenge, a row of `captcha.CaptchaStore` (in the database, so any app server can
check it); its image is drawn by simple-captcha from our challenge. One try per challenge: the first request
that presents a key consumes it, right or wrong, with one DELETE whose row count decides, so parallel
requests cannot share one solved captcha. Only test settings may bypass it (settings.CAPTCHA_BYPASS).
"""

import secrets

from captcha.models import CaptchaStore
from django.conf import settings
from django.db import transaction
from django.utils import timezone

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
LENGTH = 4


def challenge() -> tuple[str, str]:
    """CAPTCHA_CHALLENGE_FUNCT: (text drawn, answer), from the system's random source."""
    text = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return text, text.lower()


def new_key() -> str:
    """A new challenge; expired ones are swept on the way (simple-captcha's own clean-up)."""
    CaptchaStore.remove_expired()
    return CaptchaStore.generate_key()


@transaction.atomic
def consume(key: str, answer: str) -> bool:
    """Whether `answer` solves the challenge `key`; the challenge is spent either way.

    The right answer deletes its row in one statement, and only the request whose DELETE removed it passes;
    a wrong answer deletes the row too, so a challenge can never be guessed twice.
    """
    key, answer = (key or "").strip(), (answer or "").strip().lower()
    if not key:
        return False
    solved, _ = CaptchaStore.objects.filter(
        hashkey=key, response=answer, expiration__gt=timezone.now()
    ).delete()
    if solved != 1:
        CaptchaStore.objects.filter(hashkey=key).delete()
    return solved == 1 and bool(answer)


def passes(key: str, answer: str) -> bool:
    """The login's captcha check: consumed for real unless test settings bypass it."""
    if settings.CAPTCHA_BYPASS:
        CaptchaStore.objects.filter(hashkey=(key or "").strip()).delete()
        return True
    return consume(key, answer)
