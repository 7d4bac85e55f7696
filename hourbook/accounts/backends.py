"""Log in with a username or an employee's ARP number (DOMAIN.md, Login)."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from .models import User


class AccountBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        key = username.strip()
        user = (
            User.objects.filter(Q(username__iexact=key) | Q(employee__arp__iexact=key)).order_by("pk").first()
        )
        if user is None:
            User().set_password(password)  # same work as a real check, against timing probes
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
