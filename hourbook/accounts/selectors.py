"""Reads about accounts that need care."""

from hourbook.org.validators import looks_like_arp

from .models import User


def account_for_login(name: str) -> User | None:
    """The one account a typed login name means (DOMAIN.md, Login), or None.

    Digits are an ARP number (the account of that employee); anything else is a username, matched whatever
    its case. The two formats are disjoint and enforced by the database, so the answer never depends on
    which of two accounts comes first.
    """
    key = (name or "").strip()
    if not key:
        return None
    if looks_like_arp(key):
        return User.objects.filter(employee__arp=key).select_related("employee").first()
    return User.objects.filter(username__iexact=key).select_related("employee").first()
