"""Log in with a username or an employee's ARP number (DOMAIN.md, Login), behind the lockout.

The lockout lives here, in the one backend, so that every `authenticate()` call (the site's login, any future
API token exchange) is refused while the account or the client address is locked, and every wrong password
is counted against the account the typed name resolves to.
"""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from .models import User
from .selectors import account_for_login
from .services import client_ip, login_failed, login_lock, login_succeeded

# Set on the request when a lock refuses a login, so that the login page can say why and for how long.
LOCK_ATTRIBUTE = "login_lock"


class AccountBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        user = account_for_login(username)
        ip = client_ip(request)
        lock = login_lock(user=user, name=username, ip=ip)
        if lock is not None:
            if request is not None:
                setattr(request, LOCK_ATTRIBUTE, lock)
            raise PermissionDenied  # authenticate() stops here: no other backend is asked
        if user is None:
            User().set_password(password)  # same work as a real check, against timing probes
        elif user.check_password(password) and self.user_can_authenticate(user):
            login_succeeded(user=user)
            return user
        lock = login_failed(user=user, name=username, ip=ip)
        if lock is not None and request is not None:
            setattr(request, LOCK_ATTRIBUTE, lock)
        return None
