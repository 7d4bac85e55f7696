"""员工ARP编号: one format, checked by the model field (forms, roster import, admin) and by the database.

ARP numbers are digits only, and login usernames never start with a digit (`accounts.validators`), so a
string typed at the login names one account, never two (issue 8: an ARP number `HR_BJ` took the login of
the account `hr_bj`).
"""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

ARP_MAX_LENGTH = 32
# Anchored with \A and \Z: the same pattern runs in Python, in SQLite's REGEXP and in PostgreSQL's `~`.
ARP_REGEX = r"\A[0-9]{1,32}\Z"
MSG_ARP_FORMAT = _("员工ARP编号只能由数字组成（最多 32 位）")

validate_arp = RegexValidator(ARP_REGEX, MSG_ARP_FORMAT, code="arp_format")


def looks_like_arp(value: str) -> bool:
    """Whether a login name is an ARP number (digits) rather than a username."""
    return value.isascii() and value.isdigit() and len(value) <= ARP_MAX_LENGTH
