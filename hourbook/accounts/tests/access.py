from hourbook.testing.access import PERSONAS, Access, register

register("accounts:login", Access(anonymous="public", ok=(), wrong_method="PUT"))
register("accounts:captcha", Access(anonymous="public", ok=PERSONAS))
register("accounts:logout", Access(method="POST", ok=PERSONAS, ok_status=(302,), anonymous="public"))
register("accounts:password_change", Access(ok=PERSONAS, wrong_method="PUT"))
