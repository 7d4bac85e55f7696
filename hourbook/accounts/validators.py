"""Usernames never look like an ARP number (digits, `org.validators`): the login name space stays unambiguous."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# The same pattern runs in Python and in the database's check constraint (SQLite REGEXP, PostgreSQL `~`).
USERNAME_DIGIT_START_REGEX = r"\A[0-9]"
MSG_USERNAME_DIGIT_START = _("用户名不能以数字开头（以数字组成的是员工ARP编号）")

validate_username_not_arp = RegexValidator(
    USERNAME_DIGIT_START_REGEX, MSG_USERNAME_DIGIT_START, code="username_digit_start", inverse_match=True
)
