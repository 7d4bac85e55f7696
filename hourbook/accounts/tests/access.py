"""Access matrix of the account pages: login and its captcha are public, the rest needs a login.

The password page is also a form: every persona changes their own password. The matrix's effect does not know
the acting persona, so it checks that exactly one persona's password now checks (the actor's own: the service
never changes another's, accounts/tests/test_password_change.py) and that none does after an anonymous POST.
"""

from captcha.models import CaptchaStore
from django.contrib.auth import get_user_model

from hourbook.testing.access import PERSONAS, Access, register
from hourbook.testing.factories import PASSWORD

NEW_PASSWORD = "Xin-mima-2026-qiang"


def _one_password_changed(cast, objects) -> bool:
    users = get_user_model().objects.filter(pk__in=[cast[p].pk for p in PERSONAS])
    return sum(user.check_password(NEW_PASSWORD) for user in users) == 1


register("accounts:login", Access(anonymous="public", ok=(), wrong_method="PUT"))
register(
    "accounts:captcha",
    Access(
        anonymous="public",
        ok=PERSONAS,
        setup=lambda cast: CaptchaStore.generate_key(),
        kwargs=lambda cast, key: {"key": key},
        wrong_method="POST",
    ),
)
register("accounts:captcha_refresh", Access(anonymous="public", ok=PERSONAS, wrong_method="POST"))
register(
    "accounts:logout",
    Access(
        method="POST",
        ok=PERSONAS,
        ok_status=(302,),
        anonymous="public",
        effect_exempt="its effect is the session's end, checked in accounts/tests",
    ),
)
register(
    "accounts:password_change",
    Access(
        ok=PERSONAS,
        wrong_method="PUT",
        post=Access(
            method="POST",
            ok=PERSONAS,
            ok_status=(302,),
            data=lambda cast, objects: {
                "old_password": PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
            effect=_one_password_changed,
        ),
    ),
)
