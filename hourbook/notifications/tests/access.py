from hourbook.testing.access import PERSONAS, Access, register

register("notifications:list", Access(ok=PERSONAS))
register("notifications:mark_read", Access(method="POST", ok=PERSONAS, ok_status=(302,)))
