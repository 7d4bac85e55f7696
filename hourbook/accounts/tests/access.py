from captcha.models import CaptchaStore

from hourbook.testing.access import PERSONAS, Access, register

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
register("accounts:password_change", Access(ok=PERSONAS, wrong_method="PUT"))
