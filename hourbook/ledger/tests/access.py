from hourbook.testing.access import PERSONAS, Access, register

EMPLOYEES = ("employee", "colleague", "outsider", "hr", "parent_hr", "sibling_hr", "manager")

register("ledger:home", Access(ok=PERSONAS))
register("ledger:archive", Access(ok=EMPLOYEES, not_found=("academy",)))
register("ledger:explain", Access(ok=EMPLOYEES, not_found=("academy",)))
