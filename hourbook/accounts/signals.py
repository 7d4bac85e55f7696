"""What accounts tell the apps above them (the audit trail listens in `audit.receivers`).

Accounts sit below audit in the import stack, so they announce their writes instead of calling it.
"""

from django.dispatch import Signal

# actor, user: an account's password was changed by its owner.
password_changed = Signal()
# user, name (as typed), ip, until: too many wrong passwords locked an account (DOMAIN.md, Login).
account_locked = Signal()
